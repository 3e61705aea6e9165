package dev.shears.pruning.data;

import java.io.Serializable;

/**
 * Where a search's data lives and how to cut it. This, not the data, is what executors receive:
 * each executor JVM loads it once through the Hadoop FileSystem API and caches it.
 *
 * @param format             {@code idx} (MNIST-style, four files), {@code csv} (two files) or {@code binary}
 *                           (two {@link BinaryData} files: tables as the driver read and checked them)
 * @param trainFile          IDX: training images; CSV, binary: training rows
 * @param trainLabels        IDX: training labels; otherwise unused (null)
 * @param testFile           IDX: test images; CSV, binary: test rows
 * @param testLabels         IDX: test labels; otherwise unused (null)
 * @param labelColumn        CSV: label column name or index
 * @param header             CSV: first line is a header
 * @param trainLimit         rows of the training file to use (0 = all)
 * @param testLimit          rows of the test file to use (0 = all)
 * @param validationFraction share of the training rows held out as validation, chosen by {@code seed}
 */
public record DataLocation(String format, String trainFile, String trainLabels, String testFile, String testLabels,
                           String labelColumn, boolean header, int numClasses, int trainLimit, int testLimit,
                           double validationFraction, long seed) implements Serializable {

    /** The file names of the MNIST layout (Fashion-MNIST's too) in an IDX folder. */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";

    public static DataLocation idx(String dir, int trainLimit, int testLimit, double validationFraction, long seed) {
        return new DataLocation("idx",
                HadoopFiles.join(dir, TRAIN_IMAGES), HadoopFiles.join(dir, TRAIN_LABELS),
                HadoopFiles.join(dir, TEST_IMAGES), HadoopFiles.join(dir, TEST_LABELS),
                null, false, 10, trainLimit, testLimit, validationFraction, seed);
    }
}
