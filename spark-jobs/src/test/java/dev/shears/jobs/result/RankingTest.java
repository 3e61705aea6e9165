package dev.shears.jobs.result;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shears.jobs.TestResults;
import dev.shears.pruning.metrics.LatencyComparison;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.Metrics;
import dev.shears.search.Constraints;
import dev.shears.search.TrialStatus;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RankingTest {

    private static Trial row(String id, TrialStatus status, double accuracy, double drop, double compression) {
        return TestResults.trial(id, status, accuracy, drop, accuracy, drop, compression);
    }

    @Test
    void baseFirstThenWithinToleranceByCompressionThenByAccuracyThenFailed() {
        List<Row> ranked = Ranking.rank(List.of(
                row("c1", TrialStatus.OK, 0.80, 0.05, 20),
                row("c2", TrialStatus.OK, 0.84, 0.01, 5),
                row("base", TrialStatus.OK, 0.85, 0.0, 1),
                row("c3", TrialStatus.FAILED, Double.NaN, Double.NaN, Double.NaN),
                row("c4", TrialStatus.OK, 0.845, 0.005, 10),
                row("c5", TrialStatus.OK, 0.82, 0.03, 4),
                row("c6", TrialStatus.OK, 0.846, 0.004, 10)), Tolerance.of(0.02), SelectionSplit.TEST, Constraints.NONE);
        assertEquals(List.of("base", "c6", "c4", "c2", "c5", "c1", "c3"), ranked.stream().map(Row::candidate).toList());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), ranked.stream().map(Row::rank).toList());
        assertEquals(List.of(true, true, true, true, false, false, false),
                ranked.stream().map(Row::meetsTolerance).toList());
        assertEquals("c6", Selection.best(ranked, SelectionSplit.TEST).orElseThrow().candidate(),
                "the best is the first ranked candidate within the tolerance");
    }

    /** A candidate whose validation drop was measured with this standard error. */
    private static Trial noisy(String id, double valDrop, double valDropSe, double compression) {
        Metrics m = TestResults.metrics(0.85 - valDrop, valDrop, 0.85 - valDrop, valDrop, valDropSe, compression);
        return new Trial(id, "grid", PruningPlan.magnitude(0.5, 1),
                new CandidateOutcome(TrialStatus.OK, null, m, new CandidateOutcome.Run(false, 0.5, 1.0), 1, null, null),
                1, false, 1, null, null);
    }

    @Test
    void withAConfidenceACandidateWhoseDropIsWithinOnlyByItsNoiseIsNotChosen() {
        List<Trial> trials = List.of(row("base", TrialStatus.OK, 0.85, 0.0, 1),
                noisy("far", 0.015, 0.005, 20),   // 1.5 points, give or take 0.5: 2.14 at 90%
                noisy("near", 0.010, 0.004, 10)); // 1.51 at 90%
        List<Row> point = Ranking.rank(trials, Tolerance.of(0.02), SelectionSplit.VALIDATION, Constraints.NONE);
        assertEquals("far", Selection.best(point, SelectionSplit.VALIDATION).orElseThrow().candidate());
        List<Row> sure = Ranking.rank(trials, new Tolerance(0.02, 0.9), SelectionSplit.VALIDATION, Constraints.NONE);
        assertEquals("near", Selection.best(sure, SelectionSplit.VALIDATION).orElseThrow().candidate());
        assertEquals(List.of("base", "near", "far"), sure.stream().map(Row::candidate).toList());
        assertEquals(List.of(true, true, false), sure.stream().map(Row::meetsTolerance).toList(),
                "the base, its drop 0 measured without error, is within");
    }

    @Test
    void paretoMarksNonDominatedSuccessfulRows() {
        Map<String, Boolean> pareto = new LinkedHashMap<>();
        Ranking.rank(List.of(
                row("base", TrialStatus.OK, 0.85, 0.0, 1),
                row("a", TrialStatus.OK, 0.84, 0.01, 10),
                row("b", TrialStatus.OK, 0.83, 0.02, 8),
                row("c", TrialStatus.OK, 0.80, 0.05, 20),
                row("d", TrialStatus.FAILED, 0.99, 0.0, 99)), Tolerance.of(0.02), SelectionSplit.TEST, Constraints.NONE)
                .forEach(r -> pareto.put(r.candidate(), r.pareto()));
        assertEquals(Map.of("base", true, "a", true, "b", false, "c", true, "d", false), pareto);
    }

    /** A row on the given scale: the base's 8 ms at batch 64 over the speed-up (1: the base's shapes). */
    private static Trial timed(String id, TrialStatus status, double valAccuracy, double compression, double speedup) {
        Trial t = TestResults.trial(id, status, valAccuracy - 0.01, 0, valAccuracy, 0.85 - valAccuracy, compression);
        LatencyComparison.Timing base = new LatencyComparison.Timing(1, 8);
        Metrics.Latency latency = id.equals(Trial.BASE) ? Metrics.Latency.reference(base, 0.1)
                : speedup == 1 ? Metrics.Latency.asBase(base)
                : Metrics.Latency.paired(base, new LatencyComparison.Compared(base,
                        new LatencyComparison.Timing(1 / speedup, 8 / speedup)), 0.2);
        return t.ok() ? TestResults.timed(t, latency) : t;
    }

    /**
     * The latency front, on validation accuracy and latency at batch 64: m, masked-only at the base's latency but
     * more accurate, beats the base; s2 beats s1 (as accurate, faster); s4 is the fastest; c is more compressed
     * than all but not faster than s2, so it is on the compression front only; the failed row has no latency; the
     * row that breaks the constraint is on neither front.
     */
    @Test
    void theLatencyFrontMarksTheRowsNoOtherBeatsOnAccuracyAndLatency() {
        Constraints minCompression = Constraints.of(Map.of("minCompression", 1.5));
        List<Row> ranked = Ranking.rank(List.of(
                timed("base", TrialStatus.OK, 0.85, 1, 1),
                timed("m", TrialStatus.OK, 0.86, 3, 1),
                timed("s1", TrialStatus.OK, 0.84, 2, 1.5),
                timed("s2", TrialStatus.OK, 0.84, 2, 2),
                timed("s4", TrialStatus.OK, 0.80, 5, 4),
                timed("c", TrialStatus.OK, 0.78, 20, 1.8),
                timed("x", TrialStatus.OK, 0.99, 1.2, 8),
                timed("f", TrialStatus.FAILED, Double.NaN, Double.NaN, 2)), Tolerance.of(0.02), SelectionSplit.VALIDATION,
                minCompression);
        Map<String, Boolean> latencyFront = new HashMap<>();
        Map<String, Boolean> front = new HashMap<>();
        ranked.forEach(r -> latencyFront.put(r.candidate(), r.paretoLatency()));
        ranked.forEach(r -> front.put(r.candidate(), r.pareto()));
        Map<String, Boolean> expected = new HashMap<>(Map.of("base", false, "m", true, "s1", false, "s2", true,
                "s4", true, "c", false, "x", false));
        expected.put("f", null);
        assertEquals(expected, latencyFront);
        assertEquals(Map.of("base", false, "m", true, "s1", false, "s2", false, "s4", true, "c", true, "x", false,
                "f", false), front, "accuracy against compression, unchanged");
        assertEquals(List.of("m", "s2", "s4", "c"), ranked.stream().filter(Row::onAFront).map(Row::candidate).toList(),
                "pareto.csv: the rows on either front, in rank order");
        assertEquals(true, ranked.stream().filter(r -> r.candidate().equals("s2")).findFirst().orElseThrow()
                .get(Columns.PARETO_LATENCY));
    }

    /** Test accuracy says c2 is best and within tolerance; validation, which decides, says c1. */
    @Test
    void validationDecidesWhereItDisagreesWithTest() {
        List<Trial> trials = List.of(
                TestResults.trial("base", TrialStatus.OK, 0.85, 0.0, 0.86, 0.0, 1),
                TestResults.trial("c1", TrialStatus.OK, 0.80, 0.05, 0.85, 0.01, 20),
                TestResults.trial("c2", TrialStatus.OK, 0.845, 0.005, 0.83, 0.03, 10),
                TestResults.trial("c3", TrialStatus.OK, 0.84, 0.01, 0.855, 0.005, 4));
        List<Row> byValidation = Ranking.rank(trials, Tolerance.of(0.02), SelectionSplit.VALIDATION, Constraints.NONE);
        assertEquals(List.of("base", "c1", "c3", "c2"), byValidation.stream().map(Row::candidate).toList());
        assertEquals(List.of(true, true, true, false), byValidation.stream().map(Row::meetsTolerance).toList());
        // c2 has the best test accuracy at 10x, yet it is dominated on validation by c1 (more compressed, more accurate)
        assertEquals(List.of(true, true, true, false), byValidation.stream().map(Row::pareto).toList());

        List<Row> byTest = Ranking.rank(trials, Tolerance.of(0.02), SelectionSplit.TEST, Constraints.NONE);
        assertEquals(List.of("base", "c2", "c3", "c1"), byTest.stream().map(Row::candidate).toList());
    }

    /** c1 is the most accurate within the tolerance but below 4x: the best is c2, which keeps every constraint. */
    @Test
    void aCandidateBreakingAConstraintIsNeverChosenAndRanksAfterThoseThatKeepThem() {
        Constraints constraints = Constraints.of(Map.of("minCompression", 4, "maxFlops", 150));
        List<Row> ranked = Ranking.rank(List.of(
                row("base", TrialStatus.OK, 0.85, 0.0, 1),
                row("c1", TrialStatus.OK, 0.85, 0.0, 3),
                row("c2", TrialStatus.OK, 0.84, 0.01, 5),
                row("c3", TrialStatus.OK, 0.80, 0.05, 10),
                row("c4", TrialStatus.FAILED, Double.NaN, Double.NaN, Double.NaN)), Tolerance.of(0.02), SelectionSplit.TEST,
                constraints);
        assertEquals(List.of("base", "c2", "c3", "c1", "c4"), ranked.stream().map(Row::candidate).toList());
        assertEquals(Arrays.asList(null, true, true, false, null), ranked.stream().map(Row::constraintsOk).toList());
        assertEquals("minCompression", ranked.get(3).get(Columns.VIOLATES));
        assertEquals("c2", Selection.best(ranked, SelectionSplit.TEST).orElseThrow().candidate(),
                "c1 is more accurate and within the tolerance, but below 4x");
        assertEquals(Map.of("base", true, "c2", true, "c3", true, "c1", false, "c4", false),
                ranked.stream().collect(Collectors.toMap(Row::candidate, Row::pareto)),
                "the front is drawn from the rows that keep the constraints");
    }
}
