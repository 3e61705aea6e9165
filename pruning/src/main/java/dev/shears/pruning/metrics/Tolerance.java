package dev.shears.pruning.metrics;

import java.io.Serializable;
import java.util.Locale;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * How far below the base model a candidate may fall on the selection split and still be chosen, and how far the
 * adaptive schedule may prune before it stops: one rule for both. A drop measured
 * on a few thousand rows is noisy, and choosing the most compressed candidate whose measured drop is within the
 * tolerance favours candidates whose drop was measured too low; with a {@code confidence} above 0.5 the drop
 * plus that many standard errors of its paired estimate ({@link PairedDrop}) must be
 * within instead: at 0.9, the true drop is within with 90% one-sided confidence.
 *
 * @param maxAccuracyDrop the largest drop allowed, as a fraction (0.01 = one point)
 * @param confidence      one-sided confidence in [0.5, 1); 0.5 compares the measured drop itself
 */
public record Tolerance(double maxAccuracyDrop, double confidence) implements Serializable {

    /** The measured drop itself, with no allowance for its noise. */
    public static final double POINT = 0.5;

    /** A tolerance on the measured drop itself. */
    public static Tolerance of(double maxAccuracyDrop) {
        return new Tolerance(maxAccuracyDrop, POINT);
    }

    /** Standard errors added to the drop: the standard normal quantile of the confidence. */
    public double z() {
        return confidence <= POINT ? 0 : new NormalDistribution(null, 0, 1).inverseCumulativeProbability(confidence);
    }

    /**
     * The drop that is compared with the tolerance: the measured one, plus z standard errors with a confidence
     * (NaN when the error is unknown then, so such a candidate is not chosen).
     */
    public double bound(double drop, double stdError) {
        double z = z();
        return z == 0 ? drop : drop + z * stdError;
    }

    /** Whether a drop is within (allowing for the rounding of the drop's subtraction). */
    public boolean admits(double drop, double stdError) {
        return bound(drop, stdError) <= maxAccuracyDrop + 1e-12;
    }

    /** The rule's condition in words, after "whose", for accuracy on the split named {@code split}. */
    public String describe(String split) {
        String within = "is at most " + maxAccuracyDrop + " below the base model's";
        return z() == 0 ? split + " accuracy " + within
                : split + " accuracy " + within + " with " + String.format(Locale.ROOT, "%.3g", confidence)
                + " one-sided confidence (the drop plus " + String.format(Locale.ROOT, "%.2f", z())
                + " standard errors of its paired estimate)";
    }
}
