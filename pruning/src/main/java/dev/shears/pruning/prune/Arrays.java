package dev.shears.pruning.prune;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ND4J arrays handled as row-major Java arrays, whatever the array's own layout. */
public final class Arrays {

    private Arrays() {
    }

    /**
     * The values in row-major order. A contiguous float array (a layer's weights are column-major
     * views of the flattened parameters) is copied out of native memory in one piece, and a
     * column-major matrix transposed in Java: ND4J's copy into a new row-major array and its
     * conversion to a Java array cost several times that, for every scoring and count in a trial.
     */
    public static float[] floats(INDArray a) {
        boolean contiguous = a.dataType() == DataType.FLOAT && a.elementWiseStride() == 1 && !a.isEmpty();
        boolean rowMajor = a.ordering() == 'c' || a.isVector();
        if (!contiguous || !(rowMajor || a.rank() == 2)) {
            return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
        }
        float[] values = new float[(int) a.length()];
        a.data().asNioFloat().get((int) a.offset(), values);
        if (rowMajor) {
            return values;
        }
        int rows = (int) a.rows();
        int columns = (int) a.columns();
        float[] byRow = new float[values.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                byRow[r * columns + c] = values[c * rows + r];
            }
        }
        return byRow;
    }

    /** Row-major distance between consecutive indices of {@code axis}. */
    public static long stride(long[] shape, int axis) {
        long stride = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            stride *= shape[d];
        }
        return stride;
    }

    /** The entries at the given indices of {@code axis}, in that order; other axes are whole. */
    public static INDArray take(INDArray a, int axis, int[] index) {
        long[] shape = a.shape();
        float[] v = floats(a);
        int stride = (int) stride(shape, axis);
        int outer = (int) (v.length / (stride * shape[axis]));
        float[] out = new float[outer * index.length * stride];
        for (int o = 0; o < outer; o++) {
            for (int k = 0; k < index.length; k++) {
                System.arraycopy(v, (int) ((o * shape[axis] + index[k]) * stride), out, (o * index.length + k) * stride,
                        stride);
            }
        }
        long[] outShape = shape.clone();
        outShape[axis] = index.length;
        return Nd4j.create(out, outShape, 'c').castTo(a.dataType());
    }
}
