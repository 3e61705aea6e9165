package dev.shears.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shears.jobs.cli.ShearsMain;
import dev.shears.pruning.data.DataLocation;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Small generated data sets: separable Gaussian blobs as CSV, and square-in-a-quadrant images as
 * IDX files, so tests need no download and run in seconds.
 */
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

    /**
     * Writes the blobs of {@link #blobsCsv} as a table at {@code location} (a folder, local or a Hadoop URI),
     * with a label column and feature columns f0.., or all features in one array column {@code x}; in two
     * files, as Spark reads tables.
     */
    public static void blobsTable(String location, String format, int rows, int features, int classes, long seed,
                                  boolean asArray) throws IOException {
        Path csv = Files.createTempFile("blobs", ".csv");
        try {
            List<Row> data = new ArrayList<>();
            List<String> lines = Files.readAllLines(blobsCsv(csv, rows, features, classes, seed));
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.split(",");
                Object[] values = new Object[asArray ? 2 : cells.length];
                values[0] = Integer.parseInt(cells[0]);
                double[] x = new double[features];
                for (int j = 0; j < features; j++) {
                    x[j] = Double.parseDouble(cells[j + 1]);
                    if (!asArray) {
                        values[j + 1] = x[j];
                    }
                }
                if (asArray) {
                    values[1] = x;
                }
                data.add(RowFactory.create(values));
            }
            StructType schema = new StructType().add("label", DataTypes.IntegerType);
            if (asArray) {
                schema = schema.add("x", DataTypes.createArrayType(DataTypes.DoubleType));
            } else {
                for (int j = 0; j < features; j++) {
                    schema = schema.add("f" + j, DataTypes.DoubleType);
                }
            }
            SharedSpark.get().createDataFrame(data, schema).repartition(2).write().format(format).save(location);
        } finally {
            Files.delete(csv);
        }
    }

    /** Writes {@code rows}, in this order, as a table of {@code format} at {@code location} (a folder). */
    public static void table(String location, String format, List<Row> rows, StructType schema) {
        SharedSpark.get().createDataFrame(rows, schema).coalesce(1).write().format(format).save(location);
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

    /**
     * A Keras model written by the pruning module's make_fixtures.py (mlp.h5 takes these blobs); tests run
     * in the module's folder.
     */
    public static Path keras(String name) {
        return Path.of("..", "pruning", "src", "test", "resources", "keras", name).toAbsolutePath().normalize();
    }

    public static void writeBlobs(Path dir) throws IOException {
        blobsCsv(dir.resolve("train.csv"), 600, 16, 4, 1);
        blobsCsv(dir.resolve("test.csv"), 300, 16, 4, 2);
    }

    /**
     * Writes 28x28 grey images of 4 classes under the standard Fashion-MNIST file names in {@code dir}
     * (gzipped IDX): class k is a bright 10x10 square in quadrant k, over noise.
     */
    public static void writeImages(Path dir, int trainRows, int testRows) throws IOException {
        images(dir, DataLocation.TRAIN_IMAGES, DataLocation.TRAIN_LABELS, trainRows, 28, 28, 1);
        images(dir, DataLocation.TEST_IMAGES, DataLocation.TEST_LABELS, testRows, 28, 28, 2);
    }

    /** Writes {@code rows} images of {@code height x width} pixels and their labels as gzipped IDX. */
    public static void images(Path dir, String imageFile, String labelFile, int rows, int height, int width, long seed)
            throws IOException {
        Random r = new Random(seed);
        byte[] labels = new byte[rows];
        byte[] pixels = new byte[rows * height * width];
        for (int i = 0; i < rows; i++) {
            int y = r.nextInt(4);
            labels[i] = (byte) y;
            int top = (y / 2) * 14 + 2 + r.nextInt(3);
            int left = (y % 2) * 14 + 2 + r.nextInt(3);
            for (int p = 0; p < height * width; p++) {
                int row = p / width;
                int col = p % width;
                boolean square = row >= top && row < top + 10 && col >= left && col < left + 10;
                pixels[i * height * width + p] = (byte) (square ? 180 + r.nextInt(70) : r.nextInt(60));
            }
        }
        writeIdx(dir, imageFile, labelFile, rows, height, width, pixels, labels);
    }

    /** What a successful {@code shears} command prints on standard output. */
    public static String printed(String... args) {
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        PrintStream old = System.out;
        try {
            System.setOut(new PrintStream(said, true));
            assertEquals(0, ShearsMain.execute(args), String.join(" ", args));
        } finally {
            System.setOut(old);
        }
        return said.toString();
    }

    /** A spec that trains resnet-small for 2 epochs on {@link #writeTextures} images in {@code dir}. */
    public static String graphSpec(Path dir, String name, String space, String search) {
        return imageSpec(dir, name, "resnet-small", 2, space, search);
    }

    /** A spec that trains {@code architecture} on four-class IDX images in {@code dir}, no latency timing. */
    public static String imageSpec(Path dir, String name, String architecture, int epochs, String space, String search) {
        return String.join("\n",
                "name: " + name,
                "seed: 3",
                "data:",
                "  dir: " + dir.toUri(),
                "  numClasses: 4",
                "  validationFraction: 0.25",
                "model:",
                "  architecture: " + architecture,
                "  epochs: " + epochs,
                "  learningRate: 0.01",
                "  batchSize: 32",
                space,
                "finetune:",
                "  batchSize: 32",
                "search:",
                "  measureLatency: false",
                search,
                "output:",
                "  keepModels: 4",
                "");
    }

    /**
     * Writes 16x16 texture images whose class is the texture wherever it sits (horizontal stripes,
     * vertical stripes, a checkerboard, noise alone), as networks that pool globally can learn them.
     */
    public static void writeTextures(Path dir, int trainRows, int testRows) throws IOException {
        textures(dir, DataLocation.TRAIN_IMAGES, DataLocation.TRAIN_LABELS, trainRows, 1);
        textures(dir, DataLocation.TEST_IMAGES, DataLocation.TEST_LABELS, testRows, 2);
    }

    private static void textures(Path dir, String imageFile, String labelFile, int rows, long seed) throws IOException {
        int size = 16;
        Random r = new Random(seed);
        byte[] labels = new byte[rows];
        byte[] pixels = new byte[rows * size * size];
        for (int i = 0; i < rows; i++) {
            int y = r.nextInt(4);
            labels[i] = (byte) y;
            int shift = r.nextInt(4);
            for (int p = 0; p < size * size; p++) {
                int row = p / size + shift;
                int col = p % size + shift;
                boolean on = switch (y) {
                    case 0 -> row / 2 % 2 == 0;
                    case 1 -> col / 2 % 2 == 0;
                    case 2 -> (row / 2 + col / 2) % 2 == 0;
                    default -> false;
                };
                pixels[i * size * size + p] = (byte) (on ? 160 + r.nextInt(90) : r.nextInt(90));
            }
        }
        writeIdx(dir, imageFile, labelFile, rows, size, size, pixels, labels);
    }

    private static void writeIdx(Path dir, String imageFile, String labelFile, int rows, int height, int width,
                                 byte[] pixels, byte[] labels) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(dir.resolve(imageFile))))) {
            out.writeInt(0x00000803);
            out.writeInt(rows);
            out.writeInt(height);
            out.writeInt(width);
            out.write(pixels);
        }
        try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(dir.resolve(labelFile))))) {
            out.writeInt(0x00000801);
            out.writeInt(rows);
            out.write(labels);
        }
    }
}
