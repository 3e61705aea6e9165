package dev.shears.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
