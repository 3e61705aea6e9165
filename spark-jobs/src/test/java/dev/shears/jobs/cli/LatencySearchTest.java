package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import dev.shears.jobs.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Latency from the search itself: every shrunk candidate is timed in its trial, beside the base, with no model kept
 * (nothing is timed after the search); masked-only ones state that they share the base's figures.
 */
class LatencySearchTest {

    @TempDir
    static Path dir;
    static Path out;
    static List<Map<String, String>> rows;

    @BeforeAll
    static void search() throws Exception {
        TestData.writeBlobs(dir);
        SharedSpark.get();
        Path spec = Files.writeString(dir.resolve("latency.yaml"), TestData.spec(dir, String.join("\n",
                "  ratio: [0.5, 0.8]",
                "  granularity: [neuron, weight]",
                "  layers: [hidden]"),
                // a generous limit: a row keeps it only when its latency is known
                "  budget: 4\noutput:\n  keepModels: 0\nobjective:\n  constraints:\n    maxLatencyB64Ms: 1000"));
        out = dir.resolve("out");
        assertEquals(0, ShearsMain.execute("search", "--spec", spec.toString(), "--out", out.toString(),
                "--set", "search.measureLatency=true"));
        rows = StrategySearchTest.read(out.resolve("results.csv"));
    }

    private static double number(Map<String, String> row, String column) {
        return Double.parseDouble(row.get(column));
    }

    @Test
    void shrunkCandidatesAreTimedInTheirTrialsAndMaskedOnesShareTheBasesFigures() {
        Map<String, String> base = rows.get(0);
        assertEquals("reference", base.get("latency_source"));
        assertEquals(5, rows.size(), "base + 4 candidates: " + rows);
        int shrunk = 0;
        for (Map<String, String> r : rows.subList(1, rows.size())) {
            assertEquals("OK", r.get("status"), r.toString());
            assertEquals("true", r.get("constraints_ok"), "its latency is known: " + r);
            if (r.get("granularity").equals("neuron")) {
                shrunk++;
                assertEquals("true", r.get("shrunk"));
                assertEquals("paired", r.get("latency_source"), r.toString());
                for (String column : List.of("speedup_b1", "speedup_b64", "latency_b1_ms", "latency_b64_ms",
                        "latency_seconds")) {
                    assertTrue(number(r, column) > 0 && Double.isFinite(number(r, column)), column + " of " + r);
                }
                // on the base's scale: the base's figure over the speed-up its trial measured
                assertEquals(number(base, "latency_b64_ms") / number(r, "speedup_b64"), number(r, "latency_b64_ms"),
                        1e-4 * number(base, "latency_b64_ms"));
            } else {
                assertEquals("as-base", r.get("latency_source"), r.toString());
                assertEquals(base.get("latency_b64_ms"), r.get("latency_b64_ms"));
                assertEquals("1", r.get("speedup_b64"));
            }
        }
        assertEquals(2, shrunk);
    }

    @Test
    void theLatencyFrontIsInTheTableRunJsonAndTheReport() throws Exception {
        long onFront = rows.stream().filter(r -> r.get("pareto_latency").equals("true")).count();
        assertTrue(onFront >= 1, rows.toString());
        JsonNode run = SpecLoader.JSON.readTree(out.resolve("run.json").toFile());
        assertEquals(onFront, run.path("counts").path("pareto_latency").asLong());
        // timing a tiny base can round to 0.00 s in run.json: the figure is there, not necessarily above 0
        assertTrue(run.path("timings").path("base_latency_seconds").isNumber()
                && run.path("timings").path("base_latency_seconds").asDouble() >= 0, run.path("timings").toString());
        long eitherFront = rows.stream().filter(r -> r.get("pareto").equals("true") || r.get("pareto_latency")
                .equals("true")).count();
        assertEquals(eitherFront + 1, Files.readAllLines(out.resolve("pareto.csv")).size());
        JsonNode data = dev.shears.jobs.output.ReportTest.data(Files.readString(out.resolve("report.html")));
        assertEquals(onFront, data.path("paretoLatency").size());
        assertTrue(Files.readString(out.resolve("report.html")).contains("id=\"chart-latency\""));
    }
}
