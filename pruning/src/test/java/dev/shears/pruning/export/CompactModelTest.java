package dev.shears.pruning.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.metrics.Int8Quantization;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import dev.shears.pruning.model.ResNetFactory;
import dev.shears.pruning.prune.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CompactModelTest {

    /** Zeroes all but {@code keep} of every weight array's entries, at random places (gaps of every length). */
    private static Network pruned(Network net, double keep, long seed) {
        Random r = new Random(seed);
        for (PrunableLayer l : net.prunable()) {
            INDArray w = l.weights(net);
            float[] v = Arrays.floats(w);
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextDouble() < keep ? v[i] : 0f;
            }
            w.assign(Nd4j.create(v, w.shape(), 'c').castTo(w.dataType()));
        }
        return net;
    }

    /** Read back, every parameter is the int8 copy's to the bit: weights quantised, the rest exact. */
    private static void assertSameAsInt8Copy(Network net) {
        Network read = CompactModel.read(CompactModel.write(net));
        Network int8 = Int8Quantization.quantizedCopy(net);
        assertEquals(int8.configurationJson(), read.configurationJson());
        for (Map.Entry<String, INDArray> e : int8.paramTable().entrySet()) {
            float[] expected = Arrays.floats(e.getValue());
            float[] actual = Arrays.floats(read.getParam(e.getKey()));
            assertEquals(expected.length, actual.length, e.getKey());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                        e.getKey() + "[" + i + "]: " + expected[i] + " read back as " + actual[i]);
            }
        }
    }

    @Test
    void aPrunedChainReadsBackAsItsInt8Copy() {
        assertSameAsInt8Copy(pruned(Network.of(MlpFactory.build(40, List.of(30, 20), 5, 1e-3, 1)), 0.1, 2));
    }

    @Test
    void aDenseChainAndAGraphReadBackToo() {
        assertSameAsInt8Copy(Network.of(MlpFactory.build(12, List.of(9), 3, 1e-3, 3)));
        assertSameAsInt8Copy(pruned(Network.of(ResNetFactory.resnetSmall(1, 12, 12, 4, 1e-3, 4)), 0.3, 5));
    }

    /** Gaps of 256 and more take filler entries; a weight after a long run of zeros lands where it was. */
    @Test
    void longRunsOfZerosKeepTheirPlaces() {
        Network net = Network.of(MlpFactory.build(64, List.of(32), 4, 1e-3, 6));
        for (PrunableLayer l : net.prunable()) {
            INDArray w = l.weights(net);
            float[] v = new float[(int) w.length()];
            v[0] = 0.5f;
            v[17] = -0.25f;
            v[v.length / 2] = 0.75f;
            v[v.length - 1] = 1f;
            w.assign(Nd4j.create(v, w.shape(), 'c').castTo(w.dataType()));
        }
        Network read = CompactModel.read(CompactModel.write(net));
        float[] first = Arrays.floats(read.prunable().get(0).weights(read));
        assertEquals(1, first[first.length - 1], 1e-6);
        assertEquals(0.5f, first[0], 1f / 127);
        assertEquals(-0.25f, first[17], 1f / 127);
        assertEquals(0.75f, first[first.length / 2], 1f / 127);
        assertEquals(4, java.util.stream.IntStream.range(0, first.length).filter(i -> first[i] != 0).count());
    }

    /** At most a byte of gap and a byte of value per kept weight, less once deflated: 5% kept is over 40x. */
    @Test
    void aHeavilyPrunedNetworkTakesUnderTwoBytesPerKeptWeight() {
        Network net = pruned(Network.of(MlpFactory.build(784, List.of(300, 100), 10, 1e-3, 7)), 0.05, 8);
        long kept = net.prunable().stream().mapToLong(l -> {
            float[] v = Arrays.floats(l.weights(net));
            return java.util.stream.IntStream.range(0, v.length).filter(i -> v[i] != 0).count();
        }).sum();
        int size = CompactModel.write(net).length;
        long biases = 4L * (300 + 100 + 10);
        assertTrue(size < 2 * kept + biases + 2_000, size + " bytes for " + kept + " weights");
        assertTrue(size * 40L < net.numParams() * 4, "more than 40x below float32: " + size);
    }

    @Test
    void otherBytesAreBadInput() {
        assertThrows(BadInputException.class, () -> CompactModel.read(new byte[] {1, 2, 3}));
        byte[] model = CompactModel.write(Network.of(MlpFactory.build(4, List.of(3), 2, 1e-3, 9)));
        assertArrayEquals(model, CompactModel.write(CompactModel.read(model)), "a read model writes the same bytes");
    }
}
