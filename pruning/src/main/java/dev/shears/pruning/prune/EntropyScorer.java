package dev.shears.pruning.prune;

/**
 * Entropy of a unit's activation distribution over the calibration examples (Luo and Wu, 2017):
 * values (for convolutions, each example's spatial mean of the feature map) are binned into
 * {@value #BINS} equal-width bins between their minimum and maximum, and
 * {@code H = -sum p ln p} over the bins. A unit that barely varies carries little information
 * and goes first; a constant unit scores 0.
 */
public final class EntropyScorer extends ActivationScorer {

    static final int BINS = 16;

    @Override
    public String name() {
        return "entropy";
    }

    @Override
    boolean perPosition() {
        return false;
    }

    @Override
    float unitScore(float[] samples) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float s : samples) {
            min = Math.min(min, s);
            max = Math.max(max, s);
        }
        if (!(max > min)) {
            return 0f;
        }
        int[] counts = new int[BINS];
        for (float s : samples) {
            counts[Math.min(BINS - 1, (int) ((s - min) / (max - min) * BINS))]++;
        }
        double h = 0;
        for (int c : counts) {
            if (c > 0) {
                double p = (double) c / samples.length;
                h -= p * Math.log(p);
            }
        }
        return (float) h;
    }
}
