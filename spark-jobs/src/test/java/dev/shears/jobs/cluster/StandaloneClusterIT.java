package dev.shears.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.jobs.Scripts;
import dev.shears.jobs.Scripts.Result;
import dev.shears.jobs.TestData;
import dev.shears.jobs.spark.SharedSecret;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny search submitted with submit-scripts/shears-submit, through spark-submit, to a real Spark
 * standalone cluster on 127.0.0.1 started by submit-scripts/cluster-local: a master, two workers
 * and their executors, each its own JVM, so everything the driver ships to executors crosses
 * process boundaries. The cluster authenticates with a shared secret, so every submit that runs
 * gives it. Failsafe runs it after the application jar is shaded.
 */
class StandaloneClusterIT {

    // away from cluster-local's defaults, so that a cluster a developer has running is not in the way
    private static final int PORT = 17077;
    private static final int WEBUI_PORT = 18080;
    private static final int WORKERS = 2;
    private static final String MASTER = "spark://127.0.0.1:" + PORT;
    private static final String SECRET = "it-secret-" + UUID.randomUUID();
    /** The cluster reads the secret from a file, the submits from the environment: both ways are used. */
    private static final Map<String, String> WITH_SECRET = Map.of(SharedSecret.ENV, SECRET);

    @TempDir
    static Path dir;

    /** Kept in target/ so that the master's, workers' and executors' logs outlive a failed run. */
    static Path runDir = Scripts.BUILD.resolve("it-cluster");
    static Path spec;
    static Result started;
    static Thread stopper = new Thread(() -> script(Duration.ofMinutes(1), "cluster-local", "stop",
            "--run-dir", runDir.toString()));

