package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adaptive strategies through the real pipeline: promoted trials continue from their parents, scans and rungs are
 * written, an extended asha search keeps its rungs.
 */
class StrategySearchTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void data() throws Exception {
        TestData.writeBlobs(dir);
        SharedSpark.get();
    }

    private static List<Map<String, String>> search(String name, String space, String extra) throws Exception {
        Path spec = Files.writeString(dir.resolve(name + ".yaml"), TestData.spec(dir, space, extra));
        Path out = dir.resolve(name);
        assertEquals(0, ShearsMain.execute("search", "--spec", spec.toString(), "--out", out.toString()));
        return read(out.resolve("results.csv"));
    }

    static List<Map<String, String>> read(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        return lines.stream().skip(1).map(l -> {
            String[] cells = l.split(",", -1);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), cells[i]);
            }
            return row;
        }).toList();
    }

    @Test
    void halvingPromotesTrialsThatContinueFromTheirParentsWeights() throws Exception {
        List<Map<String, String>> rows = search("halving",
                "  ratio: {min: 0.5, max: 0.9}\n  scorer: [magnitude, random]",
                "  strategy: halving\n  budget: 6\n  options:\n    minEpochs: 1\n    maxEpochs: 3\n    eta: 3");
        List<Map<String, String>> promoted = rows.stream().filter(r -> !r.get("parent").isEmpty()).toList();
        assertEquals(1 + 6 + 2, rows.size(), "base, 6 in the first rung, 2 promoted");
        assertEquals(2, promoted.size());
        for (Map<String, String> child : promoted) {
            Map<String, String> parent = rows.stream().filter(r -> r.get("candidate").equals(child.get("parent")))
                    .findFirst().orElseThrow();
            assertEquals("3", child.get("epochs"), "1 epoch inherited + 2 more");
            assertEquals("2", child.get("trial_epochs"));
            assertEquals(parent.get("target_sparsity"), child.get("target_sparsity"));
            assertEquals(parent.get("params_nonzero"), child.get("params_nonzero"), "the parent's zeros are held");
            assertEquals("halving", child.get("strategy"));
        }
        String html = Files.readString(dir.resolve("halving").resolve("report.html"));
        assertTrue(html.contains("id=\"chart-rungs\""), "the report shows the rungs");
        assertFalse(html.contains("id=\"sensitivity\""), "no scan ran");
    }

    @Test
    void ashaPromotesTrialsThatContinueFromTheirParentsAndWritesEveryRung() throws Exception {
        List<Map<String, String>> rows = search("asha",
                "  ratio: {min: 0.5, max: 0.9}\n  scorer: [magnitude, random]",
                "  strategy: asha\n  budget: 6\n  options:\n    minEpochs: 1\n    maxEpochs: 3\n    eta: 3");
        List<Map<String, String>> promoted = rows.stream().filter(r -> !r.get("parent").isEmpty()).toList();
        assertEquals(1 + 6, rows.size() - promoted.size(), "base and 6 new candidates");
        assertTrue(promoted.size() >= 2, "the best third of 6 at least: " + promoted.size());
        for (Map<String, String> child : promoted) {
            Map<String, String> parent = byCandidate(rows, child.get("parent"));
            assertEquals(child.get("parent") + "-r1", child.get("candidate"));
            assertEquals("3", child.get("epochs"), "1 epoch inherited + 2 more");
            assertEquals("2", child.get("trial_epochs"));
            assertEquals(parent.get("params_nonzero"), child.get("params_nonzero"), "the parent's zeros are held");
            assertEquals("asha", child.get("strategy"));
        }

        List<Map<String, String>> rungs = read(dir.resolve("asha").resolve("rungs.csv"));
        assertEquals(rows.size() - 1, rungs.size(), "every trial has a row");
        for (Map<String, String> r : rungs) {
            Map<String, String> trial = byCandidate(rows, r.get("candidate"));
            boolean continued = promoted.stream().anyMatch(c -> c.get("parent").equals(r.get("candidate")));
            assertEquals(continued ? "yes" : "no", r.get("promoted"), r.toString());
            assertEquals(continued, !r.get("decided_at").isEmpty(), r.toString());
            assertEquals(trial.get("epochs"), r.get("epochs"));
            assertEquals(trial.get("parent").isEmpty() ? "0" : "1", r.get("rung"));
            assertEquals(Double.parseDouble(trial.get("val_accuracy")), Double.parseDouble(r.get("val_accuracy")), 1e-4);
        }
    }

    @Test
    void ashaExtendedToALargerBudgetKeepsItsRungs() throws Exception {
        Path spec = Files.writeString(dir.resolve("asha-extend.yaml"), TestData.spec(dir, "  ratio: {min: 0.3, max: 0.95}",
                "  strategy: asha\n  budget: 4\n  options:\n    minEpochs: 1\n    maxEpochs: 4\n    eta: 2"));
        Path out = dir.resolve("asha-extend");
        String cache = dir.resolve("asha-cache").toString();
        assertEquals(0, ShearsMain.execute("search", "--spec", spec.toString(), "--out", out.toString(), "--cache", cache));
        List<Map<String, String>> small = read(out.resolve("rungs.csv"));
        assertEquals(0, ShearsMain.execute("search", "--spec", spec.toString(), "--out", out.toString(), "--cache", cache,
                "--extend", "--set", "search.budget=8"));
        List<String> extended = Files.readAllLines(out.resolve("rungs.csv"));
        Path once = dir.resolve("asha-once");
        assertEquals(0, ShearsMain.execute("search", "--spec", spec.toString(), "--out", once.toString(),
                "--set", "search.budget=8"));

        assertEquals(Files.readAllLines(once.resolve("rungs.csv")), extended, "the rungs of one run at the larger budget");
        List<Map<String, String>> grown = read(out.resolve("rungs.csv"));
        for (Map<String, String> before : small) {
            Map<String, String> after = byCandidate(grown, before.get("candidate"));
            if (before.get("promoted").equals("yes")) {
                assertEquals(before, after, "a promotion of the smaller run is kept as it was decided");
            } else {
                assertEquals(before.get("val_accuracy"), after.get("val_accuracy"));
            }
        }
        long cached = read(out.resolve("results.csv")).stream().filter(r -> "true".equals(r.get("cached"))).count();
        assertEquals(small.size(), cached, "every trial of the smaller run comes from the cache");
    }

    @Test
    void tpeProposesItsBudgetOfCandidatesFromItsModel() throws Exception {
        List<Map<String, String>> rows = search("tpe", "  ratio: {min: 0.5, max: 0.9}\n  scorer: [magnitude, random]",
                "  strategy: tpe\n  budget: 7\n  options:\n    startup: 3\n    parallel: 2");
        assertEquals(1 + 7, rows.size(), "base and 7 candidates");
        List<Map<String, String>> candidates = rows.stream().filter(r -> !"base".equals(r.get("candidate"))).toList();
        assertEquals(7, candidates.stream().map(r -> r.get("target_sparsity") + r.get("scorer")).distinct().count());
        for (Map<String, String> r : candidates) {
            assertEquals("OK", r.get("status"), r.toString());
            assertEquals("tpe", r.get("strategy"));
            assertTrue(r.get("parent").isEmpty());
        }
    }

    @Test
    void tpeExtendedToALargerBudgetProposesWhatOneRunAtThatBudgetDoes() throws Exception {
        Path spec = Files.writeString(dir.resolve("tpe-extend.yaml"), TestData.spec(dir,
                "  ratio: {min: 0.3, max: 0.95}\n  scorer: [magnitude, random]",
                "  strategy: tpe\n  budget: 4\n  options:\n    startup: 2\n    parallel: 2"));
        Path out = dir.resolve("tpe-extend");
        String cache = dir.resolve("tpe-cache").toString();
        assertEquals(0, ShearsMain.execute("search", "--spec", spec.toString(), "--out", out.toString(), "--cache", cache));
        assertEquals(0, ShearsMain.execute("search", "--spec", spec.toString(), "--out", out.toString(), "--cache", cache,
                "--extend", "--set", "search.budget=7"));
        Path once = dir.resolve("tpe-once");
        assertEquals(0, ShearsMain.execute("search", "--spec", spec.toString(), "--out", once.toString(),
                "--set", "search.budget=7"));

        assertEquals(points(read(once.resolve("results.csv"))), points(read(out.resolve("results.csv"))));
        long cached = read(out.resolve("results.csv")).stream().filter(r -> "true".equals(r.get("cached"))).count();
        assertEquals(4, cached, "the smaller run's candidates come from the cache, and are told again");
    }

    /** Each candidate's point, by id. */
    private static Map<String, String> points(List<Map<String, String>> rows) {
        Map<String, String> points = new TreeMap<>();
        rows.forEach(r -> points.put(r.get("candidate"), r.get("target_sparsity") + " " + r.get("scorer")));
        return points;
    }

    @Test
    void ashaWithTheTpeSamplerPromotesAndWritesEveryRung() throws Exception {
        List<Map<String, String>> rows = search("asha-tpe", "  ratio: {min: 0.5, max: 0.9}\n  scorer: [magnitude, random]",
                "  strategy: asha\n  budget: 6\n  options:\n    minEpochs: 1\n    maxEpochs: 3\n    eta: 3\n"
                        + "    sampler: tpe\n    startup: 3\n    parallel: 2");
        List<Map<String, String>> promoted = rows.stream().filter(r -> !r.get("parent").isEmpty()).toList();
        assertEquals(1 + 6, rows.size() - promoted.size(), "base and 6 new candidates");
        assertTrue(promoted.size() >= 2, "the best third of 6 at least: " + promoted.size());
        assertTrue(rows.stream().skip(1).allMatch(r -> "OK".equals(r.get("status")) && "asha".equals(r.get("strategy"))));
        assertEquals(rows.size() - 1, read(dir.resolve("asha-tpe").resolve("rungs.csv")).size());
    }

    private static Map<String, String> byCandidate(List<Map<String, String>> rows, String id) {
        return rows.stream().filter(r -> id.equals(r.get("candidate"))).findFirst().orElseThrow(() -> new AssertionError(id));
    }

    @Test
    void dataParallelExecutionTrainsBaseAndCandidatesAcrossExecutorsWithMasksHeld() throws Exception {
        List<Map<String, String>> rows = search("data-parallel", "  ratio: [0.5, 0.8]\n  epochs: [2]",
                "  execution: data-parallel\n  averagingFrequency: 3\n  budget: 2");
        assertEquals(3, rows.size());
        assertTrue(Double.parseDouble(rows.get(0).get("accuracy")) > 0.5, "the data-parallel base model learned: " + rows.get(0));
        for (Map<String, String> r : rows.subList(1, 3)) {
            assertEquals("OK", r.get("status"), r.toString());
            assertEquals(Double.parseDouble(r.get("target_sparsity")), Double.parseDouble(r.get("sparsity")), 0.002);
            assertEquals("2", r.get("trial_epochs"));
        }
    }

    @Test
    void sensitivityWritesItsScanAndAllocatesPerLayerRatios() throws Exception {
        List<Map<String, String>> rows = search("sensitivity", "  scorer: [magnitude]\n  epochs: [1]\n  adaptiveStep: [0.5]",
                "  strategy: sensitivity\n  budget: 7\n  options:\n    scanRatios: [0.5, 0.9]\n    targetSparsity: 0.8");
        assertEquals(1 + 6 + 1, rows.size());
        List<Map<String, String>> scan = read(dir.resolve("sensitivity").resolve("sensitivity.csv"));
        assertEquals(6, scan.size(), "3 layers x 2 ratios");
        List<Map<String, String>> allocation = read(dir.resolve("sensitivity").resolve("allocation.csv"));
        assertEquals(List.of("dense0", "dense1", "output"), allocation.stream().map(r -> r.get("layer")).toList());
        Map<String, String> last = rows.stream().filter(r -> "adaptive".equals(r.get("schedule"))).findFirst().orElseThrow();
        assertTrue(last.get("layer_ratios").contains("dense0="), last.toString());
        String html = Files.readString(dir.resolve("sensitivity").resolve("report.html"));
        assertTrue(html.contains("id=\"chart-sensitivity\"") && html.contains("id=\"chart-allocation\""), "scan shown");
        assertFalse(html.contains("id=\"rungs\""), "no promotions");
    }
}
