package dev.shears.pruning.metrics;

import java.util.BitSet;

/**
 * How sure an accuracy drop measured on a few thousand rows is. Base and candidate are scored on the same rows,
 * so the drop is the mean of a per-row difference (1 where only the base is right, -1 where only the candidate
 * is, 0 where they agree); its standard error counts only the rows they disagree on, and is far smaller than
 * that of two independent accuracies.
 */
public final class PairedDrop {

    private PairedDrop() {
    }

    /**
     * The standard error of the accuracy drop from {@code base} to {@code candidate} on the same {@code rows}
     * (each set marks the rows its network predicted right); NaN for fewer than two rows.
     */
    public static double stdError(BitSet base, BitSet candidate, int rows) {
        if (rows < 2) {
            return Double.NaN;
        }
        BitSet onlyBase = (BitSet) base.clone();
        onlyBase.andNot(candidate);
        BitSet onlyCandidate = (BitSet) candidate.clone();
        onlyCandidate.andNot(base);
        double lost = onlyBase.cardinality();
        double gained = onlyCandidate.cardinality();
        double mean = (lost - gained) / rows;
        // sample variance of the per-row differences, whose squares are 1 exactly where the two disagree
        double variance = Math.max(0, (lost + gained - rows * mean * mean) / (rows - 1));
        return Math.sqrt(variance / rows);
    }
}
