package dev.shears.jobs;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the launcher scripts of submit-scripts/ as users do, with the Spark the build resolved and
 * the application jar this build shaded (integration tests run after the jar is made).
 */
public final class Scripts {

    public static final Path ROOT = Path.of(System.getProperty("shears.root", "..")).toAbsolutePath().normalize();
    public static final Path BUILD = Path.of(System.getProperty("shears.buildDir", "target")).toAbsolutePath();
    private static final String APP_JAR = System.getProperty("shears.appJar");

    /**
     * A script's exit code and its output (stdout and stderr together).
     *
     * @param commandLines the command line of each process of the script's (itself, and what it started)
     *                     seen while it ran, arguments joined with spaces
     */
    public record Result(int code, String output, Set<String> commandLines) {
    }

    private static final long LOOK_EVERY_MS = 100;

    private Scripts() {
    }

    /** Runs submit-scripts/{@code name}; its output is also kept in target/it-logs/. */
    public static Result run(Duration timeout, String name, String... args) {
        return run(timeout, Map.of(), name, args);
    }

    /** As {@link #run(Duration, String, String...)}, with {@code env} added to the script's environment. */
    public static Result run(Duration timeout, Map<String, String> env, String name, String... args) {
        Path log = log(name);
        Process p = start(log, env, name, args);
        Set<String> commandLines = new LinkedHashSet<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!p.waitFor(LOOK_EVERY_MS, TimeUnit.MILLISECONDS)) {
                Stream.concat(Stream.of(p.toHandle()), p.descendants())
                        .forEach(process -> commandLine(process).ifPresent(commandLines::add));
                if (System.nanoTime() > deadline) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    fail(name + " did not finish within " + timeout + "; its output is in " + log);
                }
            }
            return new Result(p.exitValue(), Files.readString(log), commandLines);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + log, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + name, e);
        }
    }

    /** All of a process's command line, as ps shows it to every user of the machine; empty once it is gone. */
    private static Optional<String> commandLine(ProcessHandle process) {
        try {
            return Optional.of(Files.readString(Path.of("/proc", String.valueOf(process.pid()), "cmdline"))
                    .replace('\0', ' ').strip()).filter(line -> !line.isEmpty());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A new file in target/it-logs/ for one run of {@code name}. */
    public static Path log(String name) {
        try {
            return Files.createTempFile(Files.createDirectories(BUILD.resolve("it-logs")), name + "-", ".log");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a log file in " + BUILD, e);
        }
    }

    private static Path childTemp() {
        try {
            return Files.createDirectories(BUILD.resolve("child-tmp"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a temporary folder in " + BUILD, e);
        }
    }

    /** Starts submit-scripts/{@code name} with its output (stdout and stderr) going to {@code log}. */
    public static Process start(Path log, String name, String... args) {
        return start(log, Map.of(), name, args);
    }

    private static Process start(Path log, Map<String, String> env, String name, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("submit-scripts").resolve(name).toString());
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // what a developer's shell may hold must not decide a test
        for (String variable : List.of("SPARK_HOME", "SPARK_LOCAL_IP", "SHEARS_SPARK_SECRET",
                "SHEARS_SPARK_SECRET_FILE", "SHEARS_UI_HOST")) {
            pb.environment().remove(variable);
        }
        pb.environment().put("SHEARS_APP_JAR", APP_JAR);
        // a run the test kills cannot delete its Spark and native-library temporaries: they stay in the build
        pb.environment().put("SHEARS_JAVA_OPTS", "-Djava.io.tmpdir=" + childTemp());
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        }
    }
}
