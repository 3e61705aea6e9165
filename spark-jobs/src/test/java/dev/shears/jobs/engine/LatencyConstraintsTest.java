package dev.shears.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.TestResults;
import dev.shears.jobs.result.Columns;
import dev.shears.jobs.result.Ranking;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.result.Selection;
import dev.shears.jobs.result.SelectionSplit;
import dev.shears.jobs.result.Trial;
import dev.shears.pruning.metrics.LatencyComparison.Compared;
import dev.shears.pruning.metrics.LatencyComparison.Timing;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.Metrics;
import dev.shears.search.AshaStrategy;
import dev.shears.search.Candidate;
import dev.shears.search.Constraints;
import dev.shears.search.Dimension;
import dev.shears.search.HalvingStrategy;
import dev.shears.search.SearchSpace;
import dev.shears.search.SearchStrategy;
import dev.shears.search.StrategyConfig;
import dev.shears.search.TpeStrategy;
import dev.shears.search.TrialStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * A latency limit ({@code objective.constraints}) on the path a trial's latency takes in a search: from the
 * outcome, as its trial measured it, to the figures the search loop tells halving, asha and tpe, and that the
 * ranking and {@link Selection} read. Three kinds of candidate, the base taking 8 ms a pass at batch 64:
 * {@code masked}, masked-only and so at the base's 8 ms, the most accurate and most compressed; {@code slow},
 * shrunk but only 1.2x faster (6.67 ms); {@code fast}, shrunk and 2x faster (4 ms), the least accurate.
 */
class LatencyConstraintsTest {

    private static final Timing BASE = new Timing(1.0, 8.0);
    private static final SearchSpace SPACE = new SearchSpace(List.of(
            new Dimension.Choice("kind", List.of("masked", "slow", "fast")), new Dimension.Range("ratio", 0.5, 0.9, false)));

    /** The kind's latency as its trial reports it: speed-ups timed beside a base slowed down by other trials. */
    private static Metrics.Latency latency(String kind) {
        Timing loadedBase = new Timing(2.0, 16.0);
        return switch (kind) {
            case "slow" -> Metrics.Latency.paired(BASE, new Compared(loadedBase, new Timing(2.0 / 1.2, 16.0 / 1.2)), 0.2);
            case "fast" -> Metrics.Latency.paired(BASE, new Compared(loadedBase, new Timing(1.0, 8.0)), 0.2);
            default -> Metrics.Latency.asBase(BASE);
        };
    }

    private static double accuracy(String kind) {
        return Map.of("masked", 0.90, "slow", 0.88, "fast", 0.84).get(kind);
    }

    private static double compression(String kind) {
        return Map.of("masked", 8.0, "slow", 6.0, "fast", 4.0).get(kind);
    }

    private static CandidateOutcome outcome(String kind, double ratio, int epochs) {
        double accuracy = accuracy(kind) + 0.01 * ratio;
        Metrics m = TestResults.metrics(accuracy, 0.9 - accuracy, accuracy, 0.9 - accuracy, compression(kind))
                .withLatency(latency(kind));
        return new CandidateOutcome(TrialStatus.OK, null, m, new CandidateOutcome.Run(!kind.equals("masked"), ratio, 1),
                epochs, null, null);
    }

    private static String kind(Candidate c) {
        return (String) c.get("kind");
    }

    /** Runs trials as they are asked for, one at a time. */
    private static final class Engine implements CandidateEngine {
        @Override
        public int slots() {
            return 1;
        }

        @Override
        public CompletableFuture<CandidateOutcome> submit(TrialRequest request) {
            Candidate c = request.candidate();
            return CompletableFuture.completedFuture(outcome(kind(c), ((Number) c.get("ratio")).doubleValue(),
                    request.plan().epochs()));
        }

        @Override
        public void close() {
        }
    }

    /** The candidates the strategy was run on, in the order they were asked for, through the search loop. */
    private static List<Candidate> search(BiFunction<SearchSpace, StrategyConfig, SearchStrategy> strategy,
                                          long budget, Map<String, Object> options, Constraints constraints) {
        List<Candidate> ran = new ArrayList<>();
        SearchLoop.run(strategy.apply(SPACE, new StrategyConfig(budget, 0, 5, 0, options, constraints)), new Engine(),
                c -> new TrialRequest(c, PruningPlan.magnitude(0.5, Math.max(1, c.fidelity())), null), 1000, 0,
                (request, outcome) -> ran.add(request.candidate()));
        return ran;
    }

    private static Constraints atMost(double ms) {
        return Constraints.of(Map.of("maxLatencyB64Ms", ms));
    }

