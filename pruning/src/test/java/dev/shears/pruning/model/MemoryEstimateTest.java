package dev.shears.pruning.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.BadInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryEstimateTest {

    private static final MemoryEstimate.Limit NONE = new MemoryEstimate.Limit(Long.MAX_VALUE, "no limit", "");

    @Test
    void aTinyNetworksEstimateIsItsParametersTimesFourBytesTimesFiveCopies() {
        // 3 inputs - 2 hidden - 2 classes: (3 x 2 + 2) + (2 x 2 + 2) = 14 parameters
        long parameters = MemoryEstimate.parameters(MlpFactory.conf(3, List.of(2), 2, 1e-3, 1));
        assertEquals(14, parameters);
        assertEquals(14 * 4 * 5, MemoryEstimate.bytes(parameters));
    }

    @Test
    void theEstimateGrowsWithEveryLayersSize() {
        long base = estimate(784, List.of(300, 100), 10);
        assertTrue(estimate(784, List.of(600, 100), 10) > base);
        assertTrue(estimate(784, List.of(300, 200), 10) > base);
        assertTrue(estimate(1568, List.of(300, 100), 10) > base);
        assertTrue(estimate(784, List.of(300, 100), 20) > base);
        assertTrue(estimate(784, List.of(300, 100, 50), 10) > base);
    }

    @Test
    void parametersAreCountedAsDl4jAllocatesThem() {
        assertEquals(MlpFactory.build(784, List.of(300, 100), 10, 1e-3, 1).numParams(),
                MemoryEstimate.parameters(MlpFactory.conf(784, List.of(300, 100), 10, 1e-3, 1)));
        assertEquals(CnnFactory.lenet5(28, 28, 1, 10, 1e-3, 1).numParams(),
                MemoryEstimate.parameters(CnnFactory.lenet5Conf(28, 28, 1, 10, 1e-3, 1)));
        assertEquals(CnnFactory.small(12, 10, 3, 4, 1e-3, 1).numParams(),
                MemoryEstimate.parameters(CnnFactory.smallConf(12, 10, 3, 4, 1e-3, 1)));
        // a graph, batch normalisation's running mean and variance included
        assertEquals(ResNetFactory.resnetSmall(12, 12, 1, 4, 1e-3, 1).numParams(),
                MemoryEstimate.parameters(ResNetFactory.resnetSmallConf(12, 12, 1, 4, 1e-3, 1)));
    }

    @Test
    void aNetworkOfTwiceTheLimitIsRefusedAndOneOfHalfIsAccepted() {
        long parameters = MemoryEstimate.parameters(MlpFactory.conf(784, List.of(300, 100), 10, 1e-3, 1));
        long needed = MemoryEstimate.bytes(parameters);
        MemoryEstimate.Limit half = new MemoryEstimate.Limit(needed / 2, "the 1.0 MB allowed", "raise it with -Dx=SIZE");
        String m = assertThrows(BadInputException.class, () -> MemoryEstimate.check(parameters, half, "model.hidden"))
                .getMessage();
        assertTrue(m.startsWith("model.hidden: ") && m.contains("266,610 parameters") && m.contains("5.1 MB")
                && m.contains("the 1.0 MB allowed") && m.contains("raise it with -Dx=SIZE"), m);
        assertEquals(1, m.lines().count(), m);
        assertDoesNotThrow(() -> MemoryEstimate.check(parameters, new MemoryEstimate.Limit(needed * 2, "", ""), "model.hidden"));
    }

    @Test
    void aNetworkNoModelFileCanHoldIsRefusedWhateverTheMemory() {
        assertDoesNotThrow(() -> MemoryEstimate.check(MemoryEstimate.MAX_PARAMETERS, NONE, "model.hidden"));
        String m = assertThrows(BadInputException.class,
                () -> MemoryEstimate.check(MemoryEstimate.MAX_PARAMETERS + 1, NONE, "model.hidden")).getMessage();
        assertTrue(m.startsWith("model.hidden: ") && m.contains("model file"), m);
    }

    @Test
    void aCountBeyondAnyMemorySaturatesInsteadOfWrappingAround() {
        assertEquals(Long.MAX_VALUE, MemoryEstimate.bytes(Long.MAX_VALUE / 4));
        assertThrows(BadInputException.class, () -> MemoryEstimate.check(Long.MAX_VALUE / 4,
                new MemoryEstimate.Limit(Long.MAX_VALUE - 1, "", ""), "model.hidden"));
    }

    @Test
    void thisJvmsLimitIsNoMoreThanTheMachinesMemory() {
        MemoryEstimate.Limit limit = MemoryEstimate.Limit.ofThisJvm();
        long machine = org.bytedeco.javacpp.Pointer.totalPhysicalBytes();
        assertTrue(limit.bytes() > 0 && (machine <= 0 || limit.bytes() <= machine), limit.toString());
        assertTrue(limit.what().contains("GB") || limit.what().contains("MB"), limit.what());
    }

    private static long estimate(int inputs, List<Integer> hidden, int classes) {
        return MemoryEstimate.bytes(MemoryEstimate.parameters(MlpFactory.conf(inputs, hidden, classes, 1e-3, 1)));
    }
}
