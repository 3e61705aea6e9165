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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Adaptive strategies through the real pipeline: promoted trials continue from their parents, scans are written. */
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
