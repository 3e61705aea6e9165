package dev.shears.pruning.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The radix selection against a plain sort of (score, position): the same indices in the same order. */
class SelectionTest {

    @Test
    void lowestIsTheSortedOrderWithTiesByPosition() {
        SplittableRandom random = new SplittableRandom(11);
        float[] special = {0f, -0f, Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.MIN_VALUE,
                -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f};
        for (int round = 0; round < 20; round++) {
            int n = 1 + random.nextInt(5000);
            float[] scores = new float[n];
            for (int i = 0; i < n; i++) {
                int kind = random.nextInt(4);
                scores[i] = kind == 0 ? special[random.nextInt(special.length)]
                        : kind == 1 ? random.nextInt(7) - 3 // many ties
                        : (float) random.nextGaussian() * (float) Math.pow(10, random.nextInt(-30, 30));
            }
            int k = random.nextInt(n + 2);
            assertArrayEquals(bySorting(scores, k), Selection.lowest(scores, k), "round " + round);
        }
    }

    private static int[] bySorting(float[] scores, int k) {
        Comparator<Integer> order = Comparator.comparingDouble(i -> {
            float s = scores[i];
            return Float.isNaN(s) ? Float.NEGATIVE_INFINITY : s == 0f ? 0f : s;
        });
        return IntStream.range(0, scores.length).boxed().sorted(order.thenComparingInt(i -> i))
                .limit(Math.max(0, Math.min(k, scores.length))).mapToInt(Integer::intValue).toArray();
    }
}
