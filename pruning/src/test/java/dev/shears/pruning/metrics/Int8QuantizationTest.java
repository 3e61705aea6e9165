package dev.shears.pruning.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class Int8QuantizationTest {

    @Test
    void roundTripUsesAt255LevelsAndErrsByHalfAStepAtMost() {
        float[] w = new float[1000];
        Random r = new Random(1);
        for (int i = 0; i < w.length; i++) {
            w[i] = i % 7 == 0 ? 0 : (float) r.nextGaussian();
        }
        w[3] = -5f;
        float[] q = Int8Quantization.roundTrip(w);
        float step = 5f / 127;
        Set<Float> levels = new HashSet<>();
        for (int i = 0; i < w.length; i++) {
            assertTrue(Math.abs(q[i] - w[i]) <= step / 2 + 1e-6, "weight " + i);
            levels.add(q[i]);
            if (w[i] == 0) {
                assertEquals(0f, q[i]);
            }
        }
        assertEquals(-5f, q[3], 1e-6f);
        assertTrue(levels.size() <= 255);
    }

    @Test
    void sizeCountsSparseOrDenseInt8WeightsAScaleAndFloatBiases() {
        Network net = Network.of(MlpFactory.build(3, List.of(2), 2, 1e-3, 1));
        net.getParam("0_W").assign(Nd4j.create(new float[][] {{0, 0}, {0.5f, 0}, {0, 0}}));
        // W0: 1 non-zero + 1 bitmap byte (< 6 dense) + 4 scale; W1: 4 dense (< 4 + 1) + 4; biases: 4 floats
        assertEquals(2 + 4 + 4 + 4 + 16, Int8Quantization.sizeBytes(net));
    }

    @Test
    void quantizedCopyLeavesTheNetworkAlone() {
        Network net = Network.of(MlpFactory.build(6, List.of(5), 3, 1e-3, 1));
        float[] before = Arrays.floats(net.params());
        Network q = Int8Quantization.quantizedCopy(net);
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(Arrays.floats(net.params())));
        assertNotEquals(net.params(), q.params());
        assertEquals(net.getParam("0_b"), q.getParam("0_b"), "biases stay float32");
    }
}
