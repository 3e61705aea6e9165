package dev.shears.pruning.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Examples as flat float features plus integer labels. Kept as plain arrays so that splits,
 * subsets and shuffles are cheap and exact; converted to ND4J batches only when training.
 *
 * @param shape the shape of one example: {@code {d}} for vectors, {@code {h, w, c}} for images
 */
public record LabeledData(float[] features, int[] labels, int numClasses, int[] shape) implements Serializable {

    public LabeledData {
        int width = width(shape);
        if (features.length != (long) labels.length * width) {
            throw new IllegalArgumentException("features hold " + features.length + " values, expected "
                    + labels.length + " x " + width);
        }
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
        return batch(index, 0, index.length);
    }

    /**
     * Rows {@code index[from..to)} as an ND4J batch with one-hot labels, gathered straight from
     * this data: a shuffled epoch costs one batch of memory at a time, not a copy of the data set.
     */
    public DataSet batch(int[] index, int from, int to) {
        int w = width();
        int n = to - from;
        float[] f = new float[n * w];
        float[] y = new float[n * numClasses];
        for (int i = 0; i < n; i++) {
            int row = index[from + i];
            System.arraycopy(features, row * w, f, i * w, w);
            y[i * numClasses + labels[row]] = 1f;
        }
        return new DataSet(Nd4j.create(f, new long[] {n, w}), Nd4j.create(y, new long[] {n, numClasses}));
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
