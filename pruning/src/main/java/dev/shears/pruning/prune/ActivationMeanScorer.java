package dev.shears.pruning.prune;

/** A unit's mean activation over the calibration data (for convolutions, also over positions): quiet units go first. */
public final class ActivationMeanScorer extends ActivationScorer {

    @Override
    public String name() {
        return "activation-mean";
    }

    @Override
    boolean perPosition() {
        return false;
    }

    @Override
    float unitScore(float[] samples) {
        double sum = 0;
        for (float s : samples) {
            sum += s;
        }
        return samples.length == 0 ? 0f : (float) (sum / samples.length);
    }
}
