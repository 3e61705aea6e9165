package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A convolutional base model through the whole command: IDX images in, filters pruned, a smaller network out. */
class CnnSearchTest {

    @TempDir
    Path dir;

    @Test
    void filterPruningOfASmallCnnShrinksTheSavedModel() throws Exception {
        TestData.writeImages(dir, 480, 160);
        Path spec = Files.writeString(dir.resolve("cnn.yaml"), TestData.imageSpec(dir, "cnn", "cnn-small", 3,
                String.join("\n",
                        "space:",
                        "  - granularity: [filter, channel]",
                        "    scorer: [l2]",
                        "    layers: [hidden]",
                        "    ratio: [0.5]",
                        "  - granularity: [weight]",
                        "    scorer: [magnitude]",
                        "    ratio: [0.7]"), ""));
        SharedSpark.get();
        Path out = dir.resolve("out");
        assertEquals(0, ShearsMain.execute("search", "--spec", spec.toString(), "--out", out.toString()));

        List<String> lines = Files.readAllLines(out.resolve("results.csv"));
        List<String> header = Arrays.asList(lines.get(0).split(","));
        Map<String, String[]> byGranularity = new HashMap<>();
        String[] base = null;
        for (String line : lines.subList(1, lines.size())) {
            String[] row = line.split(",", -1);
            assertEquals("OK", row[header.indexOf("status")], line);
            if ("base".equals(row[header.indexOf("candidate")])) {
                base = row;
            } else {
                byGranularity.put(row[header.indexOf("granularity")], row);
            }
        }
        assertEquals(3, byGranularity.size(), "one row per granularity: " + byGranularity.keySet());
        // four classes, chance is 0.25: the convolutions learned the squares
        assertTrue(Double.parseDouble(base[header.indexOf("accuracy")]) > 0.8, "base accuracy " + base[header.indexOf("accuracy")]);
        long baseParams = Long.parseLong(base[header.indexOf("params_total")]);

        for (String structural : List.of("filter", "channel")) {
            String[] row = byGranularity.get(structural);
            assertEquals("true", row[header.indexOf("shrunk")], structural);
            long params = Long.parseLong(row[header.indexOf("params_total")]);
            assertTrue(params < baseParams, structural + ": " + params + " parameters, base " + baseParams);
            // the saved model is the smaller network itself, not the base one with zeros
            MultiLayerNetwork saved = ModelSerializer.restoreMultiLayerNetwork(
                    out.resolve("models/" + row[header.indexOf("candidate")] + ".zip").toFile(), false);
            assertEquals(params, saved.numParams(), structural);
        }
        String[] weight = byGranularity.get("weight");
        assertEquals("false", weight[header.indexOf("shrunk")]);
        assertEquals(baseParams, Long.parseLong(weight[header.indexOf("params_total")]));
        assertEquals(0.7, Double.parseDouble(weight[header.indexOf("sparsity")]), 0.01);
    }
}
