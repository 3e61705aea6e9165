package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.SavedModels;
import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import dev.shears.pruning.model.ModelBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Keras Sequential model as model.file: imported, searched, and its pruned models saved as DL4J files. */
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
}
