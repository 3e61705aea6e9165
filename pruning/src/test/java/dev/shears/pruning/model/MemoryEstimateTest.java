package dev.shears.pruning.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.BadInputException;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class MemoryEstimateTest {

    private static final MemoryEstimate.Limit NONE = new MemoryEstimate.Limit(Long.MAX_VALUE, "no limit", "");

    @Test
    void aTinyNetworkNeedsFiveFloatsAParameterWithAdam() {
        // 3 inputs - 2 hidden - 2 classes: (3 x 2 + 2) + (2 x 2 + 2) = 14 parameters;
        // each: itself, its gradient, its mask and Adam's two moments, 4 bytes each
        MemoryEstimate tiny = MemoryEstimate.of(MlpFactory.conf(3, List.of(2), 2, 1e-3, 1));
        assertEquals(new MemoryEstimate(14, 28), tiny);
        assertEquals(14 * 5 * 4, tiny.bytes());
    }

    @Test
    void anUpdaterWithoutStateNeedsThreeFloatsAParameter() {
        MultiLayerConfiguration sgd = new NeuralNetConfiguration.Builder().updater(new Sgd(0.1)).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(2).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(2).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build();
        assertEquals(14 * 3 * 4, MemoryEstimate.of(sgd).bytes());
    }

    @Test
    void theEstimateGrowsWithEveryLayersSize() {
        long base = bytes(784, List.of(300, 100), 10);
        assertTrue(bytes(784, List.of(600, 100), 10) > base);
        assertTrue(bytes(784, List.of(300, 200), 10) > base);
        assertTrue(bytes(1568, List.of(300, 100), 10) > base);
        assertTrue(bytes(784, List.of(300, 100), 20) > base);
        assertTrue(bytes(784, List.of(300, 100, 50), 10) > base);
    }

    @Test
    void parametersAreCountedAsDl4jAllocatesThem() {
        assertEquals(MlpFactory.build(784, List.of(300, 100), 10, 1e-3, 1).numParams(),
                MemoryEstimate.of(MlpFactory.conf(784, List.of(300, 100), 10, 1e-3, 1)).parameters());
        assertEquals(CnnFactory.lenet5(28, 28, 1, 10, 1e-3, 1).numParams(),
                MemoryEstimate.of(CnnFactory.lenet5Conf(28, 28, 1, 10, 1e-3, 1)).parameters());
        assertEquals(CnnFactory.small(12, 10, 3, 4, 1e-3, 1).numParams(),
                MemoryEstimate.of(CnnFactory.smallConf(12, 10, 3, 4, 1e-3, 1)).parameters());
        // a graph, batch normalisation's running mean and variance included (they have no updater state)
        Network resnet = Network.of(ResNetFactory.resnetSmall(12, 12, 1, 4, 1e-3, 1));
        MemoryEstimate graph = MemoryEstimate.of(ResNetFactory.resnetSmallConf(12, 12, 1, 4, 1e-3, 1));
        assertEquals(resnet.numParams(), graph.parameters());
        assertEquals(resnet.updater().getStateViewArray().length(), graph.updaterState());
        // a network already in memory, as a model file gives it
        assertEquals(graph, MemoryEstimate.of(resnet));
    }

    @Test
    void aNetworkOfTwiceTheLimitIsRefusedAndOneOfHalfIsAccepted() {
        MemoryEstimate mlp = MemoryEstimate.of(MlpFactory.conf(784, List.of(300, 100), 10, 1e-3, 1));
        MemoryEstimate.Limit half = new MemoryEstimate.Limit(mlp.bytes() / 2, "the 2.5 MB allowed", "raise it with -Dx=SIZE");
        String m = assertThrows(BadInputException.class, () -> mlp.check(half, "model.hidden")).getMessage();
        // 266,610 parameters x 5 floats x 4 bytes = 5,332,200 bytes
        assertTrue(m.startsWith("model.hidden: ") && m.contains("266,610 parameters") && m.contains("5.1 MB")
                && m.contains("5 floats a parameter") && m.contains("the 2.5 MB allowed")
                && m.contains("raise it with -Dx=SIZE"), m);
        assertEquals(1, m.lines().count(), m);
        assertDoesNotThrow(() -> mlp.check(new MemoryEstimate.Limit(mlp.bytes() * 2, "", ""), "model.hidden"));
    }

    @Test
    void aNetworkNoModelFileCanHoldIsRefusedWhateverTheMemory() {
        assertDoesNotThrow(() -> new MemoryEstimate(MemoryEstimate.MAX_PARAMETERS, 0).check(NONE, "model.hidden"));
        String m = assertThrows(BadInputException.class,
                () -> new MemoryEstimate(MemoryEstimate.MAX_PARAMETERS + 1, 0).check(NONE, "model.hidden")).getMessage();
        assertTrue(m.startsWith("model.hidden: ") && m.contains("model file"), m);
    }

    @Test
    void aCountBeyondAnyMemorySaturatesInsteadOfWrappingAround() {
        MemoryEstimate huge = new MemoryEstimate(Long.MAX_VALUE / 4, Long.MAX_VALUE / 2);
        assertEquals(Long.MAX_VALUE, huge.bytes());
        assertThrows(BadInputException.class, () -> huge.check(new MemoryEstimate.Limit(Long.MAX_VALUE - 1, "", ""),
                "model.hidden"));
    }

    @Test
    void thisJvmsLimitIsNoMoreThanTheMachinesMemory() {
        MemoryEstimate.Limit limit = MemoryEstimate.Limit.ofThisJvm();
        long machine = org.bytedeco.javacpp.Pointer.totalPhysicalBytes();
        assertTrue(limit.bytes() > 0 && (machine <= 0 || limit.bytes() <= machine), limit.toString());
        assertTrue(limit.what().contains("GB") || limit.what().contains("MB"), limit.what());
    }

    private static long bytes(int inputs, List<Integer> hidden, int classes) {
        return MemoryEstimate.of(MlpFactory.conf(inputs, hidden, classes, 1e-3, 1)).bytes();
    }
}
