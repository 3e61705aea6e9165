package dev.shears.jobs.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.TestData;
import dev.shears.jobs.engine.CandidateEngine;
import dev.shears.jobs.engine.LocalEngine;
import dev.shears.jobs.engine.TrialRequest;
import dev.shears.jobs.result.Columns;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.BadInputException;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.train.FineTuner;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/** A search that stops part-way resumes from its checkpoints: finished trials are not run again. */
class ResumeTest {

    @TempDir
    Path dir;

    /** Runs trials in this JVM and dies (as a lost driver would) on the trial numbered {@code dieAt}. */
    private static final class Engine implements CandidateEngine {
        final LocalEngine local;
        final int dieAt;
        final List<String> ran = new ArrayList<>();

        Engine(byte[] base, dev.shears.jobs.engine.TrialContext ctx, int dieAt) {
            this.local = new LocalEngine(base, ctx);
            this.dieAt = dieAt;
        }

        @Override
        public int slots() {
            return 1;
        }

        @Override
        public CompletableFuture<CandidateOutcome> submit(TrialRequest request) {
            if (ran.size() == dieAt) {
                throw new IllegalStateException("driver lost");
            }
            ran.add(request.candidate().id());
            return local.submit(request);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aStoppedSearchResumesWithoutRepeatingFinishedTrials() throws Exception {
        TestData.writeBlobs(dir);
        String yaml = TestData.spec(dir, "  ratio: [0.3, 0.6, 0.9]\n  scorer: [magnitude]", "  budget: 3");
        LoadedSpec spec = SpecLoader.parse("spec.yaml", yaml, List.of());
        String out = dir.resolve("out").toString();
        List<Engine> engines = new ArrayList<>();

        Prepared first = prepare(spec, out, false, null);
        IllegalStateException stop = assertThrows(IllegalStateException.class, () -> SearchJob.run(first, ctx -> {
            Engine e = new Engine(first.baseModel(), ctx, 2);
            engines.add(e);
            return e;
        }, "test", (rows, cols, path) -> { }, null));
        assertTrue(stop.getMessage().contains("--resume"), stop.getMessage());
        assertFalse(Files.exists(dir.resolve("out")), "nothing at --out until a run finishes");
        File[] partial = dir.toFile().listFiles((d, n) -> n.startsWith("out.partial-"));
        assertEquals(1, partial.length, "the stopped run's staging directory is kept");

        Prepared second = prepare(spec, out, true, null);
        assertTrue(second.out().resumed());
        assertEquals(first.baseMetrics().accuracy(), second.baseMetrics().accuracy(), "the same base model");
        List<Row> rows = SearchJob.run(second, ctx -> {
            Engine e = new Engine(second.baseModel(), ctx, -1);
            engines.add(e);
            return e;
        }, "test", (r, cols, path) -> { }, null);

        assertEquals(List.of("c0000", "c0001"), engines.get(0).ran);
        assertEquals(List.of("c0002"), engines.get(1).ran, "only the unfinished trial runs again");
        assertEquals(4, rows.size());
        assertTrue(rows.stream().allMatch(r -> r.trial().ok()));
        assertTrue(Files.exists(dir.resolve("out").resolve("results.csv")));
        assertFalse(Files.exists(dir.resolve("out").resolve("checkpoint")), "checkpoints are removed at the end");
        for (String id : List.of("c0000", "c0001", "c0002")) {
            assertTrue(Files.exists(dir.resolve("out").resolve("models").resolve(id + ".zip")),
                    "the models of resumed and new trials are both saved: " + id);
        }
        assertEquals(0, dir.toFile().listFiles((d, n) -> n.startsWith("out.partial-")).length);
        assertTrue(Files.readString(dir.resolve("out").resolve("run.json")).contains("\"trials_resumed\" : 2"));
        assertEquals(1, second.timings().slotUtilisation.trials(),
                "the resumed trials ran in the stopped run: only the new one counts towards the slots' use");
    }

    /** Each registered strategy with the options it needs for a few trials of the test data. */
    static Stream<Arguments> strategies() {
        return Stream.of(
                Arguments.of("grid", "  budget: 4"),
                Arguments.of("random", "  budget: 4"),
                Arguments.of("halving", "  budget: 4\n  options:\n    minEpochs: 1\n    maxEpochs: 2\n    eta: 2"),
                Arguments.of("asha", "  budget: 4\n  options:\n    minEpochs: 1\n    maxEpochs: 2\n    eta: 2"),
                Arguments.of("tpe", "  budget: 5\n  options:\n    startup: 2\n    parallel: 1"),
                Arguments.of("nsga2", "  budget: 6\n  options:\n    population: 4\n    objectives: [val_accuracy, compression]"),
                Arguments.of("sensitivity", "  budget: 7\n  options:\n    scanRatios: [0.5, 0.9]\n    targetSparsity: 0.8"
                        + "\n    tolerance: 0.05"));
    }

    /**
     * Stopped on its third trial and resumed, every strategy proposes the same candidates and ends with the table of a
     * run that was never stopped: what it learnt from the finished trials is rebuilt from their checkpoints.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("strategies")
    void everyStrategyResumesToTheTableOfAnUninterruptedRun(String strategy, String options) throws Exception {
        TestData.writeBlobs(dir);
        String yaml = TestData.spec(dir, "  ratio: [0.3, 0.6, 0.9]\n  scorer: [magnitude, random]\n  epochs: [2]",
                "  strategy: " + strategy + "\n" + options);
        LoadedSpec spec = SpecLoader.parse("spec.yaml", yaml, List.of());

        Prepared whole = prepare(spec, dir.resolve("whole").toString(), false, null);
        List<Row> expected = SearchJob.run(whole, ctx -> new Engine(whole.baseModel(), ctx, -1), "test",
                (r, cols, path) -> { }, null);

        String out = dir.resolve("stopped").toString();
        Prepared first = prepare(spec, out, false, null);
        assertThrows(IllegalStateException.class, () -> SearchJob.run(first, ctx -> new Engine(first.baseModel(), ctx, 2),
                "test", (r, cols, path) -> { }, null));
        Prepared second = prepare(spec, out, true, null);
        List<Engine> resumed = new ArrayList<>();
        List<Row> rows = SearchJob.run(second, ctx -> {
            Engine e = new Engine(second.baseModel(), ctx, -1);
            resumed.add(e);
            return e;
        }, "test", (r, cols, path) -> { }, null);

        assertTrue(expected.size() > 3, strategy + " ran " + expected.size() + " rows");
        assertEquals(table(expected), table(rows), strategy);
        assertEquals(expected.size() - 1 - 2, resumed.get(0).ran.size(), "the two finished trials are not run again");
    }

    /** Candidate, its parameters, parent, epochs and figures, in rank order. */
    private static List<String> table(List<Row> rows) {
        return rows.stream().map(r -> String.join(" ", r.candidate(), String.valueOf(r.trial().plan()),
                String.valueOf(r.trial().parent()), String.valueOf(r.trial().epochs()),
                String.valueOf(r.number(Columns.VAL_ACCURACY)), String.valueOf(r.number(Columns.ACCURACY)),
                String.valueOf(r.number(Columns.COMPRESSION)))).toList();
    }

    @Test
    void slotUtilisationIsBusySlotSecondsOverSlotsTimesFirstStartToLastEnd() {
        List<CandidateOutcome.Span> spans = List.of(new CandidateOutcome.Span(1_000, 11_000),
                new CandidateOutcome.Span(3_000, 5_000), new CandidateOutcome.Span(6_000, 9_000));
        SlotUtilisation u = SlotUtilisation.of(spans, 2).orElseThrow();
        assertEquals(3, u.trials());
        assertEquals(15.0, u.busySlotSeconds());
        assertEquals(10.0, u.spanSeconds());
        assertEquals(0.75, u.utilisation());
        assertTrue(SlotUtilisation.of(List.of(), 2).isEmpty());
        Timings timings = new Timings();
        timings.slotUtilisation = u;
        assertEquals(u, timings.copy().slotUtilisation, "a prepared search's copy keeps it");
    }

    /** The search stopped as its trial numbered {@code dieAt} starts; the folder of its checkpoints. */
    private Path stopped(LoadedSpec spec, int dieAt) {
        Prepared first = prepare(spec, dir.resolve("out").toString(), false, null);
        assertThrows(IllegalStateException.class, () -> SearchJob.run(first,
                ctx -> new Engine(first.baseModel(), ctx, dieAt), "test", (r, c, p) -> { }, null));
        return Path.of(java.net.URI.create(first.out().staging())).resolve("checkpoint");
    }

    /** Resumes the stopped search to the end; the trials its engine ran go into {@code ran}. */
    private List<Row> resumed(LoadedSpec spec, List<String> ran) {
        Prepared second = prepare(spec, dir.resolve("out").toString(), true, null);
        List<Engine> engines = new ArrayList<>();
        List<Row> rows = SearchJob.run(second, ctx -> {
            Engine e = new Engine(second.baseModel(), ctx, -1);
            engines.add(e);
            return e;
        }, "test", (r, c, p) -> { }, null);
        ran.addAll(engines.get(0).ran);
        assertTrue(rows.stream().allMatch(r -> r.trial().ok()), rows.toString());
        return rows;
    }

    private LoadedSpec spec(String ratios) throws Exception {
        TestData.writeBlobs(dir);
        return SpecLoader.parse("spec.yaml", TestData.spec(dir, "  ratio: " + ratios + "\n  scorer: [magnitude]",
                "  budget: 3"), List.of());
    }

    @Test
    void anUnreadableCheckpointIsRunAgainAndTheRunFinishes() throws Exception {
        LoadedSpec spec = spec("[0.3, 0.6, 0.9]");
        Path trials = stopped(spec, 2).resolve("trials");
        // as a kill in the middle of writing it left it before writes were atomic; and a killed write's temporary file
        Files.write(trials.resolve("c0000.json"), new byte[0]);
        Files.writeString(trials.resolve(".c0001.json.tmp-1234"), "{\"key\": ");

        List<String> ran = new ArrayList<>();
        assertEquals(4, resumed(spec, ran).size());
        assertEquals(List.of("c0000", "c0002"), ran, "the unreadable trial runs again");
        assertTrue(Files.readString(dir.resolve("out").resolve("run.json")).contains("\"trials_resumed\" : 1"),
                "c0001 is resumed");
        try (var files = Files.walk(dir.resolve("out"))) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".tmp-")), "no temporary file is left");
        }
    }

    @Test
    void anUnreadableBaseModelIsTrainedAgainWithEveryTrial() throws Exception {
        LoadedSpec spec = spec("[0.3, 0.6]");
        Files.write(stopped(spec, 1).resolve("base.zip"), new byte[] {'P', 'K'});

        List<String> ran = new ArrayList<>();
        assertEquals(3, resumed(spec, ran).size());
        assertEquals(List.of("c0000", "c0001"), ran, "trials measured against the lost base run again");
    }

    @Test
    void aLaterRunSaysWhatChangedSinceAnEarlierOne() throws Exception {
        TestData.writeBlobs(dir);
        LoadedSpec spec = SpecLoader.parse("s.yaml", TestData.spec(dir, "  ratio: [0.3, 0.9]", "  budget: 2"), List.of());
        Prepared monday = prepare(spec, dir.resolve("monday").toString(), false, null);
        SearchJob.run(monday, ctx -> new LocalEngine(monday.baseModel(), ctx), "test", (r, c, p) -> { }, null);
        LoadedSpec wider = SpecLoader.parse("s.yaml", TestData.spec(dir, "  ratio: [0.3, 0.6, 0.9]", "  budget: 3"), List.of());
        Prepared tuesday = prepare(wider, dir.resolve("tuesday").toString(), false,
                dir.resolve("monday").toString());
        SearchJob.run(tuesday, ctx -> new LocalEngine(tuesday.baseModel(), ctx), "test", (r, c, p) -> { }, null);

        List<String> changes = Files.readAllLines(dir.resolve("tuesday").resolve("changes.csv"));
        assertTrue(changes.get(0).startsWith("candidate,scorer,"), changes.get(0));
        assertTrue(changes.get(0).contains("accuracy_before,accuracy_now"));
        assertEquals(1 + 4, changes.size(), "base and three candidates, matched by method");
        assertTrue(changes.stream().anyMatch(l -> l.contains(",c0001,c0002,")), "0.9 was c0001 and is now c0002: " + changes);
        String run = Files.readString(dir.resolve("tuesday").resolve("run.json"));
        assertTrue(run.contains("\"changes\"") && run.contains("\"best_before\""), run);
        assertThrows(BadInputException.class, () -> prepare(spec, dir.resolve("x").toString(), false,
                dir.resolve("nowhere").toString()));
    }

    @Test
    void resumingWithAnotherSpecIsRefused() throws Exception {
        TestData.writeBlobs(dir);
        String yaml = TestData.spec(dir, "  ratio: [0.3, 0.6]", "  budget: 2");
        String out = dir.resolve("out").toString();
        Prepared first = prepare(SpecLoader.parse("s.yaml", yaml, List.of()), out, false, null);
        assertThrows(IllegalStateException.class, () -> SearchJob.run(first,
                ctx -> new Engine(first.baseModel(), ctx, 1), "test", (r, c, p) -> { }, null));
        LoadedSpec changed = SpecLoader.parse("s.yaml", yaml, List.of("search.budget=1"));
        BadInputException e = assertThrows(BadInputException.class, () -> prepare(changed, out, true, null));
        assertTrue(e.getMessage().contains("different spec"), e.getMessage());
    }

    /** A search of files, its base model trained in this JVM, as {@code search} starts one. */
    private static Prepared prepare(LoadedSpec spec, String out, boolean resume, String compareTo) {
        return SearchJob.prepare(spec, out, new Start(resume, false, compareTo, TrialCache.OFF), FineTuner.LOCAL,
                TableReader.NONE);
    }
}
