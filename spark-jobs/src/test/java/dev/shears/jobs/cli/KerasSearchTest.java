package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.SavedModels;
import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import dev.shears.pruning.model.ModelBytes;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras models as model.file: imported, searched, and their pruned models saved as DL4J files. A Sequential MLP,
 * a functional MLP, and two channels-last CNNs on 8x8x1 images (a Sequential one and a functional residual one)
 * whose filters are pruned and shrunk as those of the CNNs Shears builds.
 */
class KerasSearchTest {

    @TempDir
    static Path dir;

    static Path out;
    static String model;
    static List<Map<String, Object>> rows;

    @BeforeAll
    static void runSearch() throws Exception {
        TestData.writeBlobs(dir);
        Path spec = Files.writeString(dir.resolve("spec.yaml"), TestData.spec(dir, String.join("\n",
                "  ratio: [0.5, 0.8]",
                "  granularity: [weight, neuron]",
                "  epochs: [1]"), "  budget: 4"));
        model = TestData.keras("mlp.h5").toUri().toString();
        SharedSpark.get();
        out = dir.resolve("out");
        assertEquals(0, ShearsMain.execute("search", "--spec", spec.toString(), "--out", out.toString(),
                "--set", "model.file=" + model, "--set", "output.keepModels=4"));
        rows = SavedModels.rows(out);
    }

    @Test
    void theBaseRowIsTheImportedModelAsIs() throws Exception {
        Map<String, Object> base = rows.get(0);
        assertEquals("base", base.get("candidate"));
        double imported = SavedModels.accuracy(ModelBytes.load(model).model(), dir.resolve("test.csv"));
        assertTrue(imported > 0.9, "the fixture was trained on these blobs: " + imported);
        assertEquals(imported, ((Number) base.get("accuracy")).doubleValue(), 1e-9);
        // 16-32-16-4 with biases
        assertEquals(16 * 32 + 32 + 32 * 16 + 16 + 16 * 4 + 4, ((Number) base.get("params_total")).longValue());
    }

    @Test
    void everyCandidatePrunesTheImportedModel() {
        assertEquals(5, rows.size(), "base + budget 4");
        for (Map<String, Object> row : rows.subList(1, rows.size())) {
            assertEquals("OK", row.get("status"), row.toString());
            if (row.get("granularity").equals("neuron")) {
                // whole neurons: the share of parameters removed follows from the layer sizes, not the ratio
                assertEquals(true, row.get("shrunk"), row.toString());
                continue;
            }
            assertEquals(((Number) row.get("target_sparsity")).doubleValue(),
                    ((Number) row.get("sparsity")).doubleValue(), 0.002, row.toString());
        }
    }

    @Test
    void theSavedModelsLoadWithoutShearsAndMatchTheirRows() throws Exception {
        assertEquals(5, SavedModels.assertMatchTheirRows(out, dir.resolve("test.csv")), "base + keepModels 4");
    }

    /** A functional model is a computation graph: its added branches are one group of neurons. */
    @Test
    void aFunctionalModelIsSearchedAsAGraph() throws Exception {
        Path spec = Files.writeString(dir.resolve("functional.yaml"), TestData.spec(dir, String.join("\n",
                "  ratio: [0.5]",
                "  granularity: [neuron]",
                "  epochs: [1]"), "  budget: 1"));
        Path graphOut = dir.resolve("functional-out");
        String functional = TestData.keras("functional.h5").toUri().toString();
        assertEquals(0, ShearsMain.execute("search", "--spec", spec.toString(), "--out", graphOut.toString(),
                "--set", "model.file=" + functional, "--set", "output.keepModels=1"));
        List<Map<String, Object>> graphRows = SavedModels.rows(graphOut);
        assertEquals(2, graphRows.size());
        Map<String, Object> pruned = graphRows.get(1);
        assertEquals("OK", pruned.get("status"), pruned.toString());
        assertEquals(true, pruned.get("shrunk"), pruned.toString());
        // both branches and the layer reading their sum lose the same 4 of 8 neurons: 16*4+4 twice, 4*4+4
        assertEquals(2 * (16 * 4 + 4) + 4 * 4 + 4, ((Number) pruned.get("params_total")).longValue());
        assertEquals(SavedModels.accuracy(ModelBytes.load(functional).model(), dir.resolve("test.csv")),
                ((Number) graphRows.get(0).get("accuracy")).doubleValue(), 1e-9);
        assertEquals(2, SavedModels.assertMatchTheirRows(graphOut, dir.resolve("test.csv"), true));
    }