    @Test
    void theStrategiesAreToldEachTrialsLatencyOnTheBaseScale() {
        assertEquals(8.0 / 1.2, Outcomes.toTrialResult(outcome("slow", 0.5, 1)).metric("latency_b64_ms"), 1e-12);
        assertEquals(1.2, Outcomes.toTrialResult(outcome("slow", 0.5, 1)).metric("speedup_b64"), 1e-12);
        assertEquals(4.0, Outcomes.toTrialResult(outcome("fast", 0.5, 1)).metric("latency_b64_ms"), 1e-12);
        assertEquals(8.0, Outcomes.toTrialResult(outcome("masked", 0.5, 1)).metric("latency_b64_ms"), 1e-12,
                "masked-only: the base's figure");
        assertEquals(1.0, Outcomes.toTrialResult(outcome("masked", 0.5, 1)).metric("speedup_b64"));
    }

    /** The kinds halving or asha promoted (continued to a later rung) under a limit. */
    private static Set<String> promoted(BiFunction<SearchSpace, StrategyConfig, SearchStrategy> strategy,
                                        Constraints constraints) {
        Set<String> kinds = new HashSet<>();
        search(strategy, 27, Map.of("minEpochs", 1, "maxEpochs", 9, "eta", 3), constraints).stream()
                .filter(c -> c.parentId() != null).forEach(c -> kinds.add(kind(c)));
        return kinds;
    }

    @Test
    void halvingAndAshaPromoteOnlyWhatKeepsTheLatencyLimitMaskedOnesByTheBasesFigure() {
        for (BiFunction<SearchSpace, StrategyConfig, SearchStrategy> s
                : List.<BiFunction<SearchSpace, StrategyConfig, SearchStrategy>>of(HalvingStrategy::new, AshaStrategy::new)) {
            assertTrue(promoted(s, Constraints.NONE).contains("masked"), "the most accurate, without a limit");
            assertTrue(promoted(s, atMost(9)).contains("masked"), "8 ms, the base's figure, keeps a 9 ms limit");
            Set<String> under7 = promoted(s, atMost(7));
            assertFalse(under7.contains("masked"), "the base's 8 ms breaks a 7 ms limit: " + under7);
            assertTrue(under7.contains("slow"), "6.67 ms keeps it: " + under7);
            assertEquals(Set.of("fast"), promoted(s, atMost(5)), "only the 2x faster candidates keep 5 ms");
        }
    }

    /** The kind TPE proposed most often once its model had 20 results. */
    private static String mostProposedLate(Constraints constraints) {
        List<String> late = search(TpeStrategy::new, 40, Map.of("startup", 8, "parallel", 1), constraints)
                .subList(20, 40).stream().map(LatencyConstraintsTest::kind).toList();
        return List.of("masked", "slow", "fast").stream()
                .max((a, b) -> Integer.compare(Collections.frequency(late, a), Collections.frequency(late, b))).orElseThrow();
    }

    @Test
    void tpeLearnsThatTooSlowCandidatesAreBad() {
        assertEquals("masked", mostProposedLate(Constraints.NONE));
        assertEquals("slow", mostProposedLate(atMost(7)), "masked-only ones break it with the base's 8 ms");
        assertEquals("fast", mostProposedLate(atMost(5)));
    }

    private static Trial trial(String kind) {
        Trial t = TestResults.trial(kind, TrialStatus.OK, accuracy(kind), 0.9 - accuracy(kind), accuracy(kind),
                0.9 - accuracy(kind), compression(kind));
        return TestResults.timed(t, latency(kind));
    }

    private static List<Row> ranked(Constraints constraints) {
        Trial base = TestResults.timed(TestResults.trial(Trial.BASE, TrialStatus.OK, 0.9, 0, 0.9, 0, 1),
                Metrics.Latency.reference(BASE, 0.1));
        return Ranking.rank(List.of(base, trial("masked"), trial("slow"), trial("fast")), Tolerance.of(0.1),
                SelectionSplit.VALIDATION, constraints);
    }

    private static String best(Constraints constraints) {
        return Selection.best(ranked(constraints), SelectionSplit.VALIDATION).orElseThrow().candidate();
    }

    @Test
    void selectionChoosesAmongTheCandidatesThatKeepTheLatencyLimit() {
        assertEquals("masked", best(Constraints.NONE), "the most compressed");
        assertEquals("masked", best(atMost(9)));
        assertEquals("slow", best(atMost(7)));
        assertEquals("fast", best(atMost(5)));
        Map<String, Object> violates = new HashMap<>();
        ranked(atMost(7)).forEach(r -> violates.put(r.candidate(), r.get(Columns.VIOLATES)));
        assertEquals("maxLatencyB64Ms", violates.get("masked"), "masked-only: judged by the base's 8 ms");
        assertEquals(null, violates.get("slow"));
    }
}
