package dev.shears.pruning.prune;

import dev.shears.pruning.Registry;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How one layer's group scores are scaled before a global threshold ranks the groups of all
 * layers together. A unit's score sums its weights' scores, so it grows with the layer's fan-in,
 * and raw unit scores would rank a narrow layer below a wide one as a whole. Dividing each layer's
 * scores by a positive scale of their own makes units compete by how they stand in their layer;
 * it keeps every layer's order, so layerwise selection is unaffected.
 *
 * <p>The scale is taken over the magnitudes of the finite scores only: groups pruned before
 * (-inf) and NaN scores keep their value and so still rank lowest. A layer whose scale is zero or
 * not finite (nothing left, all scores zero) keeps its raw scores.
 */
public enum Normalizer {
    /** Raw scores. */
    NONE,
    /** Divided by the mean: a layer's typical group scores 1 (Torch-Pruning's default). */
    MEAN,
    /** Divided by the largest: every layer's best group scores 1. */
    MAX,
    /** Divided by the sum: shares of the layer's total importance, so groups of wide layers score less. */
    SUM,
    /** Divided by the L2 norm of the layer's group scores. */
    L2;

    private static final Registry<Normalizer> BY_NAME = new Registry<>("normalizer");

    static {
        for (Normalizer n : values()) {
            BY_NAME.register(n.label(), () -> n);
        }
    }

    /** The name used in specs and in the table's {@code normalizer} column. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Set<String> names() {
        return BY_NAME.names();
    }

    public static Optional<Normalizer> find(String name) {
        return BY_NAME.find(name);
    }

    /**
     * {@code mean} for structural granularities, whose summed scores depend on fan-in; {@code none}
     * for single weights, as classic global magnitude pruning compares raw |w| across layers (the
     * {@code lamp} scorer is the layer-adaptive alternative).
     */
    public static Normalizer defaultFor(Granularity granularity) {
        return granularity.structural() ? MEAN : NONE;
    }

    /** The scores divided by this normaliser's scale of them (the array itself when there is nothing to scale). */
    public float[] apply(float[] scores) {
        int count = 0;
        double sum = 0;
        double max = 0;
        double squares = 0;
        for (float s : scores) {
            if (Float.isFinite(s)) {
                double a = Math.abs(s);
                count++;
                sum += a;
                max = Math.max(max, a);
                squares += a * a;
            }
        }
        double scale = switch (this) {
            case NONE -> 1;
            case MEAN -> sum / count;
            case MAX -> max;
            case SUM -> sum;
            case L2 -> Math.sqrt(squares);
        };
        if (scale == 1 || !(scale > 0) || Double.isInfinite(scale)) {
            return scores;
        }
        float[] out = new float[scores.length];
        for (int i = 0; i < scores.length; i++) {
            out[i] = (float) (scores[i] / scale);
        }
        return out;
    }
}
