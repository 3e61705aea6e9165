package dev.shears.jobs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.jobs.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Made-up nightly runs under one root, as results.json and run.json (what history reads), without training anything:
 * a good night, a worse one, and one that stopped part-way.
 */
public final class TestNights {

    /** The best candidate's id on the first night: text that must not reach HTML or a script as it is. */
    public static final String HOSTILE = "c1</script><img src=x onerror=alert(1)>&'";

    private TestNights() {
    }

    public static void write(Path root) throws IOException {
        night(root.resolve("2026-03-01"), 0.5, new Object[][] {{HOSTILE, 4.0, 0.895, true}, {"c2", 10.0, 0.80, false}});
        night(root.resolve("2026-03-02"), 0.5, new Object[][] {{"c1", 2.0, 0.893, true}, {"c2", 10.0, 0.70, false}});
        night(root.resolve("2026-03-03"), 0.25, new Object[][] {{"c1", 4.0, 0.897, true}, {"c2", 8.0, 0.894, true}});
        Files.createDirectories(root.resolve("2026-03-04.partial-1"));
    }

    /** One finished night: the base at 0.9 validation accuracy, then candidates {id, compression, val_accuracy, within}. */
    private static void night(Path dir, double searchSeconds, Object[][] candidates) throws IOException {
        Files.createDirectories(dir);
        ArrayNode rows = SpecLoader.JSON.createArrayNode();
        rows.addObject().put("rank", 0).put("candidate", "base").put("status", "OK").put("compression", 1.0)
                .put("val_accuracy", 0.9).put("accuracy", 0.91).put("meets_tolerance", true);
        int rank = 1;
        for (Object[] c : candidates) {
            rows.addObject().put("rank", rank++).put("candidate", (String) c[0]).put("status", "OK")
                    .put("compression", (Double) c[1]).put("val_accuracy", (Double) c[2])
                    .put("accuracy", (Double) c[2] - 0.01).put("meets_tolerance", (Boolean) c[3]);
        }
        Files.writeString(dir.resolve("results.json"), SpecLoader.JSON.writeValueAsString(rows));
        ObjectNode run = SpecLoader.JSON.createObjectNode();
        run.putObject("counts").put("candidates", candidates.length).put("ok", candidates.length).put("failed", 0)
                .put("diverged", 0).put("timeout", 0);
        run.putObject("base_model").put("val_accuracy", 0.9).put("hash", "b");
        run.putObject("data").put("hash", "d");
        run.putObject("timings").put("data_seconds", 0.5).put("search_seconds", searchSeconds)
                .put("search_cpu_seconds", 99.0).put("write_seconds", 0.25);
        Files.writeString(dir.resolve("run.json"), SpecLoader.JSON.writeValueAsString(run));
    }
}
