package dev.shears.search;

import static dev.shears.search.StrategyDriver.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConstraintsTest {

    private static final Constraints AT_LEAST_2X_UNDER_1MS = Constraints.of(ordered("minCompression", 2, "maxLatencyB1Ms", 1.0));

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    /** Accuracy peaks at ratio 0.3, compression 1/(1-ratio): the most accurate candidates are below 2x. */
    private static TrialResult trial(Candidate c) {
        double r = number(c, "ratio");
        return StrategyDriver.ok(Map.of("val_accuracy", (1 - (r - 0.3) * (r - 0.3)) * (1 - Math.pow(0.5, c.fidelity() + 1)),
                "compression", 1 / (1 - r), "latency_b1_ms", 0.5));
    }

    private static final SearchSpace SPACE = new SearchSpace(List.of(new Dimension.Range("ratio", 0.0, 0.9, false)));

    private static StrategyConfig constrained(long budget, Map<String, Object> options) {
        return new StrategyConfig(budget, 0, 7, 0, options, Constraints.of(Map.of("minCompression", 2)));
    }

    @Test
    void feasibleOnlyWhenEveryLimitHoldsAndEveryFigureIsKnown() {
        assertEquals(List.of(), AT_LEAST_2X_UNDER_1MS.violated(Map.of("compression", 2.0, "latency_b1_ms", 1.0)));
        assertEquals(List.of("minCompression", "maxLatencyB1Ms"),
                AT_LEAST_2X_UNDER_1MS.violated(Map.of("compression", 1.5, "latency_b1_ms", 1.2)));
        assertEquals(List.of("maxLatencyB1Ms"), AT_LEAST_2X_UNDER_1MS.violated(Map.of("compression", 3.0)),
                "an unmeasured figure is not known to keep its limit");
        assertEquals(0.25 + 0.2, AT_LEAST_2X_UNDER_1MS.violation(Map.of("compression", 1.5, "latency_b1_ms", 1.2)), 1e-12);
        assertFalse(AT_LEAST_2X_UNDER_1MS.feasible(TrialResult.failed(0)));
        assertTrue(Constraints.NONE.feasible(StrategyDriver.ok(Map.of())));
    }

    @Test
    void badConstraintsAreNamedWithWhatIsAllowed() {
        String unknown = assertThrows(IllegalArgumentException.class, () -> Constraints.of(Map.of("maxLatency", 1)))
                .getMessage();
        assertTrue(unknown.contains("'maxLatency'") && unknown.contains("maxLatencyB64Ms"), unknown);
        String negative = assertThrows(IllegalArgumentException.class, () -> Constraints.of(Map.of("maxFlops", -1)))
                .getMessage();
        assertTrue(negative.contains("'maxFlops'") && negative.contains("> 0"), negative);
    }

    @Test
    void theBestNeverIncludeAnInfeasibleTrial() {
        SelectionMetric metric = new SelectionMetric(SelectionMetric.DEFAULT, Constraints.of(Map.of("minCompression", 2)));
        List<TrialResult> results = List.of(
                StrategyDriver.ok(Map.of("val_accuracy", 0.9, "compression", 1.5)),
                StrategyDriver.ok(Map.of("val_accuracy", 0.8, "compression", 4.0)),
                StrategyDriver.ok(Map.of("val_accuracy", 0.7, "compression", 2.0)));
        assertEquals(List.of(1, 2), metric.best(results, 3));
    }

    @Test
    void halvingAndAshaNeverPromoteAnInfeasibleTrial() {
        Map<String, Object> rungs = Map.of("minEpochs", 1, "maxEpochs", 9, "eta", 3);
        for (SearchStrategy s : List.of(new HalvingStrategy(SPACE, constrained(27, rungs)),
                new AshaStrategy(SPACE, constrained(27, rungs)))) {
            List<StrategyDriver.Trial> trials = StrategyDriver.run(s, ConstraintsTest::trial, 4, 1);
            List<StrategyDriver.Trial> promoted = trials.stream().filter(t -> t.candidate().parentId() != null).toList();
            assertFalse(promoted.isEmpty(), s.name());
            assertTrue(promoted.stream().allMatch(t -> t.result().metric("compression") >= 2), s.name()
                    + " promoted a trial below 2x although the most accurate ones are");
        }
    }

    @Test
    void theRungTableSaysWhetherEachTrialKeepsTheConstraints() {
        Map<String, Object> rungs = Map.of("minEpochs", 1, "maxEpochs", 9, "eta", 3);
        for (SearchStrategy s : List.of(new HalvingStrategy(SPACE, constrained(9, rungs)),
                new AshaStrategy(SPACE, constrained(9, rungs)))) {
            Map<String, Double> compression = new HashMap<>();
            StrategyDriver.run(s, ConstraintsTest::trial, 2, 1)
                    .forEach(t -> compression.put(t.candidate().id(), t.result().metric("compression")));
            List<Map<String, Object>> rows = s.extraTables().get("rungs");
            assertEquals(List.of("rung", "epochs", "candidate", "parent", "status", "val_accuracy", "constraints_ok",
                    "violates", "promoted", "decided_at"), List.copyOf(rows.get(0).keySet()), s.name());
            assertTrue(rows.stream().anyMatch(r -> r.get("constraints_ok") == Boolean.FALSE), s.name());
            for (Map<String, Object> r : rows) {
                boolean feasible = compression.get((String) r.get("candidate")) >= 2;
                assertEquals(feasible, r.get("constraints_ok"), s.name() + " " + r);
                assertEquals(feasible ? null : "minCompression", r.get("violates"), s.name() + " " + r);
                if (!feasible) {
                    assertEquals("no", r.get("promoted"), s.name() + " " + r);
                }
            }
        }
    }

    @Test
    void tpeModelsTheFeasibleRegionAsGood() {
        TpeStrategy tpe = new TpeStrategy(SPACE, constrained(40, Map.of("startup", 8, "parallel", 1)));
        List<StrategyDriver.Trial> trials = StrategyDriver.run(tpe, ConstraintsTest::trial);
        long feasibleLate = trials.subList(20, 40).stream().filter(t -> t.result().metric("compression") >= 2).count();
        assertTrue(feasibleLate >= 14, "TPE kept proposing infeasible points: " + feasibleLate + " of 20 feasible");
    }

    @Test
    void nsga2DominatesByConstraintsFirst() {
        Nsga2Strategy nsga2 = new Nsga2Strategy(SPACE, new StrategyConfig(48, 0, 3, 0,
                Map.of("objectives", List.of("val_accuracy", "-latency_b1_ms"), "population", 8),
                Constraints.of(Map.of("minCompression", 2))));
        List<StrategyDriver.Trial> trials = StrategyDriver.run(nsga2, ConstraintsTest::trial);
        assertTrue(trials.stream().anyMatch(t -> t.result().metric("compression") < 2));
        List<Candidate> front = nsga2.paretoFront();
        assertEquals(1, front.size(), "equal latency: the most accurate feasible candidate alone is on the front");
        assertTrue(number(front.get(0), "ratio") >= 0.5 && number(front.get(0), "ratio") < 0.55,
                "the front is the feasible candidate nearest the unconstrained optimum: " + front.get(0).params());
    }
}
