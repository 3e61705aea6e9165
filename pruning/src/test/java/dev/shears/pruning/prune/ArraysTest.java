package dev.shears.pruning.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.shears.pruning.model.CnnFactory;
import dev.shears.pruning.model.MlpFactory;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** {@link Arrays#floats} gives ND4J's row-major order for every layout, its fast paths included. */
class ArraysTest {

    private static float[] reference(INDArray a) {
        return a.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    private static void assertRowMajor(INDArray a) {
        assertArrayEquals(reference(a), Arrays.floats(a), a.shapeInfoToString());
    }

    @Test
    void everyLayoutGivesTheRowMajorValues() {
        INDArray c = Nd4j.rand(DataType.FLOAT, 7, 5);
        assertRowMajor(c);
        assertRowMajor(c.dup('f'));
        assertRowMajor(c.transpose());
        assertRowMajor(c.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all()));
        assertRowMajor(c.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 4)));
        assertRowMajor(c.dup('f').get(NDArrayIndex.all(), NDArrayIndex.interval(1, 4)));
        assertRowMajor(c.dup('f').get(NDArrayIndex.interval(2, 5), NDArrayIndex.all()));
        assertRowMajor(c.getRow(3));
        assertRowMajor(c.getColumn(2));
        assertRowMajor(c.castTo(DataType.DOUBLE));
        assertRowMajor(Nd4j.rand(DataType.FLOAT, 3, 4, 2).dup('f'));
    }

    @Test
    void layerWeightsAndBiasesAsViewsOfTheParameters() {
        MultiLayerNetwork mlp = MlpFactory.build(12, List.of(6, 5), 3, 1e-3, 1);
        MultiLayerNetwork cnn = CnnFactory.small(12, 12, 1, 4, 1e-3, 1);
        for (MultiLayerNetwork net : List.of(mlp, cnn)) {
            net.paramTable().values().forEach(ArraysTest::assertRowMajor);
            assertRowMajor(net.params());
        }
    }
}
