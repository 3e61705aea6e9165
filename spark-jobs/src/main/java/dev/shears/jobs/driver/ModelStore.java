package dev.shears.jobs.driver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Pruned models returned by trials, kept on the driver's local disk rather than in memory: the
 * best are copied to the output at the end, and continued trials start from their parent's.
 */
final class ModelStore implements AutoCloseable {

    private final Path dir;

    ModelStore() {
        try {
            dir = Files.createTempDirectory("shears-models-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for models", e);
        }
    }

    void put(String candidate, byte[] model) {
        try {
            Files.write(dir.resolve(candidate + ".zip"), model);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the model of " + candidate, e);
        }
    }

    /** The model's bytes, or null when the trial returned none. */
    byte[] get(String candidate) {
        Path p = dir.resolve(candidate + ".zip");
        try {
            return Files.exists(p) ? Files.readAllBytes(p) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the model of " + candidate, e);
        }
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
