package dev.shears.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Small generated data sets: separable Gaussian blobs as CSV, so tests need no download and run in seconds. */
public final class TestData {

    private TestData() {
    }

    /** Writes {@code rows} rows of {@code features} features and {@code classes} labels, header "label,f0,...". */
    public static Path blobsCsv(Path file, int rows, int features, int classes, long seed) throws IOException {
        Random r = new Random(seed);
        double[][] centres = new double[classes][features];
        Random c = new Random(1234);
        for (double[] centre : centres) {
            for (int j = 0; j < features; j++) {
                centre[j] = c.nextGaussian() * 1.5;
            }
        }
        StringBuilder sb = new StringBuilder("label");
        for (int j = 0; j < features; j++) {
            sb.append(",f").append(j);
        }
        sb.append('\n');
        for (int i = 0; i < rows; i++) {
            int y = r.nextInt(classes);
            sb.append(y);
            for (int j = 0; j < features; j++) {
                sb.append(',').append(String.format("%.4f", centres[y][j] + r.nextGaussian()));
            }
            sb.append('\n');
        }
        Files.writeString(file, sb.toString());
        return file;
    }

    /** A spec over the blobs in {@code dir}; {@code extra} is appended as more YAML. */
    public static String spec(Path dir, String space, String extra) {
        return String.join("\n",
                "name: test",
                "seed: 7",
                "data:",
                "  format: csv",
                "  train: " + dir.resolve("train.csv").toUri(),
                "  test: " + dir.resolve("test.csv").toUri(),
                "  numClasses: 4",
                "  validationFraction: 0.2",
                "model:",
                "  hidden: [32, 16]",
                "  epochs: 8",
                "  learningRate: 0.01",
                "  batchSize: 32",
                "space:",
                space,
                "finetune:",
                "  batchSize: 32",
                "search:",
                "  measureLatency: false",
                extra,
                "");
    }

    public static void writeBlobs(Path dir) throws IOException {
        blobsCsv(dir.resolve("train.csv"), 600, 16, 4, 1);
        blobsCsv(dir.resolve("test.csv"), 300, 16, 4, 2);
    }
}