    /**
     * Searches a Keras CNN over flat rows of 8x8 one-channel images (blobs over 64 features) with half its filters
     * pruned: the base row is the imported model, the pruned row a shrunk, smaller network, saved and matching its row.
     *
     * @return the pruned row and its saved model
     */
    private static Map.Entry<Map<String, Object>, Model> searchFilters(String fixture, boolean graph, long baseParams)
            throws Exception {
        Path images = Files.createDirectories(dir.resolve(fixture + "-data"));
        TestData.blobsCsv(images.resolve("train.csv"), 200, 8 * 8, 4, 1);
        TestData.blobsCsv(images.resolve("test.csv"), 100, 8 * 8, 4, 2);
        Path spec = Files.writeString(images.resolve("spec.yaml"), TestData.spec(images, String.join("\n",
                "  ratio: [0.5]",
                "  granularity: [filter]",
                "  scorer: [l2]",
                "  epochs: [1]"), "  budget: 1"));
        Path cnnOut = dir.resolve(fixture + "-out");
        String file = TestData.keras(fixture + ".h5").toUri().toString();
        assertEquals(0, ShearsMain.execute("search", "--spec", spec.toString(), "--out", cnnOut.toString(),
                "--set", "model.file=" + file, "--set", "output.keepModels=1"));
        List<Map<String, Object>> cnnRows = SavedModels.rows(cnnOut);
        assertEquals(2, cnnRows.size());
        Map<String, Object> base = cnnRows.get(0);
        assertEquals(baseParams, ((Number) base.get("params_total")).longValue());
        assertEquals(SavedModels.accuracy(ModelBytes.load(file).model(), images.resolve("test.csv")),
                ((Number) base.get("accuracy")).doubleValue(), 1e-9);
        Map<String, Object> pruned = cnnRows.get(1);
        assertEquals("OK", pruned.get("status"), pruned.toString());
        assertEquals(true, pruned.get("shrunk"), pruned.toString());
        assertEquals(2, SavedModels.assertMatchTheirRows(cnnOut, images.resolve("test.csv"), graph));
        File saved = cnnOut.resolve("models/" + pruned.get("candidate") + ".zip").toFile();
        return Map.entry(pruned, graph ? ModelSerializer.restoreComputationGraph(saved, false)
                : ModelSerializer.restoreMultiLayerNetwork(saved, false));
    }

    @Test
    void aSequentialCnnIsSearchedWithItsFiltersPrunedAndShrunk() throws Exception {
        // Conv2D(4, 3x3) on 8x8x1, max pooling to 3x3, Dense(4): 4*9+4 + 4*9*4+4
        var pruned = searchFilters("cnn", false, 4 * 9 + 4 + 4 * 9 * 4 + 4);
        MultiLayerNetwork saved = (MultiLayerNetwork) pruned.getValue();
        assertEquals(2, saved.getLayer(0).getParam("W").size(0), "2 of the 4 filters stay");
        assertEquals(2 * 9 + 2 + 2 * 9 * 4 + 4, ((Number) pruned.getKey().get("params_total")).longValue());
    }

    /** The stem and the branch's last convolution are added: they lose the same filters, and the graph shrinks. */
    @Test
    void aFunctionalResidualCnnIsSearchedWithItsAddedFiltersPrunedTogether() throws Exception {
        // stem Conv2D(4) on 1 channel, branch Conv2D(4), Conv2D(4) on 4, max pooling to 4x4, Dense(4)
        var pruned = searchFilters("residual", true, 4 * 9 + 4 + 2 * (4 * 4 * 9 + 4) + 4 * 16 * 4 + 4);
        ComputationGraph saved = (ComputationGraph) pruned.getValue();
        assertEquals(2, saved.getParam("conv2d_W").size(0), "2 of the stem's 4 filters stay");
        assertEquals(2, saved.getParam("conv2d_2_W").size(0), "as many of the branch's last convolution, one group with the stem");
        assertEquals(2, saved.getParam("conv2d_1_W").size(0), "the branch's first convolution loses 2 of its own");
        assertEquals(2 * 9 + 2 + 2 * (2 * 2 * 9 + 2) + 2 * 16 * 4 + 4, ((Number) pruned.getKey().get("params_total")).longValue());
    }
}
