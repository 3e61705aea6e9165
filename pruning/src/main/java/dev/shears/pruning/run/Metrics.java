package dev.shears.pruning.run;

import dev.shears.pruning.metrics.LatencyComparison;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The table's figures for one network, measured the same way for the base row and for candidates
 * ({@link Measurement}). Drops are the base accuracy minus this network's, on the same split.
 *
 * @param sparsity      share of zero weights in the pruned layers
 * @param modelSparsity share of zero parameters in the whole network
 * @param compression   base parameters over this network's non-zero parameters
 * @param accuracyDropSe    the standard error of {@code accuracyDrop}, paired on the test rows
 *                          ({@link dev.shears.pruning.metrics.PairedDrop}); 0 for the base itself
 * @param valAccuracyDropSe the same for {@code valAccuracyDrop}; NaN without a validation split
 * @param flops         multiply-adds of one forward pass, counting only non-zero weights
 * @param sizeCompactBytes the {@link dev.shears.pruning.export.CompactModel} file: relative indices, int8 values
 * @param int8          the simulated int8 copy's figures, or null when it was not measured
 * @param latency       the forward pass's latency, or null when it was not measured
 * @param layerSparsity share of zero weights per prunable layer
 */
public record Metrics(double sparsity, double modelSparsity, long paramsTotal, long paramsNonzero, double compression,
                      double accuracy, double accuracyDrop, double accuracyDropSe, double loss, double valAccuracy,
                      double valAccuracyDrop, double valAccuracyDropSe, long flops, double flopsReduction,
                      long sizeDenseBytes, long sizeSparseBytes, long sizeCompactBytes,
                      Int8 int8, Latency latency,
                      Map<String, Double> layerSparsity) implements Serializable {

    public Metrics {
        layerSparsity = Collections.unmodifiableMap(new LinkedHashMap<>(layerSparsity));
    }

    /**
     * The int8 copy's test accuracy, its drop from the base accuracy and its file size (see
     * {@link dev.shears.pruning.metrics.Int8Quantization#sizeBytes}).
     */
    public record Int8(double accuracy, double accuracyDrop, long sizeBytes) implements Serializable {
    }

    /**
     * Forward-pass latency on the base model's scale: a candidate's figure is the base's, timed alone before the
     * search, over the candidate's speed-up, which its trial measured beside the base under the same conditions
     * ({@link LatencyComparison}). Trials run side by side and slow each other down, so a candidate's own timing
     * in its trial is not comparable with another trial's; the ratio of two timings taken together is.
     *
     * @param b1Ms       milliseconds of a pass over one example
     * @param b64Ms      milliseconds of a pass over 64 examples
     * @param speedupB1  the base's time over this network's, at batch 1
     * @param speedupB64 the same at batch 64
     * @param source     where the figures come from
     * @param seconds    the time spent timing (0 when nothing was timed)
     */
    public record Latency(double b1Ms, double b64Ms, double speedupB1, double speedupB64, Source source,
                          double seconds) implements Serializable {

        /** Where a row's latency comes from. */
        public enum Source {
            /** The base model, timed alone before the search: the scale of every other figure. */
            REFERENCE,
            /** A physically smaller network, timed in its trial in alternating rounds with the base. */
            PAIRED,
            /** A masked-only network: the base's shapes, so the base's work, speed-up 1 by construction. */
            AS_BASE;

            /** As the table shows it: {@code reference}, {@code paired}, {@code as-base}. */
            public String label() {
                return name().toLowerCase(Locale.ROOT).replace('_', '-');
            }
        }

        /** The base model's own figures. */
        public static Latency reference(LatencyComparison.Timing base, double seconds) {
            return new Latency(base.b1Ms(), base.b64Ms(), 1, 1, Source.REFERENCE, seconds);
        }

        /** A network with the base's shapes: it does the base's work. */
        public static Latency asBase(LatencyComparison.Timing base) {
            return new Latency(base.b1Ms(), base.b64Ms(), 1, 1, Source.AS_BASE, 0);
        }

        /** A smaller network, from its speed-ups over the base timed beside it. */
        public static Latency paired(LatencyComparison.Timing base, LatencyComparison.Compared timed, double seconds) {
            return paired(base, timed.speedupB1(), timed.speedupB64(), seconds);
        }

        private static Latency paired(LatencyComparison.Timing base, double speedupB1, double speedupB64,
                                      double seconds) {
            return new Latency(base.b1Ms() / speedupB1, base.b64Ms() / speedupB64, speedupB1, speedupB64,
                    Source.PAIRED, seconds);
        }

        /**
         * The same speed-ups on another base figure: a result measured by an earlier run (a resumed or cached trial)
         * on this run's scale.
         */
        public Latency on(LatencyComparison.Timing base) {
            return switch (source) {
                case REFERENCE -> reference(base, seconds);
                case AS_BASE -> asBase(base);
                case PAIRED -> paired(base, speedupB1, speedupB64, seconds);
            };
        }
    }

    /** The same figures with the sparsity of another view of the network (the masked one, for a shrunk model). */
    public Metrics withSparsity(double newSparsity, Map<String, Double> newLayerSparsity) {
        return new Metrics(newSparsity, modelSparsity, paramsTotal, paramsNonzero, compression, accuracy, accuracyDrop,
                accuracyDropSe, loss, valAccuracy, valAccuracyDrop, valAccuracyDropSe, flops, flopsReduction,
                sizeDenseBytes, sizeSparseBytes, sizeCompactBytes, int8, latency, newLayerSparsity);
    }

    /** The same figures with this latency. */
    public Metrics withLatency(Latency newLatency) {
        return new Metrics(sparsity, modelSparsity, paramsTotal, paramsNonzero, compression, accuracy, accuracyDrop,
                accuracyDropSe, loss, valAccuracy, valAccuracyDrop, valAccuracyDropSe, flops, flopsReduction,
                sizeDenseBytes, sizeSparseBytes, sizeCompactBytes, int8, newLatency, layerSparsity);
    }
}
