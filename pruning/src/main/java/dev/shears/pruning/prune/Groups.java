package dev.shears.pruning.prune;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves between per-weight values and per-index values along one axis of a weight array (an
 * output unit, an input channel). Arrays are handled as row-major floats.
 */
final class Groups {

    private Groups() {
    }

    /**
     * Per index of {@code axis}, the sum of its scores. Entries already pruned score -inf and are
     * skipped, so a unit whose inputs were removed by a coupled mask still ranks by what is left;
     * an index with every entry pruned scores -inf and so stays pruned.
     */
    static float[] sumAlong(INDArray scores, int axis) {
        long[] shape = scores.shape();
        float[] v = Arrays.floats(scores);
        int size = (int) shape[axis];
        long stride = Arrays.stride(shape, axis);
        double[] sum = new double[size];
        boolean[] any = new boolean[size];
        for (int f = 0; f < v.length; f++) {
            if (v[f] != Float.NEGATIVE_INFINITY) {
                int i = (int) ((f / stride) % size);
                sum[i] += v[f];
                any[i] = true;
            }
        }
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = any[i] ? (float) sum[i] : Float.NEGATIVE_INFINITY;
        }
        return out;
    }

    /** An array shaped like {@code like} whose entries at index i of {@code axis} all hold {@code values[i]}. */
    static INDArray broadcast(INDArray like, int axis, float[] values) {
        long[] shape = like.shape();
        long stride = Arrays.stride(shape, axis);
        float[] out = new float[(int) like.length()];
        for (int f = 0; f < out.length; f++) {
            out[f] = values[(int) ((f / stride) % shape[axis])];
        }
        return Nd4j.create(out, shape, 'c').castTo(like.dataType());
    }

    /** A 0/1 mask shaped like {@code like} that zeroes the indices of {@code axis} not kept. */
    static INDArray mask(INDArray like, int axis, boolean[] keep) {
        float[] values = new float[keep.length];
        for (int i = 0; i < keep.length; i++) {
            values[i] = keep[i] ? 1f : 0f;
        }
        return broadcast(like, axis, values);
    }
}
