package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.io.FileUtils;
import org.junit.jupiter.api.Test;

/**
 * Writes the runs that notebooks/run-all.sh (and so .ci/run, after the tests) executes the notebooks
 * against, in a folder that outlives the test: two searches over the same grid, the second compared
 * with the first, and three nights under one root with their history. The notebooks read these files
 * and columns, so what is checked here is what they rely on.
 */
class NotebookRunsTest {

    /** notebooks/run-all.sh reads this folder; tests run in the module's folder. */
    private static final Path RUNS = Path.of("target", "notebook-runs").toAbsolutePath();

    private static final String SPACE = String.join("\n",
            "  scorer: [magnitude, random]",
            "  granularity: [weight, neuron]",
            "  schedule: [oneshot, iterative]",
            "  epochs: [1]");

    @Test
    void writesTwoComparedRunsAndANightlyHistory() throws Exception {
        FileUtils.deleteDirectory(RUNS.toFile());
        Path data = Files.createDirectories(RUNS.resolve("data"));
        TestData.writeBlobs(data);
        SharedSpark.get();

        Path runA = RUNS.resolve("run-a");
        Path runB = RUNS.resolve("run-b");
        // run-b has one ratio more and a base model trained longer: some candidates new, the others moved
        TestData.printed("search", "--spec", spec(data, "a", "[0.5, 0.9]").toString(), "--out", runA.toString());
        TestData.printed("search", "--spec", spec(data, "b", "[0.5, 0.75, 0.9]").toString(), "--out", runB.toString(),
                "--set", "model.epochs=12", "--compare-to", runA.toString());

        Path nights = RUNS.resolve("nightly");
        Path nightly = spec(data, "nightly", "[0.5, 0.8, 0.95]");
        // each night a model trained from another seed, as when the model to prune is retrained every day
        for (int night = 1; night <= 3; night++) {
            TestData.printed("nightly", "--spec", nightly.toString(), "--root", nights.toString(),
                    "--date", "2026-12-0" + night, "--set", "seed=" + night);
        }
        TestData.printed("history", nights.toString());

        ObjectMapper json = new ObjectMapper();
        for (Path run : List.of(runA, runB, nights.resolve("2026-12-03"))) {
            for (String file : List.of("results.csv", "results.json", "pareto.csv", "run.json")) {
                assertTrue(Files.exists(run.resolve(file)), run.resolve(file).toString());
            }
            JsonNode rows = json.readTree(run.resolve("results.json").toFile());
            for (JsonNode row : rows) {
                if (!row.path("candidate").asText().equals("base")) {
                    assertTrue(row.path("layer_sparsity").size() >= 2, "per-layer sparsity of " + row);
                }
            }
        }
        assertTrue(Files.exists(runB.resolve("changes.csv")));
        assertEquals(1 + 3, Files.readAllLines(nights.resolve("history.csv")).size());
    }

    /** A grid over {@link #SPACE} at {@code ratios}, on the blobs in {@code data}. */
    private static Path spec(Path data, String name, String ratios) throws Exception {
        String grid = String.join("\n", "  strategy: grid", "  budget: 64");
        return Files.writeString(RUNS.resolve(name + ".yaml"), TestData.spec(data, SPACE + "\n  ratio: " + ratios, grid));
    }
}
