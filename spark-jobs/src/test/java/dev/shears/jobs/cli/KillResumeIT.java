package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.jobs.Scripts;
import dev.shears.jobs.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Searches killed hard (SIGKILL, as {@code kill -9} or a lost machine) at many moments resume with
 * {@code --resume} to exactly the table of a run that was never interrupted. Each chain of kills
 * goes on in one output: every resume is killed again at a later moment (during base training, while
 * trials run, while the outputs are written, right after they are moved into place), until the last
 * resume finishes. At no moment does {@code --out} hold a half-written run.
 */
class KillResumeIT {

    /** The table's columns that do not depend on timing. */
    private static final List<String> DETERMINISTIC = List.of("rank", "status", "compression", "params_nonzero",
            "accuracy", "accuracy_drop", "val_accuracy", "val_accuracy_drop", "meets_tolerance", "pareto");
    /** What a strategy proposed each candidate as. */
    private static final List<String> PROPOSED = List.of("target_sparsity", "scorer", "epochs");
    private static final Duration RUN_LIMIT = Duration.ofMinutes(3);
    /**
     * Enough that the four kills chain 0 makes among trials leave trials to run: two slots often
     * checkpoint two or three trials between a moment and its kill.
     */
    private static final int TRIALS = 16;

    @TempDir
    Path dir;

    /** Where a run is, from its log and the files it has written since it started. */
    private record State(Path staging, Path out, FileTime since, Path log) {
        boolean started() {
            return staging != null;
        }

