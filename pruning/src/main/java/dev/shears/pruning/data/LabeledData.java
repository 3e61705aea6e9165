package dev.shears.pruning.data;

import java.io.Serializable;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Examples as flat float features plus integer labels. Kept as plain arrays so that splits,
 * subsets and shuffles are cheap and exact. Batches are copied row by row from these arrays
 * straight into native memory, and consecutive rows can be read as a view of one ND4J copy of the
 * features made on first use, so training and evaluation allocate no Java arrays per batch: the
 * garbage collector's pauses stop every trial running in a JVM at once.
 */
public final class LabeledData implements Serializable {

    private static final long serialVersionUID = 1L;

    private final float[] features;
    private final int[] labels;
    private final int numClasses;
    private final int[] shape;
    /** The features as one ND4J matrix; made on first use, never serialized. */
    private transient volatile INDArray matrix;
    /** Row c is the one-hot label of class c; made on first use. */
    private transient volatile float[] oneHot;

    /** @param shape the shape of one example: {@code {d}} for vectors, {@code {h, w, c}} for images */
    public LabeledData(float[] features, int[] labels, int numClasses, int[] shape) {
        int width = width(shape);
        if (features.length != (long) labels.length * width) {
            throw new IllegalArgumentException("features hold " + features.length + " values, expected "
                    + labels.length + " x " + width);
        }
        this.features = features;
        this.labels = labels;
        this.numClasses = numClasses;
        this.shape = shape;
    }

    /** All features, row-major: {@code size() x width()} values. */
    public float[] features() {
        return features;
    }

    public int[] labels() {
        return labels;
    }

    public int numClasses() {
        return numClasses;
    }

    public int[] shape() {
        return shape;
    }

    private static int width(int[] shape) {
        int w = 1;
        for (int s : shape) {
            w *= s;
        }
        return w;
    }

    public int size() {
        return labels.length;
    }

    public int width() {
        return width(shape);
    }

    /** Rows [from, to). */
    public LabeledData slice(int from, int to) {
        int w = width();
        float[] f = new float[(to - from) * w];
        System.arraycopy(features, from * w, f, 0, f.length);
        int[] l = new int[to - from];
        System.arraycopy(labels, from, l, 0, l.length);
        return new LabeledData(f, l, numClasses, shape);
    }

    /** The given rows, in order. */
    public LabeledData rows(int[] index) {
        int w = width();
        float[] f = new float[index.length * w];
        int[] l = new int[index.length];
        for (int i = 0; i < index.length; i++) {
            System.arraycopy(features, index[i] * w, f, i * w, w);
            l[i] = labels[index[i]];
        }
        return new LabeledData(f, l, numClasses, shape);
    }

    /** A seeded permutation of 0..size-1. */
    public int[] permutation(long seed) {
        int[] p = new int[size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = i;
        }
        Random r = new Random(seed);
        for (int i = p.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** Rows [from, to) of this data as an ND4J batch with one-hot labels. */
    public DataSet batch(int from, int to) {
        int[] index = new int[to - from];
        for (int i = 0; i < index.length; i++) {
            index[i] = from + i;
        }
        return batch(index, 0, index.length, null);
    }

    /**
     * Rows {@code index[from..to)} as an ND4J batch: a shuffled epoch costs one batch of memory at a
     * time, not a copy of the data set. The batch owns its arrays (no views), so it may be changed,
     * serialized or kept.
     *
     * @param targets labels in place of the one-hot ones ({@code size() x numClasses()} values,
     *                row-major, as distillation's soft targets), or null
     */
    public DataSet batch(int[] index, int from, int to, float[] targets) {
        INDArray x = Nd4j.createUninitialized(DataType.FLOAT, to - from, width());
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, to - from, numClasses);
        copyRows(index, from, to, targets, x.data().asNioFloat(), y.data().asNioFloat());
        return new DataSet(x, y);
    }

    /**
     * Copies rows {@code index[from..to)} row-major into native memory: their features into
     * {@code x} and their one-hot labels, or {@code targets}' rows, into {@code y}, both from index 0.
     */
    public void copyRows(int[] index, int from, int to, float[] targets, FloatBuffer x, FloatBuffer y) {
        int w = width();
        float[] eye = oneHot;
        if (eye == null) {
            eye = new float[numClasses * numClasses];
            for (int c = 0; c < numClasses; c++) {
                eye[c * numClasses + c] = 1f;
            }
            oneHot = eye;
        }
        float[] rowsOfY = targets != null ? targets : eye;
        for (int i = from; i < to; i++) {
            int row = index[i];
            x.put((i - from) * w, features, row * w, w);
            y.put((i - from) * numClasses, rowsOfY, (targets != null ? row : labels[row]) * numClasses, numClasses);
        }
    }

    /**
     * Rows [from, to) of the features as a view of this data's ND4J copy, without copying: for
     * reading only (evaluation), since every caller shares it.
     */
    public INDArray featureRows(int from, int to) {
        INDArray m = matrix;
        if (m == null) {
            synchronized (this) {
                m = matrix;
                if (m == null) {
                    // kept across trials, so never in whatever workspace the first caller has open
                    try (MemoryWorkspace none = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                        m = Nd4j.create(features, new long[] {size(), width()});
                    }
                    matrix = m;
                }
            }
        }
        return m.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    /** Consecutive batches of at most {@code batchSize} rows. */
    public List<DataSet> batches(int batchSize) {
        List<DataSet> out = new ArrayList<>();
        for (int from = 0; from < size(); from += batchSize) {
            out.add(batch(from, Math.min(size(), from + batchSize)));
        }
        return out;
    }
}
