package dev.shears.pruning.metrics;

import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import dev.shears.pruning.prune.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Simulated post-training int8 quantisation: every weight array is mapped symmetrically to
 * integers in [-127, 127] with one scale per layer, {@code max|w| / 127}, and back to floats, so
 * a float network computes what the int8 one would. Biases and other parameters stay float32.
 */
public final class Int8Quantization {

    private static final int LEVELS = 127;

    private Int8Quantization() {
    }

    /** A copy of the network with quantised-then-dequantised weights; the network itself is untouched. */
    public static Network quantizedCopy(Network net) {
        Network copy = net.copy();
        for (PrunableLayer l : copy.prunable()) {
            INDArray w = l.weights(copy);
            w.assign(Nd4j.create(roundTrip(Arrays.floats(w)), w.shape(), 'c').castTo(w.dataType()));
        }
        return copy;
    }

    /** Weights rounded to the nearest of 255 levels {@code k * max|w| / 127}; zeros stay zero. */
    static float[] roundTrip(float[] w) {
        float scale = scale(w);
        if (scale == 0) {
            return w.clone();
        }
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = code(w[i], scale) * scale;
        }
        return out;
    }

    /** The array's quantisation step, {@code max|w| / 127}; 0 for an array of zeros. */
    public static float scale(float[] w) {
        float max = 0;
        for (float x : w) {
            max = Math.max(max, Math.abs(x));
        }
        return max / LEVELS;
    }

    /** The integer in [-127, 127] that stands for {@code x} at this step (non-zero step). */
    public static byte code(float x, float scale) {
        return (byte) Math.max(-LEVELS, Math.min(LEVELS, Math.round(x / scale)));
    }

    /**
     * Bytes to store the quantised model: for each weight array the smaller of dense int8 (one
     * byte a weight) and sparse int8 (a one-bit presence bitmap plus one byte per weight that is
     * non-zero after rounding), plus its 4-byte float32 scale; every other parameter as float32.
     */
    public static long sizeBytes(Network net) {
        Set<String> weightKeys = new HashSet<>();
        long bytes = 0;
        for (PrunableLayer l : net.prunable()) {
            weightKeys.add(l.weightKey());
            float[] q = roundTrip(Arrays.floats(l.weights(net)));
            long nonzero = 0;
            for (float x : q) {
                nonzero += x != 0f ? 1 : 0;
            }
            bytes += Math.min(q.length, nonzero + (q.length + 7) / 8) + 4;
        }
        for (Map.Entry<String, INDArray> e : net.paramTable().entrySet()) {
            if (!weightKeys.contains(e.getKey())) {
                bytes += e.getValue().length() * 4;
            }
        }
        return bytes;
    }
}
