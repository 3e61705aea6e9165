package dev.shears.pruning.metrics;

import dev.shears.pruning.model.Network;
import dev.shears.pruning.train.ComputePath;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Forward-pass latency: the median of repeated timed passes after a warm-up. */
public final class Latency {

    private Latency() {
    }

    /**
     * Median milliseconds of one forward pass of {@code batch} examples of {@code width} random features, on
     * the compute path that evaluates the network ({@link ComputePath#of}).
     */
    public static double medianMillis(Network net, int width, int batch, int warmup, int repeats) {
        float[] x = new float[batch * width];
        SplittableRandom random = new SplittableRandom(batch);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        try (ComputePath.Pass pass = ComputePath.of(net).pass(net, batch, x)) {
            for (int i = 0; i < warmup; i++) {
                pass.run();
            }
            double[] t = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long start = System.nanoTime();
                pass.run();
                t[i] = (System.nanoTime() - start) / 1e6;
            }
            return median(t);
        }
    }

    public static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
