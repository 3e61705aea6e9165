package dev.shears.pruning.metrics;

import dev.shears.pruning.model.Network;
import java.io.Serializable;
import java.util.Arrays;

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
     * How many rounds a measurement takes: at least {@code min}, then more, up to {@code max}, while fewer than
     * {@code budgetSeconds} have passed since it started. A time budget keeps the cost of a big network bounded
     * and lets a small one take more rounds for the same cost.
     */
    public record Rounds(int min, int max, double budgetSeconds) implements Serializable {

        public Rounds {
            if (min < 1 || max < min) {
                throw new IllegalArgumentException("rounds: need 1 <= min <= max, got " + min + " and " + max);
            }
        }

        /** Exactly {@code rounds} rounds, however long they take. */
        public static Rounds exactly(int rounds) {
            return new Rounds(rounds, rounds, 0);
        }
    }

    /**
     * @param width  features of one example (flattened images for convolutional models)
     * @param rounds alternating rounds; the result is the median over rounds of each round's median
     */
    public static Compared compare(Network reference, Network model, int width, int rounds) {
        return compare(reference, model, width, Rounds.exactly(rounds));
    }

    /** As {@link #compare(Network, Network, int, int)}, with as many rounds as {@code rounds} allows. */
    public static Compared compare(Network reference, Network model, int width, Rounds rounds) {
        double[][][] figures = new double[2][2][rounds.max()];
        Network[] nets = {reference, model};
        long deadline = System.nanoTime() + (long) (rounds.budgetSeconds() * 1e9);
        int done = 0;
        while (done < rounds.max() && (done < rounds.min() || System.nanoTime() < deadline)) {
            for (int k = 0; k < 2; k++) {
                int n = (done + k) % 2;
                time(nets[n], width, figures[n], done);
            }
            done++;
        }
        return new Compared(median(figures[0], done), median(figures[1], done));
    }

    /** The network alone, {@code rounds} times: the median over rounds of each round's median. */
    public static Timing time(Network net, int width, int rounds) {
        double[][] figures = new double[2][rounds];
        for (int round = 0; round < rounds; round++) {
            time(net, width, figures, round);
        }
        return median(figures, rounds);
    }

    /** One round of a network: its median pass at batch 1 and at batch 64, into {@code figures[b][round]}. */
    private static void time(Network net, int width, double[][] figures, int round) {
        figures[0][round] = Latency.medianMillis(net, width, 1, 10, 21);
        figures[1][round] = Latency.medianMillis(net, width, 64, 3, 11);
    }

    private static Timing median(double[][] figures, int rounds) {
        return new Timing(Latency.median(Arrays.copyOf(figures[0], rounds)),
                Latency.median(Arrays.copyOf(figures[1], rounds)));
    }
}
