package dev.shears.pruning.prune;

/**
 * How many units (neurons, filters, channels) structural pruning leaves in a layer: a multiple of
 * {@code multiple} in every layer wider than that, the nearest one to what the ratio asks for, and never fewer
 * than {@code atLeast}. Vector kernels such as oneDNN's compute channels in blocks of 8 (AVX2) or 16 (AVX-512):
 * a layer of 17 filters costs what one of 24 does, so only whole blocks removed make a network faster.
 */
public record KeptUnits(int atLeast, int multiple) {

    /** No floor and no rounding: what granularities of single weights get. */
    static final KeptUnits ANY = new KeptUnits(0, 1);

    public KeptUnits {
        if (atLeast < 0) {
            throw new IllegalArgumentException("at least " + atLeast + " units: need 0 or more");
        }
        if (multiple < 1) {
            throw new IllegalArgumentException("a multiple of " + multiple + " units: need 1 or more");
        }
    }

    /** At least {@code n} units, any number of them. */
    public static KeptUnits atLeast(int n) {
        return new KeptUnits(n, 1);
    }

    /** The units a layer of {@code units} keeps where the ratio alone would keep {@code kept}. */
    int target(int kept, int units) {
        int rounded = kept;
        if (units > multiple) {
            rounded = (int) Math.min(units, Math.max(multiple, Math.round((double) kept / multiple) * multiple));
        }
        return Math.min(units, Math.max(rounded, atLeast));
    }

    /** Moves a layer's keep flags to {@link #target}: units added by highest score, removed by lowest. */
    void adjust(boolean[] keep, float[] scores) {
        int kept = Selection.count(keep);
        int target = target(kept, keep.length);
        if (target > kept) {
            Selection.keepAtLeast(keep, scores, target);
        } else if (target < kept) {
            Selection.keepAtMost(keep, scores, target);
        }
    }
}
