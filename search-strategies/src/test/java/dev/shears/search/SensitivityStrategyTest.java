package dev.shears.search;

import static dev.shears.search.StrategyDriver.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SensitivityStrategyTest {

    private static final SearchSpace SPACE = new SearchSpace(List.of(
            new Dimension.Choice("method", List.of("magnitude", "random")),
            new Dimension.Choice("layers", List.of("all")),
            new Dimension.Range("ratio", 0.5, 0.9, false),
            new Dimension.Choice("schedule", List.of("adaptive", "oneshot")),
            new Dimension.Choice("epochs", List.of(3, 6))));

    private static final double BASE = 0.9;
    /** Accuracy lost at ratio r is k * r^3: conv1 is fragile, fc1 barely cares, fc2 is in between. */
    private static final Map<String, Double> FRAGILITY = Map.of("conv1", 0.5, "fc1", 0.01, "fc2", 0.1);

    private static Map<String, Object> options() {
        Map<String, Object> options = new HashMap<>();
        options.put("layers", List.of("conv1", "fc1", "fc2"));
        options.put("layerSizes", List.of(1000, 10000, 2000));
        options.put("baseAccuracy", BASE);
        return options;
    }

    private static SensitivityStrategy sensitivity(Map<String, Object> options) {
        return new SensitivityStrategy(SPACE, new StrategyConfig(13, 0, 1, 0, options));
    }

    /** A probe loses its layer's share; the final candidate loses the sum over its layer ratios. */
    private static TrialResult probe(Candidate c) {
        Map<?, ?> ratios = c.get("layerRatios") instanceof Map<?, ?> m ? m : Map.of(c.get("layers"), c.get("ratio"));
        double lost = 0;
        for (Map.Entry<?, ?> e : ratios.entrySet()) {
            double r = (Double) e.getValue();
            lost += FRAGILITY.get((String) e.getKey()) * r * r * r;
        }
        return StrategyDriver.ok(Map.of("val_accuracy", BASE - lost));
    }

    @Test
    void prunesTheInsensitiveLayersHardestAndHitsTheTargetSparsity() {
        SensitivityStrategy strategy = sensitivity(options());
        StrategyDriver.run(strategy, SensitivityStrategyTest::probe);

        Map<String, Double> ratios = strategy.allocation();
        assertEquals(List.of("conv1", "fc1", "fc2"), new ArrayList<>(ratios.keySet()));
        assertTrue(ratios.get("fc1") > ratios.get("fc2") && ratios.get("fc2") > ratios.get("conv1"), ratios.toString());
        // per weight fc1 is the cheapest all the way to the cap (9800 weights); the 600 still needed come
        // from fc2, ten times cheaper per weight than conv1
        assertEquals(Map.of("conv1", 0.0, "fc1", 0.98, "fc2", 0.3), ratios);
        double weightedMean = (1000 * ratios.get("conv1") + 10000 * ratios.get("fc1") + 2000 * ratios.get("fc2")) / 13000;
        assertEquals(0.8, weightedMean, 0.01);
        ratios.values().forEach(r -> assertTrue(r >= 0 && r <= 0.98, ratios.toString()));
    }

    @Test
    void scansEachLayerAloneThenProposesTheAllocation() {
        SensitivityStrategy strategy = sensitivity(options());
        List<StrategyDriver.Trial> trials = StrategyDriver.run(strategy, SensitivityStrategyTest::probe);

        assertEquals(13, trials.size());
        List<Candidate> probes = trials.stream().map(StrategyDriver.Trial::candidate)
                .filter(c -> "oneshot".equals(c.get("schedule"))).toList();
        assertEquals(12, probes.size());
        for (Candidate c : probes) {
            assertEquals(0, c.fidelity());
            assertEquals(0, c.get("epochs"));
            assertEquals("magnitude", c.get("method"));
            assertTrue(FRAGILITY.containsKey((String) c.get("layers")));
        }
        Candidate last = trials.stream().map(StrategyDriver.Trial::candidate)
                .filter(c -> "adaptive".equals(c.get("schedule"))).findFirst().orElseThrow();
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("method", "magnitude");
        expected.put("layers", "all");
        expected.put("ratio", 0.8);
        expected.put("schedule", "adaptive");
        expected.put("epochs", 3);
        expected.put("layerRatios", strategy.allocation());
        assertEquals(expected, last.params());
        assertTrue(last.get("layerRatios") instanceof LinkedHashMap);
    }

    @Test
    void theScanTableHasOneRowPerLayerAndRatio() {
        SensitivityStrategy strategy = sensitivity(options());
        assertTrue(strategy.scanTable().isEmpty());
        StrategyDriver.run(strategy, SensitivityStrategyTest::probe, 5, 9);

        List<SensitivityStrategy.ScanRow> table = strategy.scanTable();
        assertEquals(12, table.size());
        SensitivityStrategy.ScanRow first = table.get(0);
        assertEquals("conv1", first.layer());
        assertEquals(0.3, first.ratio());
        assertEquals(BASE - 0.5 * 0.027, first.accuracy(), 1e-12);
        assertEquals(0.5 * 0.027, first.drop(), 1e-12);
        SensitivityStrategy.ScanRow last = table.get(11);
        assertEquals("fc2", last.layer());
        assertEquals(0.9, last.ratio());
        assertEquals(0.1 * 0.729, last.drop(), 1e-12);
    }

    @Test
    void waitsForTheWholeScanBeforeAllocating() {
        SensitivityStrategy strategy = sensitivity(options());
        List<Candidate> probes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            probes.add(strategy.ask().orElseThrow());
        }
        assertTrue(strategy.ask().isEmpty());
        probes.subList(0, 11).forEach(c -> strategy.tell(c, probe(c)));
        assertTrue(strategy.ask().isEmpty());
        assertFalse(strategy.isFinished());
        assertTrue(strategy.allocation().isEmpty());

        strategy.tell(probes.get(11), probe(probes.get(11)));

        assertEquals("all", strategy.ask().orElseThrow().get("layers"));
        assertTrue(strategy.isFinished());
    }

    @Test
    void aLayerWhoseProbesFailIsSparedAndAccuracyStandsInForAMissingMetric() {
        Function<Candidate, TrialResult> objective = c -> {
            if ("fc1".equals(c.get("layers")) && number(c, "ratio") > 0.6) {
                return TrialResult.failed(0);
            }
            return StrategyDriver.ok(Map.of("accuracy", probe(c).metric("val_accuracy")));
        };
        Map<String, Object> options = options();
        options.put("layerSizes", List.of(1000, 1000, 1000));
        SensitivityStrategy strategy = sensitivity(options);
        StrategyDriver.run(strategy, objective);

        assertTrue(Double.isNaN(strategy.scanTable().get(7).accuracy()));
        assertEquals(BASE - 0.5 * 0.027, strategy.scanTable().get(0).accuracy(), 1e-12);
        Map<String, Double> ratios = strategy.allocation();
        assertTrue(ratios.get("fc1") < ratios.get("fc2"), ratios.toString());
        assertEquals(0.8, (ratios.get("conv1") + ratios.get("fc1") + ratios.get("fc2")) / 3, 0.01);
    }

    @Test
    void badOptionsAreNamed() {
        Map<String, Object> noBase = options();
        noBase.remove("baseAccuracy");
        assertMessage(noBase, "'baseAccuracy'");
        Map<String, Object> sizes = options();
        sizes.put("layerSizes", List.of(1000, 2000));
        assertMessage(sizes, "'layerSizes'");
        Map<String, Object> target = options();
        target.put("targetSparsity", 1.0);
        assertMessage(target, "'targetSparsity' must be a number in [0.01, 0.98]");
        IllegalArgumentException budget = assertThrows(IllegalArgumentException.class,
                () -> new SensitivityStrategy(SPACE, new StrategyConfig(12, 0, 1, 0, options())));
        assertTrue(budget.getMessage().contains("budget 12") && budget.getMessage().contains("13"), budget.getMessage());
    }

    private static void assertMessage(Map<String, Object> options, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sensitivity(options));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
