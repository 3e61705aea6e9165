package dev.shears.pruning.metrics;

import dev.shears.pruning.model.Network;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Forward-pass latency: the median of repeated timed passes after a warm-up. */
public final class Latency {

    private Latency() {
    }

    /** Median milliseconds of one forward pass of {@code batch} examples of {@code width} features. */
    public static double medianMillis(Network net, int width, int batch, int warmup, int repeats) {
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, batch, width);
        for (int i = 0; i < warmup; i++) {
            net.output(x);
        }
        double[] t = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            net.output(x);
            t[i] = (System.nanoTime() - start) / 1e6;
        }
        return median(t);
    }

    public static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
