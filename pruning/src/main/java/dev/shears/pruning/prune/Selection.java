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
        flip(keep, scores, false, atLeast - count(keep));
    }

    /** Drops kept groups, lowest scores first, until at most {@code atMost} are kept. */
    public static void keepAtMost(boolean[] keep, float[] scores, int atMost) {
        flip(keep, scores, true, count(keep) - atMost);
    }

    /** Flips {@code n} flags that equal {@code from}: kept ones lowest score first, dropped ones highest first. */
    private static void flip(boolean[] keep, float[] scores, boolean from, int n) {
        if (n <= 0) {
            return;
        }
        // only the flags that can flip are ranked, so that no score ties with the ones left out
        int[] at = new int[scores.length];
        float[] order = new float[scores.length];
        int candidates = 0;
        for (int i = 0; i < scores.length; i++) {
            if (keep[i] == from) {
                at[candidates] = i;
                order[candidates++] = from ? scores[i] : -scores[i];
            }
        }
        for (int c : lowest(Arrays.copyOf(order, candidates), n)) {
            keep[at[c]] = !from;
        }
    }

    /** How many flags are set. */
    static int count(boolean[] keep) {
        int kept = 0;
        for (boolean k : keep) {
            kept += k ? 1 : 0;
        }
        return kept;
    }

    /**
     * Indices of the {@code k} lowest scores, lowest first, equal scores by position (NaN counts as
     * lowest). A stable least-significant-digit radix sort of the scores' bits, a byte per pass:
     * four linear passes where sorting the million-odd weights of a network took most of a
     * pruning step.
     */
    public static int[] lowest(float[] scores, int k) {
        int n = scores.length;
        int count = Math.max(0, Math.min(k, n));
        int[] keys = new int[n];
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            float s = Float.isNaN(scores[i]) ? Float.NEGATIVE_INFINITY : scores[i];
            // flipping the sign bit turns signed int order into the unsigned order the passes sort by
            keys[i] = sortableBits(s) ^ Integer.MIN_VALUE;
            index[i] = i;
        }
        int[] keysOut = new int[n];
        int[] indexOut = new int[n];
        for (int shift = 0; shift < Integer.SIZE; shift += 8) {
            int[] start = new int[257];
            for (int key : keys) {
                start[((key >>> shift) & 0xff) + 1]++;
            }
            for (int d = 0; d < 256; d++) {
                start[d + 1] += start[d];
            }
            for (int i = 0; i < n; i++) {
                int at = start[(keys[i] >>> shift) & 0xff]++;
                keysOut[at] = keys[i];
                indexOut[at] = index[i];
            }
            int[] t = keys;
            keys = keysOut;
            keysOut = t;
            t = index;
            index = indexOut;
            indexOut = t;
        }
        return Arrays.copyOf(index, count);
    }

    /** Float bits mapped so that signed int order equals float order. */
    private static int sortableBits(float f) {
        int bits = Float.floatToIntBits(f == 0f ? 0f : f);
        return bits >= 0 ? bits : bits ^ 0x7fffffff;
    }
}
