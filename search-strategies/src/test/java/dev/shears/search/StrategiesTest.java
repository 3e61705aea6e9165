package dev.shears.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrategiesTest {

    private static final SearchSpace SPACE = new SearchSpace(List.of(
            new Dimension.Choice("method", List.of("magnitude", "random")),
            new Dimension.Range("ratio", 0.1, 0.95, false),
            new Dimension.Choice("epochs", List.of(1, 2))));

    private static final Map<String, Object> OPTIONS = Map.of(
            "layers", List.of("conv1", "fc1"), "layerSizes", List.of(500, 5000), "baseAccuracy", 0.9,
            "maxEpochs", 9);

    /** The shared options a strategy reads: each refuses the others. */
    private static Map<String, Object> optionsOf(String name) {
        Map<String, Object> own = new java.util.HashMap<>(OPTIONS);
        own.keySet().retainAll(Strategies.options(name));
        return own;
    }

    /** Accuracy falls with the ratio, compression rises: a trade-off every strategy can work on. */
    private static TrialResult tradeOff(Candidate c) {
        double ratio = StrategyDriver.number(c, "ratio");
        double accuracy = 0.9 - 0.3 * ratio * ratio * ("random".equals(c.get("method")) ? 2 : 1);
        return StrategyDriver.ok(Map.of("accuracy", accuracy, "compression", 1 / (1 - ratio)));
    }

    @Test
    void everyStrategyIsRegisteredUnderItsName() {
        assertEquals(List.of("grid", "random", "halving", "asha", "tpe", "nsga2", "sensitivity"), List.copyOf(Strategies.names()));
        SearchSpace discrete = new SearchSpace(List.of(new Dimension.Choice("ratio", List.of(0.5, 0.9))));
        for (String name : Strategies.names()) {
            assertEquals(name, Strategies.create(name, discrete, StrategyDriver.config(40, 1, optionsOf(name))).name());
        }
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Strategies.create("bayes", SPACE, StrategyDriver.config(10, 1, Map.of())));
        assertTrue(e.getMessage().contains("'bayes'") && e.getMessage().contains("halving, asha, tpe, nsga2"), e.getMessage());
    }

    @Test
    void optionsWrittenAsTextAreAccepted() {
        SearchStrategy halving = Strategies.create("halving", SPACE,
                StrategyDriver.config(9, 1, Map.of("eta", "3", "maxEpochs", "9", "metric", "accuracy")));
        // 9 x 1 + 3 x (3 - 1) + 1 x (9 - 3)
        assertEquals(21, ((HalvingStrategy) halving).plannedEpochs());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Strategies.create("halving", SPACE, StrategyDriver.config(9, 1, Map.of("eta", "three"))));
        assertEquals("option 'eta' must be an integer >= 2, got 'three'", e.getMessage());
    }

    @Test
    void anOptionTheStrategyDoesNotReadIsRefusedWithTheOnesItDoes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Strategies.create("halving", SPACE, StrategyDriver.config(9, 1, Map.of("etaa", 3))));
        assertEquals("unknown option 'etaa' of strategy halving (allowed: eta, maxEpochs, metric, minEpochs)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Strategies.create("nsga2", SPACE, StrategyDriver.config(9, 1, Map.of("eta", 3))));
        assertTrue(e.getMessage().contains("'eta'") && e.getMessage().contains("objectives, population"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Strategies.create("random", SPACE, StrategyDriver.config(9, 1, Map.of("eta", 3))));
        assertTrue(e.getMessage().contains("allowed: none"), e.getMessage());
    }

    /** Engines finish trials in any order; the proposals must not depend on it. */
    @ParameterizedTest
    @ValueSource(strings = {"random", "halving", "asha", "tpe", "nsga2", "sensitivity"})
    void proposalsDoNotDependOnTheOrderResultsArriveIn(String name) {
        List<String> sequential = proposals(name, 1, 0);
        assertEquals(sequential, proposals(name, 4, 17));
        assertEquals(sequential, proposals(name, 30, 23));
    }

    private static List<String> proposals(String name, int slots, long finishSeed) {
        SearchStrategy strategy = Strategies.create(name, SPACE, StrategyDriver.config(24, 3, optionsOf(name)));
        return StrategyDriver.run(strategy, StrategiesTest::tradeOff, slots, finishSeed).stream()
                .map(StrategyDriver.Trial::candidate)
                .sorted(Comparator.comparing(Candidate::id))
                .map(c -> c.id() + " " + c.params() + " " + c.fidelity() + " " + c.parentId())
                .toList();
    }
}
