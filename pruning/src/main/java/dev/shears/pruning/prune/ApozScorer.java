package dev.shears.pruning.prune;

/**
 * 1 - APoZ, the average percentage of zeros of a unit's post-ReLU activations over the
 * calibration data, every feature-map position counting for convolutions (Hu et al., 2016):
 * units that are mostly off go first.
 */
public final class ApozScorer extends ActivationScorer {

    @Override
    public String name() {
        return "apoz";
    }

    @Override
    boolean perPosition() {
        return true;
    }

    @Override
    float unitScore(float[] samples) {
        int zeros = 0;
        for (float s : samples) {
            zeros += s == 0f ? 1 : 0;
        }
        return samples.length == 0 ? 0f : 1f - (float) zeros / samples.length;
    }
}
