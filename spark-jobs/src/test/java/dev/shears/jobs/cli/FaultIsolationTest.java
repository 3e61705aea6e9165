package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import dev.shears.jobs.engine.InjectedFaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Candidates that throw, exhaust the Java heap or ND4J's native memory, diverge or run past
 * {@code search.trialTimeout} are one row each with their status and reason; the other candidates
 * and the search finish, with exit code 0. (An executor JVM that dies is in StandaloneClusterIT.)
 */
class FaultIsolationTest {

    @TempDir
    Path dir;

    @AfterEach
    void clearFaults() {
        InjectedFaults.FAULTS.clear();
    }

    @Test
    void eachFaultyCandidateIsOneRowAndTheSearchFinishes() throws Exception {
        TestData.writeBlobs(dir);
        String spec = TestData.spec(dir, "", "  budget: 7\n  trialTimeout: 20").replace("space:\n\n", String.join("\n",
                "space:",
                "  - ratio: [0.3, 0.4, 0.5, 0.6, 0.7]",
                "    epochs: [1]",
                "  - ratio: [0.5]",
                "    epochs: [1]",
                "    learningRate: [1.0e+30]",
                "  - ratio: [0.5]",
                "    epochs: [100000]",
                ""));
        Path file = Files.writeString(dir.resolve("spec.yaml"), spec);
        InjectedFaults.FAULTS.putAll(Map.of("c0000", "throw", "c0001", "heap", "c0002", "off-heap"));
        SharedSpark.get();

        Path out = dir.resolve("out");
        assertEquals(0, ShearsMain.execute("search", "--spec", file.toString(), "--out", out.toString()));

        List<Map<String, Object>> rows = new ObjectMapper().readValue(out.resolve("results.json").toFile(),
                new TypeReference<>() { });
        Map<String, Map<String, Object>> byId = rows.stream()
                .collect(Collectors.toMap(r -> String.valueOf(r.get("candidate")), r -> r));
        assertEquals(1 + 7, byId.size(), "the base and every candidate once: " + byId.keySet());
        assertRow(byId, "c0000", "FAILED", "injected fault in c0000");
        assertRow(byId, "c0001", "FAILED", "OutOfMemoryError");
        assertRow(byId, "c0002", "FAILED", "");
        assertRow(byId, "c0003", "OK", null);
        assertRow(byId, "c0004", "OK", null);
        assertRow(byId, "c0005", "DIVERGED", "");
        assertRow(byId, "c0006", "TIMEOUT", "search.trialTimeout");
        String error = String.valueOf(byId.get("c0002").get("error"));
        assertTrue(error.contains("OutOfMemoryError") || error.toLowerCase().contains("alloc"), error);
        String run = Files.readString(out.resolve("run.json"));
        assertTrue(run.contains("\"failed\" : 3") && run.contains("\"timeout\" : 1") && run.contains("\"diverged\" : 1"),
                run);
    }

    private static void assertRow(Map<String, Map<String, Object>> rows, String id, String status, String reason) {
        Map<String, Object> row = rows.get(id);
        assertEquals(status, row.get("status"), id + ": " + row);
        if (reason == null) {
            assertEquals(null, row.get("error"), id + ": " + row);
        } else {
            assertTrue(String.valueOf(row.get("error")).contains(reason), id + ": " + row.get("error"));
        }
    }
}
