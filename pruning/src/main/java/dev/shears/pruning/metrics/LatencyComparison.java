package dev.shears.pruning.metrics;

import dev.shears.pruning.model.Network;
import java.io.Serializable;

/**
 * Forward-pass latency of a model beside a reference (the dense base), measured under the same
 * conditions: in one thread, in alternating rounds that swap which of the two goes first, so that
 * whatever else the machine does in the meantime hits both alike. A speed-up is the reference's
 * median over the model's from the same measurement: a masked-only model shows about 1.0, a
 * physically smaller one its real gain.
 */
public final class LatencyComparison {

    /** Rounds of alternating timings; each round's figure is itself a median of repeated passes. */
    public static final int DEFAULT_ROUNDS = 5;

    private LatencyComparison() {
    }

    /** Median milliseconds of one forward pass at batch 1 and at batch 64. */
    public record Timing(double b1Ms, double b64Ms) implements Serializable {
    }

    /** The reference's and the model's timings from one measurement. */
    public record Compared(Timing reference, Timing model) implements Serializable {

        public double speedupB1() {
            return reference.b1Ms() / model.b1Ms();
        }

        public double speedupB64() {
            return reference.b64Ms() / model.b64Ms();
        }
    }

    /**
     * @param width  features of one example (flattened images for convolutional models)
     * @param rounds alternating rounds; the result is the median over rounds of each round's median
     */
    public static Compared compare(Network reference, Network model, int width, int rounds) {
        double[][] b1 = new double[2][rounds];
        double[][] b64 = new double[2][rounds];
        Network[] nets = {reference, model};
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < 2; k++) {
                int n = (round + k) % 2;
                b1[n][round] = Latency.medianMillis(nets[n], width, 1, 10, 21);
                b64[n][round] = Latency.medianMillis(nets[n], width, 64, 3, 11);
            }
        }
        return new Compared(new Timing(Latency.median(b1[0]), Latency.median(b64[0])),
                new Timing(Latency.median(b1[1]), Latency.median(b64[1])));
    }
}
