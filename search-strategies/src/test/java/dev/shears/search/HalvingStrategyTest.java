package dev.shears.search;

import static dev.shears.search.StrategyDriver.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class HalvingStrategyTest {

    private static final SearchSpace SPACE = new SearchSpace(List.of(
            new Dimension.Range("ratio", 0.0, 1.0, false),
            new Dimension.Choice("method", List.of("magnitude", "random"))));

    private static final Map<String, Object> NINE_EPOCHS = Map.of("minEpochs", 1, "maxEpochs", 9, "eta", 3);

    /** Quality peaks at ratio 0.3; more epochs raise every candidate's accuracy alike. */
    private static double quality(Candidate c) {
        double r = number(c, "ratio");
        return 1 - (r - 0.3) * (r - 0.3);
    }

    private static TrialResult learningCurve(Candidate c) {
        return StrategyDriver.ok(Map.of("val_accuracy", quality(c) * (1 - Math.pow(0.5, c.fidelity() + 1))));
    }

    private static HalvingStrategy halving(long budget, long epochBudget, Map<String, Object> options) {
        return new HalvingStrategy(SPACE, new StrategyConfig(budget, epochBudget, 42, 0, options));
    }

    @Test
    void rungsMultiplyEpochsByEtaUpToTheMaximum() {
        assertEquals(List.of(1, 3, 4), new Rungs(1, 4, 3).epochs());
        assertEquals(List.of(1, 3, 9), new Rungs(1, 9, 3).epochs());
        assertEquals(List.of(2, 4, 8, 10), new Rungs(2, 10, 2).epochs());
        assertEquals(List.of(5), new Rungs(5, 5, 3).epochs());
    }

    @Test
    void plannedEpochsCountOnlyWhatPromotionsAdd() {
        // 27 x 1, then 9 x (3 - 1), then 3 x (9 - 3)
        assertEquals(63, new Rungs(1, 9, 3).plannedEpochs(27));
        // one candidate climbs every rung: exactly maxEpochs
        assertEquals(4, new Rungs(1, 4, 3).plannedEpochs(1));
    }

    @Test
    void theBestCandidateReachesTheTopRung() {
        List<StrategyDriver.Trial> trials = StrategyDriver.run(halving(27, 0, NINE_EPOCHS), HalvingStrategyTest::learningCurve);

        List<Candidate> first = trials.stream().map(StrategyDriver.Trial::candidate).filter(c -> c.fidelity() == 1).toList();
        List<Candidate> top = trials.stream().map(StrategyDriver.Trial::candidate).filter(c -> c.fidelity() == 9).toList();
        assertEquals(27, first.size());
        assertEquals(9, trials.stream().filter(t -> t.candidate().fidelity() == 3).count());
        assertEquals(3, top.size());
        Candidate best = first.stream().max(Comparator.comparingDouble(HalvingStrategyTest::quality)).orElseThrow();
        assertTrue(top.stream().anyMatch(c -> c.params().equals(best.params())), "the best candidate was dropped");
        assertTrue(top.stream().allMatch(c -> c.params().get("ratio") instanceof Double r && Math.abs(r - 0.3) < 0.15));
    }

    @Test
    void promotedTrialsChainToTheTrialTheyContinue() {
        List<StrategyDriver.Trial> trials = StrategyDriver.run(halving(27, 0, NINE_EPOCHS), HalvingStrategyTest::learningCurve);
        Map<String, Candidate> byId = new HashMap<>();
        trials.forEach(t -> byId.put(t.candidate().id(), t.candidate()));

        for (StrategyDriver.Trial t : trials) {
            Candidate c = t.candidate();
            if (c.fidelity() == 1) {
                assertNull(c.parentId());
                continue;
            }
            Candidate parent = byId.get(c.parentId());
            assertNotNull(parent, c.id() + " continues an unknown trial");
            assertEquals(c.params(), parent.params());
            assertEquals(c.fidelity() == 3 ? 1 : 3, parent.fidelity());
            int rung = c.fidelity() == 3 ? 1 : 2;
            String root = parent.parentId() == null ? parent.id() : byId.get(parent.parentId()).id();
            assertEquals(root + "-r" + rung, c.id());
        }
    }

    @Test
    void spendsExactlyThePlannedEpochs() {
        HalvingStrategy strategy = halving(27, 0, NINE_EPOCHS);
        List<StrategyDriver.Trial> trials = StrategyDriver.run(strategy, HalvingStrategyTest::learningCurve);

        assertEquals(63, strategy.plannedEpochs());
        assertEquals(63, strategy.epochsProposed());
        assertEquals(63, additionalEpochs(trials));
    }

    @Test
    void anEpochBudgetShrinksTheFirstRungToFit() {
        HalvingStrategy strategy = halving(27, 40, NINE_EPOCHS);
        List<StrategyDriver.Trial> trials = StrategyDriver.run(strategy, HalvingStrategyTest::learningCurve);

        // 17 x 1 + 5 x 2 + 1 x 6 = 33 fits in 40; 18 candidates would need 18 + 12 + 12 = 42
        assertEquals(17, strategy.initialCandidates());
        assertEquals(33, strategy.plannedEpochs());
        assertTrue(new Rungs(1, 9, 3).plannedEpochs(18) > 40);
        assertEquals(33, strategy.epochsProposed());
        assertEquals(33, additionalEpochs(trials));
    }

    @Test
    void anEpochBudgetBelowOneClimbIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> halving(27, 8, NINE_EPOCHS));
        assertTrue(e.getMessage().contains("epochBudget"), e.getMessage());
    }

    @Test
    void asksNothingWhileARungIsOutstanding() {
        HalvingStrategy strategy = halving(9, 0, Map.of());
        List<Candidate> rung = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            rung.add(strategy.ask().orElseThrow());
        }
        assertTrue(strategy.ask().isEmpty());
        assertFalse(strategy.isFinished());
        for (Candidate c : rung.subList(0, 8)) {
            strategy.tell(c, learningCurve(c));
        }
        assertTrue(strategy.ask().isEmpty(), "promoted before the rung was complete");

        strategy.tell(rung.get(8), learningCurve(rung.get(8)));

        Candidate promoted = strategy.ask().orElseThrow();
        assertEquals(3, promoted.fidelity());
        assertEquals(rung.stream().max(Comparator.comparingDouble(HalvingStrategyTest::quality)).orElseThrow().id(),
                promoted.parentId());
    }

    @Test
    void failedAndDivergedTrialsAreNeverPromoted() {
        // the best region fails, then diverges: what gets promoted must come from elsewhere
        Function<Candidate, TrialResult> flaky = c -> {
            double r = number(c, "ratio");
            if (Math.abs(r - 0.3) < 0.1) {
                return TrialResult.failed(0);
            }
            if (Math.abs(r - 0.3) < 0.2) {
                return new TrialResult(TrialStatus.DIVERGED, Map.of("val_accuracy", 1.0), c.fidelity());
            }
            return learningCurve(c);
        };
        List<StrategyDriver.Trial> trials = StrategyDriver.run(halving(27, 0, NINE_EPOCHS), flaky);
        Map<String, StrategyDriver.Trial> byId = new HashMap<>();
        trials.forEach(t -> byId.put(t.candidate().id(), t));

        long promoted = trials.stream().filter(t -> t.candidate().parentId() != null).count();
        assertTrue(promoted > 0);
        assertTrue(trials.stream().anyMatch(t -> !t.result().ok()), "the objective should make some trials fail");
        for (StrategyDriver.Trial t : trials) {
            if (t.candidate().parentId() != null) {
                assertTrue(byId.get(t.candidate().parentId()).result().ok(), t.candidate().id() + " continues a failed trial");
            }
        }
    }

    @Test
    void aRungWithNoSuccessEndsTheSearch() {
        HalvingStrategy strategy = halving(9, 0, Map.of());
        List<StrategyDriver.Trial> trials = StrategyDriver.run(strategy, c -> TrialResult.failed(0));
        assertEquals(9, trials.size());
        assertEquals(9, strategy.epochsProposed());
    }

    @Test
    void ranksByAccuracyWhenTheMetricIsMissing() {
        HalvingStrategy strategy = halving(9, 0, Map.of());
        List<StrategyDriver.Trial> trials = StrategyDriver.run(strategy,
                c -> StrategyDriver.ok(Map.of("accuracy", quality(c))));

        Candidate best = trials.stream().map(StrategyDriver.Trial::candidate).filter(c -> c.parentId() == null)
                .max(Comparator.comparingDouble(HalvingStrategyTest::quality)).orElseThrow();
        Candidate top = trials.stream().map(StrategyDriver.Trial::candidate).filter(c -> c.fidelity() == 4)
                .findFirst().orElseThrow();
        assertEquals(best.params(), top.params());
    }

    @Test
    void theRungTableShowsEveryRungAndItsPromotions() {
        HalvingStrategy strategy = halving(9, 0, Map.of("minEpochs", 1, "maxEpochs", 3, "eta", 3));
        List<StrategyDriver.Trial> trials = StrategyDriver.run(strategy, HalvingStrategyTest::learningCurve);
        List<Map<String, Object>> rows = strategy.extraTables().get("rungs");

        assertEquals(trials.stream().map(t -> t.candidate().id()).toList(), rows.stream().map(r -> r.get("candidate")).toList());
        List<Object> parents = rows.stream().filter(r -> r.get("rung").equals(1)).map(r -> r.get("parent")).toList();
        assertEquals(3, parents.size());
        for (Map<String, Object> r : rows) {
            boolean promoted = parents.contains(r.get("candidate"));
            assertEquals(promoted ? "yes" : "no", r.get("promoted"));
            // halving decides when the whole rung of 9 is in
            assertEquals(promoted ? 9 : null, r.get("decided_at"));
        }
    }

    @Test
    void badOptionsAreNamed() {
        IllegalArgumentException eta = assertThrows(IllegalArgumentException.class, () -> halving(9, 0, Map.of("eta", 1)));
        assertTrue(eta.getMessage().contains("'eta'") && eta.getMessage().contains(">= 2"), eta.getMessage());
        IllegalArgumentException max = assertThrows(IllegalArgumentException.class,
                () -> halving(9, 0, Map.of("minEpochs", 5)));
        assertTrue(max.getMessage().contains("'maxEpochs'") && max.getMessage().contains(">= 5"), max.getMessage());
    }

    /** Epochs an engine spends: each trial's fidelity minus the fidelity of the trial it continues from. */
    private static long additionalEpochs(List<StrategyDriver.Trial> trials) {
        Map<String, Integer> fidelity = new HashMap<>();
        trials.forEach(t -> fidelity.put(t.candidate().id(), t.candidate().fidelity()));
        return trials.stream().mapToLong(t -> t.candidate().fidelity()
                - (t.candidate().parentId() == null ? 0 : fidelity.get(t.candidate().parentId()))).sum();
    }
}
