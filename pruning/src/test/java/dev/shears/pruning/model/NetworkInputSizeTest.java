package dev.shears.pruning.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How many features a network takes: what a model file brought to a search is checked against the data. */
class NetworkInputSizeTest {

    @Test
    void imageNetworksTakeFlatRowsOfEveryPixel() {
        assertEquals(784, Network.of(CnnFactory.lenet5(28, 28, 1, 10, 1e-3, 1)).inputSize());
        assertEquals(12 * 10 * 3, Network.of(CnnFactory.small(12, 10, 3, 4, 1e-3, 1)).inputSize());
        assertEquals(784, Network.of(ResNetFactory.resnetSmall(28, 28, 1, 10, 1e-3, 1)).inputSize());
        assertEquals(20, Network.of(MlpFactory.build(20, List.of(8), 4, 1e-3, 1)).inputSize());
    }

    @Test
    void aSavedImageNetworkTakesAsManyAfterLoading() {
        Network lenet = Network.of(CnnFactory.lenet5(28, 28, 1, 10, 1e-3, 1));
        assertEquals(784, ModelBytes.restore(ModelBytes.of(lenet)).inputSize());
    }
}
