package dev.shears.jobs;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the launcher scripts of submit-scripts/ as users do, with the Spark the build resolved and
 * the application jar this build shaded (integration tests run after the jar is made).
 */
public final class Scripts {

    public static final Path ROOT = Path.of(System.getProperty("shears.root", "..")).toAbsolutePath().normalize();
    public static final Path BUILD = Path.of(System.getProperty("shears.buildDir", "target")).toAbsolutePath();
    private static final String APP_JAR = System.getProperty("shears.appJar");

    /** A script's exit code and its output (stdout and stderr together). */
    public record Result(int code, String output) {
    }

    private Scripts() {
    }

    /** Runs submit-scripts/{@code name}; its output is also kept in target/it-logs/. */
    public static Result run(Duration timeout, String name, String... args) {
        Path log = log(name);
        Process p = start(log, name, args);
        try {
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                fail(name + " did not finish within " + timeout + "; its output is in " + log);
            }
            return new Result(p.exitValue(), Files.readString(log));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + log, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + name, e);
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

    /** Starts submit-scripts/{@code name} with its output (stdout and stderr) going to {@code log}. */
    public static Process start(Path log, String name, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("submit-scripts").resolve(name).toString());
        command.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("SPARK_HOME");
        pb.environment().put("SHEARS_APP_JAR", APP_JAR);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        }
    }
}