    @BeforeAll
    static void startCluster() throws IOException {
        // stops the cluster also when this JVM is ended before the tests finish
        Runtime.getRuntime().addShutdownHook(stopper);
        Path secretFile = Files.writeString(dir.resolve("cluster.secret"), SECRET + "\n");
        started = script(Duration.ofMinutes(5), "cluster-local", "start", "--workers", String.valueOf(WORKERS),
                "--cores", "1", "--memory", "1g", "--port", String.valueOf(PORT),
                "--webui-port", String.valueOf(WEBUI_PORT), "--secret-file", secretFile.toString(),
                "--run-dir", runDir.toString());
        assertEquals(0, started.code(), started.output());
        assertTrue(started.output().contains("shared-secret authentication"), started.output());
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

    private static Result script(Duration timeout, Map<String, String> env, String name, String... args) {
        return Scripts.run(timeout, env, name, args);
    }

    @Test
    void aSearchSubmittedWithTheSecretRunsInBothExecutorJvmsAndTheSecretIsInNoOutputOrLog() throws IOException {
        Path out = dir.resolve("out");
        // scheduling waits for both executors, so that each of them gets candidates
        Result run = script(Duration.ofMinutes(5), WITH_SECRET, "shears-submit", "--master", MASTER,
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
        assertSecretNowhere(out, run);
    }

    /** A residual computation graph's coupled filter groups are pruned in executor JVMs and come back shrunk. */
    @Test
    void aResidualGraphIsSearchedOnTheCluster() throws IOException {
        Path images = Files.createDirectories(dir.resolve("textures"));
        TestData.writeTextures(images, 320, 120);
        Path graphSpec = Files.writeString(dir.resolve("graph.yaml"), TestData.graphSpec(images, "graph", String.join("\n",
                "space:",
                "  granularity: [filter]",
                "  scorer: [magnitude, taylor]",
                "  ratio: [0.5]"), ""));
        Path out = dir.resolve("graph-out");
        Result run = script(Duration.ofMinutes(5), WITH_SECRET, "shears-submit", "--master", MASTER,
                "--executor-memory", "768m", "--total-executor-cores", "2",
                "--", "search", "--spec", graphSpec.toString(), "--out", out.toString());
        assertEquals(0, run.code(), run.output());
        List<String> lines = Files.readAllLines(out.resolve("results.csv"));
        List<String> header = Arrays.asList(lines.get(0).split(","));
        assertEquals(3, lines.size() - 1, "base + 2 candidates");
        for (String line : lines.subList(1, lines.size())) {
            String[] row = line.split(",", -1);
            assertEquals("OK", row[header.indexOf("status")], line);
            if (!row[header.indexOf("candidate")].equals("base")) {
                assertEquals("true", row[header.indexOf("shrunk")], line);
                ComputationGraph saved = ModelSerializer.restoreComputationGraph(
                        out.resolve("models/" + row[header.indexOf("candidate")] + ".zip").toFile(), false);
                assertEquals(Long.parseLong(row[header.indexOf("params_total")]), saved.numParams(), line);
            }
        }
    }

    /**
     * The secret is in no file of the run's output, nor in the logs of the master, the workers and
     * the executors, nor on the console of the run or of cluster-local, nor on the command line
     * (which every user of the machine can read) of the driver, spark-submit or a daemon.
     */
    private static void assertSecretNowhere(Path out, Result run) throws IOException {
        assertFalse(run.output().contains(SECRET), "the run's console shows the secret");
        assertFalse(started.output().contains(SECRET), "cluster-local shows the secret");
        assertTrue(run.commandLines().stream().anyMatch(line -> line.contains("org.apache.spark.deploy.SparkSubmit")),
                "the driver was not seen: " + run.commandLines());
        Stream.concat(run.commandLines().stream(), started.commandLines().stream()).forEach(line ->
                assertFalse(line.contains(SECRET), "the secret is on a command line: " + line));
        List<Path> files;
        try (Stream<Path> outputs = Files.walk(out); Stream<Path> cluster = Files.walk(runDir)) {
            files = Stream.concat(outputs, cluster).filter(Files::isRegularFile)
                    // the application jar each executor is given: not written by the run
                    .filter(f -> !f.getFileName().toString().endsWith(".jar")).toList();
        }
        assertTrue(files.contains(out.resolve("run.json")) && files.contains(out.resolve("report.html"))
                && files.contains(runDir.resolve("master.log")), files.toString());
        for (Path file : files) {
            // bytes, not text: models and Parquet files are binary
            assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(SECRET),
                    file + " holds the secret");
        }
        List<Path> pids = new ArrayList<>(List.of(runDir.resolve("master.pid")));
        for (int i = 1; i <= WORKERS; i++) {
            pids.add(runDir.resolve("worker-" + i + ".pid"));
        }
        for (Path pid : pids) {
            String commandLine = Files.readString(Path.of("/proc", Files.readString(pid).strip(), "cmdline"));
            assertTrue(commandLine.contains("-Dspark.authenticate=true"), pid + ": " + commandLine);
            assertFalse(commandLine.contains(SECRET), pid + ": the secret is on the command line");
        }
    }

    /**
     * A candidate whose executor JVM dies each time it runs it (as with a native crash) is one FAILED row
     * once Spark's retries are spent; the executors are replaced and the other candidates finish.
     */
    @Test
    void aCandidateThatKillsItsExecutorIsOneFailedRow() throws IOException {
        Path out = dir.resolve("exits");
        Result run = script(Duration.ofMinutes(5), WITH_SECRET, "shears-submit", "--master", MASTER,
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

    /**
     * A wrong secret and no secret are both refused before any work starts, in one line that says
     * why, rather than after Spark's minute of registration retries; neither secret is shown.
     */
    @Test
    void aSubmitWithAWrongSecretOrNoneIsRefusedAtOnce() {
        String wrong = "wrong-" + UUID.randomUUID();
        Path out = dir.resolve("refused");
        long start = System.nanoTime();
        Result run = script(Duration.ofMinutes(3), Map.of(SharedSecret.ENV, wrong), "shears-submit",
                "--master", MASTER, "--", "search", "--spec", spec.toString(), "--out", out.toString());
        assertEquals(2, run.code(), run.output());
        assertTrue(run.output().contains("shears: error: authentication failed with the Spark master " + MASTER
                + ": it does not accept the secret in $" + SharedSecret.ENV), run.output());
        assertFalse(run.output().contains(wrong) || run.output().contains(SECRET), run.output());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60), "not refused at once");

        start = System.nanoTime();
        Result none = script(Duration.ofMinutes(3), "shears-submit", "--master", MASTER,
                "--", "search", "--spec", spec.toString(), "--out", out.toString());
        assertEquals(2, none.code(), none.output());
        assertTrue(none.output().contains("shears: error: the Spark master " + MASTER + " requires authentication"),
                none.output());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60), "not refused at once");
        assertFalse(Files.exists(out));
    }

    /** A secret file that does not exist or is empty: exit code 2 and one line naming it, before anything starts. */
    @Test
    void aMissingOrEmptySecretFileIsBadInputNamingIt() throws IOException {
        Path missing = dir.resolve("no-such.secret");
        Result start = script(Duration.ofMinutes(1), "cluster-local", "start", "--secret-file", missing.toString(),
                "--run-dir", dir.resolve("unused-cluster").toString());
        assertEquals(2, start.code(), start.output());
        assertEquals("cluster-local: the secret file " + missing + " does not exist", start.output().strip());

        Path never = dir.resolve("never");
        Path empty = Files.writeString(dir.resolve("empty.secret"), "\n");
        Result run = script(Duration.ofMinutes(1), "shears-submit", "--master", MASTER, "--secret-file", empty.toString(),
                "--", "search", "--spec", spec.toString(), "--out", never.toString());
        assertEquals(2, run.code(), run.output());
        assertEquals("shears-submit: the secret file " + empty + " is empty", run.output().strip());

        run = script(Duration.ofMinutes(1), Map.of(SharedSecret.FILE_ENV, missing.toString()), "shears-submit",
                "--master", MASTER, "--", "search", "--spec", spec.toString(), "--out", never.toString());
        assertEquals(2, run.code(), run.output());
        assertEquals("shears-submit: the secret file " + missing + " does not exist", run.output().strip());
    }

    /** The master and workers, their web UIs included, answer on loopback and on no other address of the machine. */
    @Test
    void theDaemonsAndTheirWebUisListenOnLoopbackOnly() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        InetAddress other = null;
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (nic.isUp() && address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    other = address;
                }
            }
        }
        for (int i = 0; i <= WORKERS; i++) {
            for (int port : List.of(PORT + i, WEBUI_PORT + i)) {
                assertTrue(answers(loopback, port), "nothing on " + loopback + ":" + port);
                if (other != null) {
                    assertFalse(answers(other, port), other + ":" + port + " answers");
                }
            }
        }
        assumeTrue(other != null, "no address but loopback to try");
    }

    private static boolean answers(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * With --ui, the driver's web UI binds to loopback; a cluster on another machine then needs the
     * driver's own address, and is refused in one line without it.
     */
    @Test
    void aDriverUiOnLoopbackForAClusterElsewhereNeedsTheDriversAddress() {
        Result run = script(Duration.ofMinutes(1), "shears-submit", "--master", "spark://spark-master.invalid:7077",
                "--", "search", "--ui", "--spec", spec.toString(), "--out", dir.resolve("never").toString());
        assertEquals(2, run.code(), run.output());
        assertTrue(run.output().strip().startsWith("shears-submit: with --ui the driver's web UI binds to 127.0.0.1, so "
                + "give the address the cluster reaches the driver at (--conf spark.driver.host=ADDR)"), run.output());
    }
}
