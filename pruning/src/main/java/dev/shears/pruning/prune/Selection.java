package dev.shears.pruning.prune;

import java.util.Arrays;

/** Picks the lowest-scoring entries exactly, ties broken by position so results are reproducible. */
public final class Selection {

    private Selection() {
    }

    /** Keep flags with the {@code prune} lowest scores set to false. */
    public static boolean[] keepAllButLowest(float[] scores, int prune) {
        boolean[] keep = new boolean[scores.length];
        Arrays.fill(keep, true);
        for (int i : lowest(scores, prune)) {
            keep[i] = false;
        }
        return keep;
    }

    /** Keeps further groups, highest scores first, until at least {@code atLeast} are kept. */
    public static void keepAtLeast(boolean[] keep, float[] scores, int atLeast) {
        int kept = 0;
        for (boolean k : keep) {
            kept += k ? 1 : 0;
        }
        if (kept >= atLeast) {
            return;
        }
        float[] negated = new float[scores.length];
        for (int i = 0; i < scores.length; i++) {
            negated[i] = keep[i] ? Float.POSITIVE_INFINITY : -scores[i];
        }
        for (int i : lowest(negated, atLeast - kept)) {
            keep[i] = true;
        }
    }

    /** Indices of the {@code k} lowest scores (NaN counts as lowest). */
    public static int[] lowest(float[] scores, int k) {
        int n = scores.length;
        int count = Math.max(0, Math.min(k, n));
        // sort (score, index) pairs packed into longs: fast and stable without boxing
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            float s = Float.isNaN(scores[i]) ? Float.NEGATIVE_INFINITY : scores[i];
            keys[i] = ((long) sortableBits(s) << 32) | (i & 0xffffffffL);
        }
        Arrays.sort(keys);
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = (int) (keys[i] & 0xffffffffL);
        }
        return out;
    }

    /** Float bits mapped so that signed int order equals float order. */
    private static int sortableBits(float f) {
        int bits = Float.floatToIntBits(f == 0f ? 0f : f);
        return bits >= 0 ? bits : bits ^ 0x7fffffff;
    }
}
