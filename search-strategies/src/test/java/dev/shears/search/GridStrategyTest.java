package dev.shears.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GridStrategyTest {

    private static final SearchSpace SPACE = new SearchSpace(List.of(
            new Dimension.Choice("method", List.of("magnitude", "random")),
            new Dimension.Choice("ratio", List.of(0.5, 0.7, 0.9))));

    @Test
    void walksTheGridWithTheLastDimensionFastest() {
        List<StrategyDriver.Trial> trials = StrategyDriver.run(new GridStrategy(SPACE, 100, 2), c -> TrialResult.failed(0));

        List<String> seen = trials.stream().map(t -> t.candidate().id() + "=" + t.candidate().params()).toList();
        assertEquals(List.of(
                "c0000={method=magnitude, ratio=0.5}", "c0001={method=magnitude, ratio=0.7}",
                "c0002={method=magnitude, ratio=0.9}", "c0003={method=random, ratio=0.5}",
                "c0004={method=random, ratio=0.7}", "c0005={method=random, ratio=0.9}"), seen);
        trials.forEach(t -> assertEquals(2, t.candidate().fidelity()));
    }

    @Test
    void stopsAtTheBudget() {
        GridStrategy grid = new GridStrategy(SPACE, 4, 0);
        List<StrategyDriver.Trial> trials = StrategyDriver.run(grid, c -> TrialResult.failed(0));

        assertEquals(4, trials.size());
        assertEquals(Map.of("method", "random", "ratio", 0.5), trials.get(3).candidate().params());
    }

    @Test
    void walksSeveralSpacesOneAfterAnother() {
        SearchSpace schedules = new SearchSpace(List.of(new Dimension.Choice("schedule", List.of("iterative", "gradual"))));
        List<StrategyDriver.Trial> trials = StrategyDriver.run(new GridStrategy(List.of(SPACE, schedules), 100, 0),
                c -> TrialResult.failed(0));

        assertEquals(8, trials.size());
        assertEquals(Map.of("method", "random", "ratio", 0.9), trials.get(5).candidate().params());
        assertEquals(Map.of("schedule", "iterative"), trials.get(6).candidate().params());
        assertEquals("c0007", trials.get(7).candidate().id());
    }

    @Test
    void refusesRanges() {
        SearchSpace space = new SearchSpace(List.of(new Dimension.Range("lr", 1e-4, 1e-2, true)));
        assertThrows(IllegalArgumentException.class, () -> new GridStrategy(space, 10, 0));
    }

    @Test
    void gridSizeSaturatesInsteadOfOverflowing() {
        List<Dimension> dims = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            dims.add(new Dimension.Choice("d" + i, new ArrayList<>(Collections.nCopies(100, (Object) i))));
        }
        assertEquals(Long.MAX_VALUE, new SearchSpace(dims).gridSize());
    }
}
