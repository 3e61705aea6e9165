package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.SavedModels;
import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import dev.shears.pruning.model.ResNetFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A residual computation graph (resnet-small: batch normalisation, identity and projection
 * shortcuts, a concatenation) through the whole command: trained from the spec, its coupled filter
 * groups pruned, shrunk, saved as a ComputationGraph file a user loads with {@code ModelSerializer}.
 */
class GraphSearchTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void images() throws Exception {
        TestData.writeTextures(dir, 320, 120);
        SharedSpark.get();
    }

    private static Path spec(String name, String space, String search) throws Exception {
        return Files.writeString(dir.resolve(name + ".yaml"), TestData.graphSpec(dir, name, space, search));
    }

    /** Runs a search into {@code dir/name-out} without the cache; every row must be OK. */
    private static List<Map<String, Object>> search(Path spec, String name, String... more) throws Exception {
        Path out = dir.resolve(name + "-out");
        List<String> args = new ArrayList<>(List.of("search", "--spec", spec.toString(), "--out", out.toString(),
                "--no-cache"));
        args.addAll(List.of(more));
        assertEquals(0, ShearsMain.execute(args.toArray(new String[0])));
        List<Map<String, Object>> rows = SavedModels.rows(out);
        for (Map<String, Object> row : rows) {
            assertEquals("OK", row.get("status"), row.toString());
        }
        return rows;
    }

    private static Map<String, Object> base(List<Map<String, Object>> rows) {
        return rows.stream().filter(r -> r.get("candidate").equals("base")).findFirst().orElseThrow();
    }

    @Test
    void coupledFilterGroupsArePrunedAndTheGraphShrinks() throws Exception {
        Path spec = spec("graph", String.join("\n",
                "space:",
                "  - granularity: [filter]",
                "    scorer: [l2]",
                "    groupScore: [producers, mean]",
                "    ratio: [0.5]",
                "  - granularity: [channel]",
                "    scorer: [magnitude]",
                "    layers: [b1_conv2]",
                "    ratio: [0.5]",
                "  - granularity: [weight]",
                "    scorer: [magnitude]",
                "    scope: [global]",
                "    ratio: [0.7]"), "");
        String said = TestData.printed("validate", "--spec", spec.toString());
        assertTrue(said.contains("base model: ComputationGraph"), said);
        assertTrue(said.contains("channel groups: 6"), said);
        assertTrue(said.contains("producers: stem_W axis 0, stem_b axis 1, b1_conv2_W axis 0"), said);

        List<Map<String, Object>> rows = search(spec, "graph");
        Path out = dir.resolve("graph-out");
        assertEquals(5, rows.size(), "base + 4 candidates");
        Map<String, Object> base = base(rows);
        long baseParams = ((Number) base.get("params_total")).longValue();
        assertTrue(((Number) base.get("accuracy")).doubleValue() > 0.5, "base accuracy " + base.get("accuracy") + " (chance is 0.25)");
        for (Map<String, Object> row : rows) {
            if (row.get("candidate").equals("base")) {
                continue;
            }
            long params = ((Number) row.get("params_total")).longValue();
            boolean structural = !row.get("granularity").equals("weight");
            assertEquals(structural, row.get("shrunk"), row.toString());
            assertTrue(structural ? params < baseParams : params == baseParams, row.toString());
            Path file = out.resolve("models/" + row.get("candidate") + ".zip");
            if (Files.exists(file)) {
                ComputationGraph saved = ModelSerializer.restoreComputationGraph(file.toFile(), false);
                assertEquals(params, saved.numParams(), row.toString());
                // both sides of the identity shortcut keep the same filters
                assertEquals(saved.getParam("stem_W").size(0), saved.getParam("b1_conv2_W").size(0));
            }
        }
    }

    @Test
    void aGraphFineTunesDataParallelAcrossExecutors() throws Exception {
        Path spec = spec("graph-dp", String.join("\n",
                "space:",
                "  granularity: [filter]",
                "  scorer: [magnitude]",
                "  ratio: [0.5]"), "  execution: data-parallel\n  averagingFrequency: 2");
        List<Map<String, Object>> rows = search(spec, "graph-dp");
        assertEquals(2, rows.size());
        assertTrue(((Number) base(rows).get("accuracy")).doubleValue() > 0.4, base(rows).toString());
    }

    @Test
    void halvingPromotesAGraphTrialThatContinuesFromItsParent() throws Exception {
        Path spec = spec("graph-halving", String.join("\n",
                "space:",
                "  granularity: [filter]",
                "  scorer: [magnitude, taylor, l2]",
                "  ratio: [0.5]"), "  strategy: halving\n  budget: 3\n  options:\n    minEpochs: 1\n    maxEpochs: 3\n    eta: 3");
        List<Map<String, Object>> rows = search(spec, "graph-halving");
        assertEquals(1 + 3 + 1, rows.size(), "base, 3 in the first rung, 1 promoted");
        assertEquals(1, rows.stream().filter(r -> r.get("parent") != null).count(), rows.toString());
    }

    /** A user's ComputationGraph file is searched as it is: the base row is the file's graph, pruned rows are graphs. */
    @Test
    void aComputationGraphFileIsTheBaseModel() throws Exception {
        ComputationGraph own = ResNetFactory.build(16, 16, 1, 4, 1e-2, 5, true, false);
        Path file = dir.resolve("own-graph.zip");
        ModelSerializer.writeModel(own, file.toFile(), false);
        Path spec = spec("graph-file", String.join("\n",
                "space:",
                "  granularity: [filter]",
                "  ratio: [0.5]"), "");
        List<Map<String, Object>> rows = search(spec, "graph-file", "--set", "model.file=" + file.toUri());
        assertEquals(own.numParams(), ((Number) base(rows).get("params_total")).longValue());
        assertEquals(2, rows.size());
        assertEquals(2, SavedModels.assertMatchTheirRows(dir.resolve("graph-file-out"), null, true));
    }
}
