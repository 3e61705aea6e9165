package dev.shears.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.jobs.Scripts;
import dev.shears.jobs.Scripts.Result;
import dev.shears.jobs.TestData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny search submitted with submit-scripts/shears-submit, through spark-submit, to a real Spark
 * standalone cluster on 127.0.0.1 started by submit-scripts/cluster-local: a master, two workers
 * and their executors, each its own JVM, so everything the driver ships to executors crosses
 * process boundaries. Failsafe runs it after the application jar is shaded.
 */
class StandaloneClusterIT {

    // away from cluster-local's defaults, so that a cluster a developer has running is not in the way
    private static final int PORT = 17077;
    private static final int WEBUI_PORT = 18080;
    private static final String MASTER = "spark://127.0.0.1:" + PORT;

    @TempDir
    static Path dir;

    /** Kept in target/ so that the master's, workers' and executors' logs outlive a failed run. */
    static Path runDir = Scripts.BUILD.resolve("it-cluster");
    static Path spec;
    static Thread stopper = new Thread(() -> script(Duration.ofMinutes(1), "cluster-local", "stop",
            "--run-dir", runDir.toString()));

    @BeforeAll
    static void startCluster() throws IOException {
        // stops the cluster also when this JVM is ended before the tests finish
        Runtime.getRuntime().addShutdownHook(stopper);
        Result started = script(Duration.ofMinutes(5), "cluster-local", "start", "--workers", "2", "--cores", "1",
                "--memory", "1g", "--port", String.valueOf(PORT), "--webui-port", String.valueOf(WEBUI_PORT),
                "--run-dir", runDir.toString());
        assertEquals(0, started.code(), started.output());
        TestData.writeBlobs(dir);
        spec = Files.writeString(dir.resolve("spec.yaml"), TestData.spec(dir, String.join("\n",
                "  ratio: [0.5, 0.8]",
                "  scorer: [magnitude, random]",
                "  epochs: [1]"), "  budget: 4"));
    }

    @AfterAll
    static void stopCluster() {
        stopper.run();
        Runtime.getRuntime().removeShutdownHook(stopper);
    }

    private static Result script(Duration timeout, String name, String... args) {
        return Scripts.run(timeout, name, args);
    }

    @Test
    void aSubmittedSearchRunsItsCandidatesInBothExecutorJvmsAndWritesTheTable() throws IOException {
        Path out = dir.resolve("out");
        // scheduling waits for both executors, so that each of them gets candidates
        Result run = script(Duration.ofMinutes(5), "shears-submit", "--master", MASTER,
                "--executor-memory", "768m", "--total-executor-cores", "2",
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--", "search", "--spec", spec.toString(), "--out", out.toString());
        assertEquals(0, run.code(), run.output());

        List<String> lines = Files.readAllLines(out.resolve("results.csv"));
        List<String> header = Arrays.asList(lines.get(0).split(","));
        assertEquals(5, lines.size() - 1, "base + budget 4");
        Set<String> candidates = new HashSet<>();
        for (String line : lines.subList(2, lines.size())) {
            String[] row = line.split(",", -1);
            assertEquals("OK", row[header.indexOf("status")], line);
            assertTrue(Double.parseDouble(row[header.indexOf("compression")]) > 1.5, line);
            candidates.add(row[header.indexOf("candidate")]);
        }
        assertEquals(4, candidates.size(), "each candidate once");

        List<Path> executorLogs;
        try (Stream<Path> files = Files.walk(runDir)) {
            executorLogs = files.filter(f -> f.getFileName().toString().equals("stderr")).toList();
        }
        assertEquals(2, executorLogs.size(), "one executor per worker: " + executorLogs);
        for (Path log : executorLogs) {
            assertTrue(Files.readString(log).contains("Finished task"), log + " ran no task");
        }
    }

    /**
     * A candidate whose executor JVM dies each time it runs it (as with a native crash) is one FAILED row
     * once Spark's retries are spent; the executors are replaced and the other candidates finish.
     */
    @Test
    void aCandidateThatKillsItsExecutorIsOneFailedRow() throws IOException {
        Path out = dir.resolve("exits");
        Result run = script(Duration.ofMinutes(5), "shears-submit", "--master", MASTER,
                "--executor-memory", "768m", "--total-executor-cores", "2",
                "--jars", faultsJar().toString(),
                "--conf", "spark.executorEnv.SHEARS_TEST_FAULTS=c0001=exit",
                "--conf", "spark.task.maxFailures=2",
                "--", "search", "--spec", spec.toString(), "--out", out.toString());
        assertEquals(0, run.code(), run.output());
        List<Map<String, Object>> rows = new ObjectMapper().readValue(out.resolve("results.json").toFile(),
                new TypeReference<>() { });
        assertEquals(5, rows.size(), "base and each candidate once: " + rows);
        for (Map<String, Object> row : rows) {
            boolean killer = "c0001".equals(row.get("candidate"));
            assertEquals(killer ? "FAILED" : "OK", row.get("status"), row.toString());
            if (killer) {
                String error = String.valueOf(row.get("error"));
                assertTrue(error.contains("failed 2 times") && error.contains("exited"), error);
                assertFalse(error.contains("Driver stacktrace"), error);
            }
        }
    }

    /** The test-only fault injection (InjectedFaults and its service entry) as a jar for the executors. */
    private static Path faultsJar() throws IOException {
        Path classes = Scripts.BUILD.resolve("test-classes");
        Path jar = dir.resolve("faults.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String entry : List.of("dev/shears/jobs/engine/InjectedFaults.class",
                    "META-INF/services/dev.shears.jobs.engine.TrialFault")) {
                out.putNextEntry(new JarEntry(entry));
                out.write(Files.readAllBytes(classes.resolve(entry)));
                out.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void anUnreachableMasterIsReportedAtOnceWithExitCode2() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path out = dir.resolve("never");
        long start = System.nanoTime();
        Result run = script(Duration.ofMinutes(3), "shears-submit", "--master", "spark://127.0.0.1:" + port,
                "--", "search", "--spec", spec.toString(), "--out", out.toString());
        assertEquals(2, run.code(), run.output());
        assertTrue(run.output().contains("cannot reach the Spark master spark://127.0.0.1:" + port), run.output());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60), "not reported at once");
        assertFalse(Files.exists(out));
    }
}
