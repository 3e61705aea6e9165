package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import dev.shears.jobs.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Constraints through the real pipeline: rows are marked, ranked after the feasible ones, and never chosen. */
class ConstraintSearchTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void data() throws Exception {
        TestData.writeBlobs(dir);
        SharedSpark.get();
    }

    private static Path search(String name, String space, String extra) throws Exception {
        Path spec = Files.writeString(dir.resolve(name + ".yaml"), TestData.spec(dir, space, extra));
        Path out = dir.resolve(name);
        assertEquals(0, ShearsMain.execute("search", "--spec", spec.toString(), "--out", out.toString()));
        return out;
    }

    @Test
    void rowsBreakingAConstraintAreMarkedRankedLastAndNeverChosen() throws Exception {
        Path out = search("constrained", "  ratio: [0.3, 0.5, 0.7, 0.9]", "  budget: 4\noutput:\n  keepModels: 2\n"
                + "objective:\n  maxAccuracyDrop: 1\n  constraints:\n    minCompression: 2.5\n    maxFlops: 1.0e9");
        List<Map<String, String>> rows = StrategySearchTest.read(out.resolve("results.csv"));
        List<String> ok = rows.stream().skip(1).map(r -> r.get("constraints_ok")).toList();
        assertEquals(List.of("true", "true", "false", "false"), ok, "the feasible rows first: " + rows);
        for (Map<String, String> r : rows.subList(1, rows.size())) {
            boolean feasible = Double.parseDouble(r.get("compression")) >= 2.5;
            assertEquals(String.valueOf(feasible), r.get("constraints_ok"), r.toString());
            assertEquals(feasible ? "" : "minCompression", r.get("violates"));
        }
        assertEquals("", rows.get(0).get("constraints_ok"), "the base is the reference, not a choice");
        try (Stream<Path> models = Files.list(out.resolve("models"))) {
            assertEquals(Set.of("base.zip", rows.get(1).get("candidate") + ".zip", rows.get(2).get("candidate") + ".zip"),
                    models.map(m -> m.getFileName().toString()).filter(m -> m.endsWith(".zip")).collect(Collectors.toSet()),
                    "the models kept are those that keep the constraints, although the others are more accurate");
        }
        JsonNode run = SpecLoader.JSON.readTree(out.resolve("run.json").toFile());
        assertEquals(rows.get(1).get("candidate"), run.path("best").asText());

        Path none = search("infeasible", "  ratio: [0.3, 0.5]",
                "  budget: 2\nobjective:\n  maxAccuracyDrop: 1\n  constraints:\n    minCompression: 100");
        JsonNode best = SpecLoader.JSON.readTree(none.resolve("run.json").toFile()).path("best");
        assertTrue(best.isNull() || best.isMissingNode(), "no candidate keeps the constraints: none is recommended");
    }

    /** Each sampled {@code ratio.<layer>} is the share of that layer's weights pruned; the other layer keeps the ratio. */
    @Test
    void layerRatioDimensionsSetEachLayersSparsity() throws Exception {
        Path out = search("layer-ratios", "  ratio: 0.5\n  ratio.dense0: {min: 0.1, max: 0.9}\n  ratio.dense1: [0.2, 0.8]",
                "  strategy: random\n  budget: 2");
        JsonNode rows = SpecLoader.JSON.readTree(out.resolve("results.json").toFile());
        assertEquals(3, rows.size());
        for (JsonNode row : rows) {
            if (row.path("candidate").asText().equals("base")) {
                continue;
            }
            Map<String, Double> asked = new HashMap<>();
            for (String kv : row.path("layer_ratios").asText().split(";")) {
                asked.put(kv.split("=")[0], Double.parseDouble(kv.split("=")[1]));
            }
            assertEquals(Set.of("dense0", "dense1"), asked.keySet(), row.toString());
            JsonNode sparsity = row.path("layer_sparsity");
            for (String layer : List.of("dense0", "dense1")) {
                assertEquals(asked.get(layer), sparsity.path(layer).asDouble(), 0.01, layer + " in " + row);
            }
            assertEquals(0.5, sparsity.path("output").asDouble(), 0.01, "a layer without its own dimension keeps the ratio");
        }
    }
}
