package dev.shears.search;

import static dev.shears.search.StrategyDriver.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class AshaStrategyTest {

    private static final SearchSpace SPACE = new SearchSpace(List.of(
            new Dimension.Range("ratio", 0.0, 1.0, false),
            new Dimension.Choice("method", List.of("magnitude", "random"))));

    private static final Map<String, Object> NINE_EPOCHS = Map.of("minEpochs", 1, "maxEpochs", 9, "eta", 3);

    /** Quality peaks at ratio 0.3; more epochs raise every candidate's accuracy alike. */
    private static TrialResult learningCurve(Candidate c) {
        double r = number(c, "ratio");
        double quality = 1 - (r - 0.3) * (r - 0.3);
        return StrategyDriver.ok(Map.of("val_accuracy", quality * (1 - Math.pow(0.5, c.fidelity() + 1))));
    }

    /** Fixed scores by the index of the rung-0 candidate a trial descends from. */
    private static Function<Candidate, TrialResult> scores(double... byRoot) {
        return c -> StrategyDriver.ok(Map.of("val_accuracy",
                byRoot[Integer.parseInt(c.id().substring(1, 5))] + c.fidelity() / 1000.0));
    }

    private static AshaStrategy asha(long budget, long epochBudget, Map<String, Object> options) {
        return new AshaStrategy(SPACE, new StrategyConfig(budget, epochBudget, 42, 0, options));
    }

    @Test
    void promotesAsSoonAsACandidateIsInTheTopThirdOfItsRung() {
        AshaStrategy strategy = asha(9, 0, NINE_EPOCHS);
        Function<Candidate, TrialResult> objective = scores(0.5, 0.9, 0.7, 0.95, 0.1, 0.2, 0.3, 0.4, 0.6);
        List<Candidate> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            first.add(strategy.ask().orElseThrow());
        }
        strategy.tell(first.get(0), objective.apply(first.get(0)));
        strategy.tell(first.get(1), objective.apply(first.get(1)));
        Candidate fourth = strategy.ask().orElseThrow();
        assertEquals("c0003", fourth.id(), "two results of three promote nothing: a new candidate starts");

        strategy.tell(first.get(2), objective.apply(first.get(2)));
        Candidate promoted = strategy.ask().orElseThrow();
        assertEquals(new Candidate("c0001-r1", first.get(1).params(), 3, "c0001"), promoted);

        strategy.tell(fourth, objective.apply(fourth));
        Candidate next = strategy.ask().orElseThrow();
        assertEquals("c0003-r1", next.id(), "the fourth result is the best of four: promoted at once");
        assertEquals("c0004", strategy.ask().orElseThrow().id());
    }

    @Test
    void asksNeverComeBackEmptyWhileNewCandidatesRemain() {
        AshaStrategy strategy = asha(12, 0, NINE_EPOCHS);
        for (int i = 0; i < 12; i++) {
            assertEquals(CandidateIds.of(i), strategy.ask().orElseThrow().id());
        }
        assertTrue(strategy.ask().isEmpty(), "the budget is spent and no result is in");
        assertFalse(strategy.isFinished(), "outstanding results may still promote");
    }

    @Test
    void theBudgetCountsNewCandidatesAndPromotionsComeOnTop() {
        AshaStrategy strategy = asha(27, 0, NINE_EPOCHS);
        List<StrategyDriver.Trial> trials = StrategyDriver.run(strategy, AshaStrategyTest::learningCurve, 4, 5);

        assertEquals(27, trials.stream().filter(t -> t.candidate().parentId() == null).count());
        assertTrue(trials.stream().filter(t -> t.candidate().fidelity() == 3).count() >= 9);
        assertTrue(trials.stream().anyMatch(t -> t.candidate().fidelity() == 9));
        assertEquals(additionalEpochs(trials), strategy.epochsProposed());
    }

    @Test
    void anEpochBudgetIsNeverExceededWhateverOrderResultsArriveIn() {
        for (long seed = 0; seed < 5; seed++) {
            AshaStrategy strategy = asha(27, 40, NINE_EPOCHS);
            List<StrategyDriver.Trial> trials = StrategyDriver.run(strategy, AshaStrategyTest::learningCurve, 5, seed);
            // halving's schedule fits 17 candidates in 40 epochs (17 x 1 + 5 x 2 + 1 x 6 = 33)
            assertEquals(17, strategy.initialCandidates());
            assertTrue(additionalEpochs(trials) <= 40, "epochs spent: " + additionalEpochs(trials));
            assertEquals(additionalEpochs(trials), strategy.epochsProposed());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> asha(27, 8, NINE_EPOCHS));
        assertTrue(e.getMessage().contains("epochBudget"), e.getMessage());
    }

    @Test
    void aSmallEpochBudgetStillTakesTheBestCandidateToTheLastRung() {
        Map<String, Object> sixEpochs = Map.of("minEpochs", 1, "maxEpochs", 6, "eta", 3);
        List<String> first = null;
        for (long seed = 0; seed < 5; seed++) {
            AshaStrategy strategy = asha(12, 14, sixEpochs);
            List<StrategyDriver.Trial> trials = StrategyDriver.run(strategy, AshaStrategyTest::learningCurve, 4, seed);
            // halving's schedule fits 7 candidates in 14 epochs: 7 x 1, 2 x 2 more, and 1 x 3 more, though the
            // second rung's 2 trials are fewer than eta
            assertEquals(7, strategy.initialCandidates());
            assertEquals(14, additionalEpochs(trials), "the whole budget, whatever order results arrive in");
            List<String> last = trials.stream().filter(t -> t.candidate().fidelity() == 6)
                    .map(t -> t.candidate().id()).toList();
            assertEquals(1, last.size(), "the best of the second rung reaches the last");
            first = first == null ? last : first;
            assertEquals(first, last);
        }
    }

    @Test
    void resultsArrivingOutOfOrderGiveTheSameTrialsAndRungs() {
        List<String> sequential = trials(1, 0);
        assertEquals(sequential, trials(4, 17));
        assertEquals(sequential, trials(7, 3));
        assertEquals(sequential, trials(40, 23));
        assertEquals(rungTable(1, 0), rungTable(5, 9));
    }

    @Test
    void reversedTellsGiveTheSameProposalsAsTellsInOrder() {
        List<String> inOrder = proposals(false);
        assertEquals(inOrder, proposals(true));
        assertTrue(inOrder.stream().anyMatch(p -> p.contains("-r")), "something was promoted");
    }

    @Test
    void aLargerBudgetKeepsEveryTrialOfTheSmallerRun() {
        List<String> small = trials(asha(10, 0, NINE_EPOCHS), 3, 1);
        List<String> large = trials(asha(30, 0, NINE_EPOCHS), 3, 2);
        assertTrue(large.containsAll(small), "an extension would run again " + small.stream().filter(t -> !large.contains(t)).toList());
        assertTrue(large.size() > small.size());
    }

    @Test
    void failedAndDivergedTrialsAreNeverPromoted() {
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
        List<StrategyDriver.Trial> trials = StrategyDriver.run(asha(27, 0, NINE_EPOCHS), flaky, 3, 7);
        Map<String, StrategyDriver.Trial> byId = new HashMap<>();
        trials.forEach(t -> byId.put(t.candidate().id(), t));

        assertTrue(trials.stream().anyMatch(t -> !t.result().ok()), "the objective should make some trials fail");
        assertTrue(trials.stream().anyMatch(t -> t.candidate().parentId() != null));
        for (StrategyDriver.Trial t : trials) {
            if (t.candidate().parentId() != null) {
                assertTrue(byId.get(t.candidate().parentId()).result().ok(), t.candidate().id() + " continues a failed trial");
            }
        }
    }

    @Test
    void theRungTableShowsEveryTrialAndWhenItsPromotionWasDecided() {
        AshaStrategy strategy = asha(6, 0, Map.of("minEpochs", 1, "maxEpochs", 3, "eta", 3));
        StrategyDriver.run(strategy, scores(0.5, 0.9, 0.7, 0.95, 0.1, 0.2));
        List<Map<String, Object>> rows = strategy.extraTables().get("rungs");

        assertEquals(List.of("rung", "epochs", "candidate", "parent", "status", "val_accuracy", "promoted", "decided_at"),
                List.copyOf(rows.get(0).keySet()));
        assertEquals(List.of("c0000", "c0001", "c0002", "c0003", "c0004", "c0005", "c0001-r1", "c0003-r1"),
                rows.stream().map(r -> r.get("candidate")).toList());
        // c0001 led after 3 results, c0003 after 4; the 6th result raised the quota to 2, both already in
        assertEquals(List.of("no", "yes", "no", "yes", "no", "no", "no", "no"), rows.stream().map(r -> r.get("promoted")).toList());
        assertEquals(Arrays.asList(null, 3, null, 4, null, null, null, null), rows.stream().map(r -> r.get("decided_at")).toList());
        Map<String, Object> top = rows.get(7);
        assertEquals(1, top.get("rung"));
        assertEquals(3, top.get("epochs"));
        assertEquals("c0003", top.get("parent"));
        assertEquals(TrialStatus.OK, top.get("status"));
        assertEquals(0.953, (Double) top.get("val_accuracy"), 1e-12);
        assertNull(rows.get(0).get("parent"));
    }

    @Test
    void fewerResultsThanEtaPromoteNothing() {
        List<StrategyDriver.Trial> trials = StrategyDriver.run(asha(2, 0, NINE_EPOCHS), AshaStrategyTest::learningCurve);
        assertEquals(2, trials.size());
    }

    @Test
    void badOptionsAreNamed() {
        IllegalArgumentException eta = assertThrows(IllegalArgumentException.class, () -> asha(9, 0, Map.of("eta", 1)));
        assertTrue(eta.getMessage().contains("'eta'") && eta.getMessage().contains(">= 2"), eta.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> Strategies.create("asha", SPACE, StrategyDriver.config(9, 1, Map.of("population", 8))));
        assertTrue(unknown.getMessage().contains("eta, gamma, maxEpochs, metric, minEpochs, parallel, sampler"),
                unknown.getMessage());
        IllegalArgumentException sampler = assertThrows(IllegalArgumentException.class,
                () -> asha(9, 0, Map.of("sampler", "bayes")));
        assertEquals("option 'sampler' must be random or tpe, got 'bayes'", sampler.getMessage());
        IllegalArgumentException tpeOnly = assertThrows(IllegalArgumentException.class,
                () -> asha(9, 0, Map.of("gamma", 0.2)));
        assertEquals("option 'gamma' is read only with sampler: tpe", tpeOnly.getMessage());
    }

    @Test
    void theTpeSamplerDrawsNewCandidatesAndTheTrialsStillFollowFromTheResults() {
        Map<String, Object> tpe = new HashMap<>(NINE_EPOCHS);
        tpe.putAll(Map.of("sampler", "tpe", "startup", 6));
        List<String> sequential = trials(asha(30, 0, tpe), 1, 0);
        assertEquals(sequential, trials(asha(30, 0, tpe), 4, 17));
        assertEquals(sequential, trials(asha(30, 0, tpe), 40, 23));
        assertEquals(30, sequential.stream().filter(t -> t.endsWith(" null")).count());
        assertTrue(sequential.stream().anyMatch(t -> t.contains("-r2")), "something reached the last rung");
        assertNotEquals(sequential, trials(asha(30, 0, NINE_EPOCHS), 1, 0), "the random sampler draws other candidates");

        // after startup, new candidates gather near the best ratio (0.3) more than random ones do
        assertTrue(nearBest(asha(30, 0, tpe)) > nearBest(asha(30, 0, NINE_EPOCHS)) + 3);
    }

    /** Rung-0 candidates after the first 9 (startup 6, parallel 4) within 0.1 of ratio 0.3. */
    private static long nearBest(AshaStrategy strategy) {
        return StrategyDriver.run(strategy, AshaStrategyTest::learningCurve, 3, 1).stream()
                .map(StrategyDriver.Trial::candidate)
                .filter(c -> c.parentId() == null && Integer.parseInt(c.id().substring(1)) >= 9)
                .filter(c -> Math.abs(number(c, "ratio") - 0.3) < 0.1)
                .count();
    }

    /** Every trial a run proposes (id, params, fidelity, parent), sorted by id. */
    private static List<String> trials(int slots, long finishSeed) {
        return trials(asha(30, 0, NINE_EPOCHS), slots, finishSeed);
    }

    private static List<String> trials(AshaStrategy strategy, int slots, long finishSeed) {
        return StrategyDriver.run(strategy, AshaStrategyTest::learningCurve, slots, finishSeed).stream()
                .map(t -> describe(t.candidate()))
                .sorted()
                .toList();
    }

    private static List<Map<String, Object>> rungTable(int slots, long finishSeed) {
        AshaStrategy strategy = asha(30, 0, NINE_EPOCHS);
        StrategyDriver.run(strategy, AshaStrategyTest::learningCurve, slots, finishSeed);
        return strategy.extraTables().get("rungs");
    }

    /**
     * Proposals in order when trials go out six at a time and come back together, told in order or reversed:
     * both give the strategy the same results to count before each ask.
     */
    private static List<String> proposals(boolean reversed) {
        AshaStrategy strategy = asha(30, 0, NINE_EPOCHS);
        List<String> proposed = new ArrayList<>();
        while (true) {
            List<Candidate> wave = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                strategy.ask().ifPresent(wave::add);
            }
            if (wave.isEmpty()) {
                assertTrue(strategy.isFinished());
                return proposed;
            }
            wave.forEach(c -> proposed.add(describe(c)));
            if (reversed) {
                Collections.reverse(wave);
            }
            wave.forEach(c -> strategy.tell(c, learningCurve(c)));
        }
    }

    private static String describe(Candidate c) {
        return c.id() + " " + c.params() + " " + c.fidelity() + " " + c.parentId();
    }

    /** Epochs an engine spends: each trial's fidelity minus the fidelity of the trial it continues from. */
    private static long additionalEpochs(List<StrategyDriver.Trial> trials) {
        Map<String, Integer> fidelity = new HashMap<>();
        trials.forEach(t -> fidelity.put(t.candidate().id(), t.candidate().fidelity()));
        return trials.stream().mapToLong(t -> t.candidate().fidelity()
                - (t.candidate().parentId() == null ? 0 : fidelity.get(t.candidate().parentId()))).sum();
    }
}
