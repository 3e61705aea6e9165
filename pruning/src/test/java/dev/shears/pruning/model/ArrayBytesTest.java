package dev.shears.pruning.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@link ArrayBytes} writes exactly Nd4j.write's bytes and reads them back as Nd4j.read does. */
class ArrayBytesTest {

    private static byte[] nd4j(INDArray a) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Nd4j.write(a, new DataOutputStream(out));
        return out.toByteArray();
    }

    private static byte[] ours(INDArray a) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ArrayBytes.write(a, new DataOutputStream(out));
        return out.toByteArray();
    }

    @Test
    void writesNd4jsBytesAndReadsThemAsNd4jDoes() throws IOException {
        INDArray params = MlpFactory.build(30, List.of(12, 7), 5, 1e-3, 4).params();
        INDArray withSpecials = Nd4j.createFromArray(0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.MIN_VALUE, -1.5e38f);
        INDArray matrix = Nd4j.rand(DataType.FLOAT, 6, 4);
        List<INDArray> arrays = List.of(params, withSpecials, matrix, matrix.dup('f'),
                matrix.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all()), matrix.castTo(DataType.DOUBLE),
                Nd4j.rand(DataType.FLOAT, 2, 3, 4));
        for (INDArray a : arrays) {
            byte[] expected = nd4j(a);
            assertArrayEquals(expected, ours(a), a.shapeInfoToString());
            INDArray byNd4j = Nd4j.read(new DataInputStream(new ByteArrayInputStream(expected)));
            INDArray back = ArrayBytes.read(expected);
            // compared as bytes: NaN equals nothing, not even itself
            assertEquals(byNd4j.shapeInfoToString(), back.shapeInfoToString());
            assertArrayEquals(nd4j(byNd4j), nd4j(back));
        }
    }
}
