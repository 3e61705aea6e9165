package dev.shears.search;

import static dev.shears.search.StrategyDriver.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomStrategyTest {

    private static final SearchSpace CONTINUOUS = new SearchSpace(List.of(
            new Dimension.Range("lr", 1e-4, 1e-1, true),
            new Dimension.Range("ratio", 0.2, 0.9, false),
            new Dimension.Choice("method", List.of("magnitude", "random"))));

    private static List<Map<String, Object>> points(SearchSpace space, long budget, long seed) {
        return StrategyDriver.run(new RandomStrategy(space, StrategyDriver.config(budget, seed, Map.of())), c -> TrialResult.failed(0))
                .stream().map(t -> t.candidate().params()).toList();
    }

    @Test
    void sameSeedSamePointsOtherSeedOtherPoints() {
        assertEquals(points(CONTINUOUS, 20, 7), points(CONTINUOUS, 20, 7));
        assertNotEquals(points(CONTINUOUS, 20, 7), points(CONTINUOUS, 20, 8));
    }

    @Test
    void rangesAreSampledWithinBoundsAndLogRangesLogUniformly() {
        List<Map<String, Object>> points = points(CONTINUOUS, 2000, 1);
        assertEquals(2000, points.size());
        int belowMilli = 0;
        double ratioSum = 0;
        for (Map<String, Object> p : points) {
            double lr = (Double) p.get("lr");
            double ratio = (Double) p.get("ratio");
            assertTrue(lr >= 1e-4 && lr <= 1e-1, "lr out of range: " + lr);
            assertTrue(ratio >= 0.2 && ratio <= 0.9, "ratio out of range: " + ratio);
            belowMilli += lr < 1e-3 ? 1 : 0;
            ratioSum += ratio;
        }
        // log-uniform over three decades puts a third below 1e-3; uniform would put under 1%
        assertEquals(1.0 / 3, belowMilli / 2000.0, 0.04);
        assertEquals(0.55, ratioSum / 2000, 0.02);
    }

    @Test
    void aDiscreteSpaceIsCoveredOnceThenTheSearchStops() {
        SearchSpace space = new SearchSpace(List.of(
                new Dimension.Choice("a", List.of(1, 2, 3)),
                new Dimension.Choice("b", List.of("x", "y", "z", "w"))));

        List<Map<String, Object>> points = points(space, 100, 3);

        assertEquals(12, points.size());
        Set<Map<String, Object>> grid = new HashSet<>();
        for (long i = 0; i < space.gridSize(); i++) {
            grid.add(space.gridPoint(i));
        }
        assertEquals(grid, new HashSet<>(points));
    }

    @Test
    void aSmallBudgetOnADiscreteSpaceHasNoRepeats() {
        SearchSpace space = new SearchSpace(List.of(new Dimension.Choice("a", List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10))));
        List<Map<String, Object>> points = points(space, 9, 5);
        assertEquals(9, new HashSet<>(points).size());
    }

    @Test
    void findsTheOptimumOfASmoothObjective() {
        SearchSpace space = new SearchSpace(List.of(new Dimension.Range("ratio", 0.0, 1.0, false)));
        RandomStrategy strategy = new RandomStrategy(space, StrategyDriver.config(100, 11, Map.of()));

        StrategyDriver.Trial best = StrategyDriver.run(strategy, RandomStrategyTest::peakAtSixTenths).stream()
                .max(Comparator.comparingDouble(t -> t.result().metric("accuracy"))).orElseThrow();

        assertEquals(0.6, number(best.candidate(), "ratio"), 0.02);
    }

    @Test
    void findsTheExactOptimumOnAFineGrid() {
        List<Object> ratios = new ArrayList<>();
        for (int i = 0; i <= 100; i++) {
            ratios.add(i / 100.0);
        }
        SearchSpace space = new SearchSpace(List.of(new Dimension.Choice("ratio", ratios)));
        RandomStrategy strategy = new RandomStrategy(space, StrategyDriver.config(101, 11, Map.of()));

        StrategyDriver.Trial best = StrategyDriver.run(strategy, RandomStrategyTest::peakAtSixTenths).stream()
                .max(Comparator.comparingDouble(t -> t.result().metric("accuracy"))).orElseThrow();

        assertEquals(0.6, number(best.candidate(), "ratio"), 1e-12);
    }

    private static TrialResult peakAtSixTenths(Candidate c) {
        double ratio = number(c, "ratio");
        return StrategyDriver.ok(Map.of("accuracy", 1 - (ratio - 0.6) * (ratio - 0.6)));
    }
}