        boolean logged(String text) {
            try {
                return Files.readString(log).contains(text);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Trials this run has checkpointed. */
        long trials() {
            Path trials = staging == null ? null : staging.resolve("checkpoint/trials");
            if (trials == null || !Files.isDirectory(trials)) {
                return 0;
            }
            try (Stream<Path> files = Files.list(trials)) {
                return files.filter(f -> f.getFileName().toString().matches("c\\d+(-r\\d+)?\\.json") && newer(f)).count();
            } catch (IOException vanished) {
                return 0;
            }
        }

        /** A file of the outputs (or a temporary one being written) written by this run. */
        boolean wrote(String prefix) {
            if (!started()) {
                return false;
            }
            try (Stream<Path> files = Files.list(staging)) {
                return files.anyMatch(f -> f.getFileName().toString().startsWith(prefix) && newer(f));
            } catch (IOException vanished) {
                return false;
            }
        }

        private boolean newer(Path f) {
            try {
                return Files.getLastModifiedTime(f).compareTo(since) >= 0;
            } catch (IOException vanished) {
                return false;
            }
        }

        /** This run reached {@code --out} (an extension finds the finished run there from the start). */
        boolean committed() {
            return Files.exists(out.resolve("run.json")) && newer(out.resolve("run.json"));
        }

        @Override
        public String toString() {
            return committed() ? "after the run was moved into place"
                    : wrote("results.csv") ? "while writing the outputs"
                    : logged("base model:") ? trials() + " new trials checkpointed"
                    : logged("data:") ? "while training the base model"
                    : "while starting";
        }
    }

    /** A moment to kill at: when {@code when} first holds, then {@code delayMillis} later. */
    private record Moment(String name, Predicate<State> when, long delayMillis) {
    }

    private static Moment training(long delay) {
        return new Moment("base training +" + delay + "ms", s -> s.logged("data:"), delay);
    }

    private static Moment sparkStart(long delay) {
        return new Moment("base model saved +" + delay + "ms", s -> s.logged("base model:"), delay);
    }

    private static Moment trials(long n, long delay) {
        return new Moment(n + " new trials +" + delay + "ms", s -> s.trials() >= n, delay);
    }

    private static Moment writing(String prefix, long delay) {
        return new Moment("writing " + prefix + " +" + delay + "ms", s -> s.wrote(prefix), delay);
    }

    private static Moment committed() {
        return new Moment("moved into place", State::committed, 0);
    }

    @Test
    void killedSearchesResumeToTheUninterruptedTable() throws Exception {
        TestData.writeBlobs(dir);
        Path spec = Files.writeString(dir.resolve("spec.yaml"), TestData.spec(dir, String.join("\n",
                "  ratio: [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]",
                "  scorer: [magnitude, random]",
                "  epochs: [4]"), "  budget: " + TRIALS).replace("epochs: 8", "epochs: 60"));
        Path reference = dir.resolve("reference");
        assertEquals(0, run(spec, reference, null).code, "the uninterrupted run");
        Map<String, List<Object>> expected = table(reference);
        assertEquals(TRIALS + 1, expected.size());

        List<List<Moment>> chains = List.of(
                List.of(training(0), training(400), sparkStart(0), trials(1, 0), trials(1, 100), trials(2, 0), trials(2, 0),
                        writing("results.csv", 0), writing(".results.parquet.tmp-", 0), writing("run.json", 0),
                        committed()),
                List.of(training(200), training(800), sparkStart(300), sparkStart(1000), trials(2, 0), trials(1, 30),
                        writing("results.json", 0), writing(".results.parquet.tmp-", 300), writing("pareto.csv", 0),
                        committed()));
        int kills = 0;
        List<String> landed = new ArrayList<>();
        for (int c = 0; c < chains.size(); c++) {
            Path out = dir.resolve("chain" + c);
            for (Moment m : chains.get(c)) {
                Run r = run(spec, out, m);
                if (r.killedAt != null) {
                    kills++;
                    landed.add("chain " + c + ", " + m.name() + ": " + r.killedAt);
                    assertEquals(137, r.code, "a SIGKILL");
                } else {
                    assertEquals(0, r.code, m.name() + ": the run finished before the kill");
                }
                assertTrue(!Files.exists(out) || Files.exists(out.resolve("run.json")),
                        "--out is absent or holds the whole run, never part of it (" + m.name() + ")");
            }
            Run last = run(spec, out, null);
            assertEquals(0, last.code, "the last resume of chain " + c);
            assertEquals(expected, table(out), "chain " + c + ": the same table as the uninterrupted run");
            try (Stream<Path> files = Files.walk(out)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".tmp-")
                        || f.getFileName().toString().equals("checkpoint")), "no checkpoints or temporary files left");
            }
            String partial = out.getFileName() + ".partial-";
            try (Stream<Path> files = Files.list(dir)) {
                assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith(partial)),
                        "the staging directory is gone");
            }
        }
        System.out.println("kills that landed (" + kills + "):\n  " + String.join("\n  ", landed));
        assertTrue(kills >= 20, "kills that landed before their run finished: " + landed);
    }

    /**
     * asha's rungs survive kills, {@code --resume} and {@code --extend}: a smaller budget killed among its
     * trials and resumed, then extended and killed among the new trials and while writing, ends with the
     * table and {@code rungs.csv} of one uninterrupted run at the larger budget. Two slots finish trials out
     * of order, so the promotions must not depend on which finished first.
     */
    @Test
    void killedAndExtendedAshaSearchesResumeToTheUninterruptedRungs() throws Exception {
        TestData.writeBlobs(dir);
        Path spec = Files.writeString(dir.resolve("asha.yaml"), TestData.spec(dir,
                "  ratio: {min: 0.3, max: 0.95}\n  scorer: [magnitude, random]",
                "  strategy: asha\n  budget: 8\n  options:\n    minEpochs: 1\n    maxEpochs: 4\n    eta: 2"));
        Path reference = dir.resolve("asha-reference");
        assertEquals(0, run(spec, reference, null).code, "the uninterrupted run");
        String cache = dir.resolve("cache").toString();
        String[] smaller = {"--cache", cache, "--set", "search.budget=4"};
        Path out = dir.resolve("asha");

        List<String> landed = new ArrayList<>();
        for (Moment m : List.of(trials(2, 0), trials(1, 0))) {
            landed.add("budget 4, " + m.name() + ": " + killed(run(spec, out, m, smaller), m));
        }
        assertEquals(0, run(spec, out, null, smaller).code, "the smaller run resumed");
        // the extension is killed twice among its trials (the first ones come from the cache), then while writing
        for (Moment m : List.of(trials(3, 0), trials(2, 0), writing("rungs.csv", 0))) {
            landed.add("extension, " + m.name() + ": " + killed(run(spec, out, m, "--cache", cache), m));
            assertTrue(Files.exists(out.resolve("run.json")), "the smaller run stays in --out until the extension is done");
        }
        assertEquals(0, run(spec, out, null, "--cache", cache).code, "the extension resumed");

        System.out.println("asha kills:\n  " + String.join("\n  ", landed));
        assertTrue(landed.stream().filter(l -> !l.endsWith("finished")).count() >= 4, "kills that landed: " + landed);
        assertEquals(table(reference), table(out));
        assertEquals(Files.readAllLines(reference.resolve("rungs.csv")), Files.readAllLines(out.resolve("rungs.csv")));
    }

    /**
     * tpe's draws survive kills: killed among its trials and while writing, the resumed search ends with the table of
     * one uninterrupted run. Each draw after the first three is modelled on the results of the draws before it, which
     * two slots finish out of order and a resumed run is told at once from its checkpoints, so the draws must follow
     * from the results alone, not from when they came.
     */
    @Test
    void killedTpeSearchesResumeToTheUninterruptedDraws() throws Exception {
        TestData.writeBlobs(dir);
        Path spec = Files.writeString(dir.resolve("tpe.yaml"), TestData.spec(dir,
                "  ratio: {min: 0.3, max: 0.95}\n  scorer: [magnitude, random]\n  epochs: [2]",
                "  strategy: tpe\n  budget: 8\n  options:\n    startup: 3\n    parallel: 2"));
        Path reference = dir.resolve("tpe-reference");
        assertEquals(0, run(spec, reference, null).code, "the uninterrupted run");
        Path out = dir.resolve("tpe");

        List<String> landed = new ArrayList<>();
        for (Moment m : List.of(trials(2, 0), trials(2, 0), writing("results.csv", 0))) {
            landed.add(m.name() + ": " + killed(run(spec, out, m), m));
        }
        assertEquals(0, run(spec, out, null).code, "the last resume");

        System.out.println("tpe kills:\n  " + String.join("\n  ", landed));
        assertTrue(landed.stream().filter(l -> !l.endsWith("finished")).count() >= 2, "kills that landed: " + landed);
        assertEquals(table(reference, PROPOSED), table(out, PROPOSED), "the same draws");
        assertEquals(table(reference), table(out));
    }

    private record Run(int code, String killedAt) {
    }

    /** Where a run was killed, or that it finished first. */
    private static String killed(Run r, Moment m) {
        assertEquals(r.killedAt == null ? 0 : 137, r.code, m.name());
        return r.killedAt == null ? "finished" : r.killedAt;
    }

    /** Runs the search with --resume and {@code more} arguments, killing it at {@code moment} (null: let it finish). */
    private Run run(Path spec, Path out, Moment moment, String... more) throws Exception {
        FileTime start = FileTime.fromMillis(System.currentTimeMillis());
        Path log = Scripts.log("kill-resume");
        List<String> args = new ArrayList<>(List.of("search", "--spec", spec.toString(),
                "--out", out.toString(), "--resume", "--master", "local[2]"));
        args.addAll(List.of(more));
        Process p = Scripts.start(log, "shears", args.toArray(String[]::new));
        long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
        String killedAt = null;
        if (moment != null) {
            while (p.isAlive() && !moment.when().test(state(out, start, log))) {
                Thread.sleep(5);
                if (System.nanoTime() > deadline) {
                    fail(moment.name() + " never came");
                }
            }
            Thread.sleep(moment.delayMillis());
            if (p.isAlive()) {
                killedAt = state(out, start, log).toString();
                p.destroyForcibly();
            }
        }
        if (!p.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the search did not finish within " + RUN_LIMIT);
        }
        return new Run(p.exitValue(), killedAt);
    }

    private static State state(Path out, FileTime since, Path log) {
        try (Stream<Path> files = Files.list(out.getParent())) {
            Path staging = files.filter(f -> f.getFileName().toString().startsWith(out.getFileName() + ".partial-"))
                    .findFirst().orElse(null);
            return new State(staging, out, since, log);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Candidate to its deterministic columns. */
    private static Map<String, List<Object>> table(Path out) throws IOException {
        return table(out, DETERMINISTIC);
    }

    /** Candidate to the values of {@code columns}. */
    private static Map<String, List<Object>> table(Path out, List<String> columns) throws IOException {
        List<Map<String, Object>> rows = new ObjectMapper().readValue(out.resolve("results.json").toFile(),
                new TypeReference<>() { });
        Map<String, List<Object>> table = new TreeMap<>();
        for (Map<String, Object> r : rows) {
            List<Object> kept = new ArrayList<>();
            columns.forEach(c -> kept.add(r.get(c)));
            table.put(String.valueOf(r.get("candidate")), kept);
        }
        return table;
    }
}
