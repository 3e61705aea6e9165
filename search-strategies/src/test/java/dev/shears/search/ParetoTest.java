package dev.shears.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParetoTest {

    private static final double INF = Double.POSITIVE_INFINITY;

    // 0..2 trade off, 3 is beaten by 1, 4 by 3, 5 equals 2
    private static final List<double[]> POINTS = List.of(
            new double[] {1, 5}, new double[] {2, 4}, new double[] {4, 1},
            new double[] {2, 2}, new double[] {1, 1}, new double[] {4, 1});

    @Test
    void dominanceNeedsAStrictImprovement() {
        assertTrue(Pareto.dominates(new double[] {2, 4}, new double[] {2, 2}));
        assertFalse(Pareto.dominates(new double[] {4, 1}, new double[] {4, 1}));
        assertFalse(Pareto.dominates(new double[] {1, 5}, new double[] {2, 4}));
    }

    @Test
    void sortsIntoSuccessiveFronts() {
        List<List<Integer>> fronts = Pareto.fronts(POINTS);

        assertEquals(3, fronts.size());
        assertEquals(Set.of(0, 1, 2, 5), new HashSet<>(fronts.get(0)));
        assertEquals(List.of(3), fronts.get(1));
        assertEquals(List.of(4), fronts.get(2));
        assertEquals(new HashSet<>(fronts.get(0)), new HashSet<>(Pareto.front(POINTS)));
    }

    @Test
    void crowdingIsInfiniteAtTheEndsAndSumsNormalisedGapsInside() {
        List<double[]> points = List.of(new double[] {1, 5}, new double[] {2, 4}, new double[] {3, 2}, new double[] {5, 1});

        double[] crowding = Pareto.crowding(points, List.of(0, 1, 2, 3));

        // point 1: (3 - 1) / 4 + (5 - 2) / 4; point 2: (5 - 2) / 4 + (4 - 1) / 4
        assertArrayEquals(new double[] {INF, 1.25, 1.5, INF}, crowding, 1e-12);
    }

    @Test
    void smallFrontsAreAllBoundary() {
        assertArrayEquals(new double[] {INF, INF}, Pareto.crowding(POINTS, List.of(0, 2)));
        assertEquals(0, Pareto.crowding(POINTS, List.of()).length);
        assertTrue(Pareto.fronts(List.of()).isEmpty());
    }
}
