package dev.shears.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.benchmarks.QualityBench.Arch;
import dev.shears.benchmarks.QualityBench.Base;
import dev.shears.benchmarks.QualityBench.Method;
import dev.shears.benchmarks.QualityBench.Result;
import dev.shears.benchmarks.QualityBench.Role;
import dev.shears.benchmarks.QualityBench.Timed;
import dev.shears.pruning.data.DataLocation;
import dev.shears.pruning.data.ImageAugment;
import dev.shears.pruning.metrics.LatencyComparison.Compared;
import dev.shears.pruning.metrics.LatencyComparison.Timing;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * How the quality report aggregates over seeds and when the benchmark extends a grid, on made-up
 * results of three seeds whose dense models all reach 90% on validation and test.
 */
class QualityChoicesTest {

    private static final Method WEIGHTS = Method.pruning("w", Role.METHOD, "weights", List.of(0.9, 0.95),
            (r, s) -> PruningPlan.magnitude(r, 1));
    private static final Method NEURONS = Method.pruning("n", Role.METHOD, "neurons", List.of(0.5),
            (r, s) -> PruningPlan.magnitude(r, 1).with("magnitude", "neuron", "layerwise", "oneshot"));
    private static final Method REWIND = Method.retrained("rewind", Role.REWIND, "rewound", WEIGHTS, null);
    private static final Arch MLP = new Arch("mlp", "MLP", s -> null, s -> DataLocation.idx("/nowhere", 0, 0, 0.1, s), 1, ImageAugment.NONE,
            List.of(WEIGHTS, NEURONS, REWIND), List.of("w"), "n");
    private static final List<Base> BASES = List.of(base(1), base(2), base(3));

    @Test
    void aSeedWithoutACandidateIsLeftOutOfTheMeanAndCounted() {
        List<Result> results = List.of(
                result("w", 1, 0.90, 10, 0.897, 0.3), result("w", 1, 0.95, 20, 0.895, 0.6),
                result("w", 2, 0.90, 10, 0.85, 5.0), result("w", 2, 0.95, 20, 0.84, 6.0),  // none within 1 point
                result("w", 3, 0.90, 10, 0.898, 0.4), result("w", 3, 0.95, 20, 0.87, 3.0));
        QualityReport report = report(results, List.of());

        QualityReport.Choice c = report.choice(MLP, "w", 1.0);
        assertArrayEquals(new double[] {20, 10}, c.compression(), 1e-9);
        assertArrayEquals(new double[] {0.6, 0.4}, c.testDrop(), 1e-9);
        assertEquals("2 of 3 seeds", c.count());
        // mean 15 over the two seeds with a candidate, not 31/3 with seed 2 counted as 1x
        assertEquals("| w | 1.0 | 15.0 ± 7.1x (2 of 3 seeds) | 0.50 ± 0.14 | 0.35 ± 0.21 | 1.00 ± 0.00x "
                + "| 0.950 (ceiling), none, 0.900 | 1 |", report.row(MLP, "w", 1.0));
        assertEquals("| w | 0.1 | none within (0 of 3 seeds) | - | - | - | none, none, none | 1 |", report.row(MLP, "w", 0.1));
        // best gives the epochs of what it chose on each seed that had a choice
        assertTrue(report.row(MLP, QualityReport.BEST, 1.0).endsWith("| 1, 1 |"), report.row(MLP, QualityReport.BEST, 1.0));

        QualityReport.Goal goal = goal(report, "MLP >= 20x at <= 1.0 point");
        assertFalse(goal.met(), goal.toString());
        assertTrue(goal.measured().startsWith("compression 15.0 ± 7.1x, test drop 0.50 ± 0.14 points (2 of 3 seeds)"),
                goal.measured());
        assertTrue(goal.measured().contains("seed 2: none within;"), goal.measured());
        assertTrue(goal.margin().startsWith("no candidate on seed(s) 2;"), goal.margin());

        QualityReport.Goal none = goal(report, "MLP structural (n)");  // no result of n at all
        assertFalse(none.met());
        assertEquals("none within (0 of 3 seeds)", none.measured());
        assertEquals("no candidate on seed(s) 1, 2, 3", none.margin());
    }

    @Test
    void aGoalIsMetOnlyWhenEverySeedMeetsIt() {
        List<Result> results = new ArrayList<>(List.of(
                result("w", 1, 0.95, 30, 0.899, 0.5), result("w", 2, 0.95, 30, 0.899, 0.5),
                result("w", 3, 0.90, 10, 0.899, 0.5), result("w", 3, 0.95, 30, 0.85, 5.0)));
        QualityReport.Goal missed = goal(report(results, List.of()), "MLP >= 20x at <= 1.0 point");
        // the mean, 23.3x, passes the 20x bound; seed 3 does not
        assertFalse(missed.met(), missed.toString());
        assertTrue(missed.measured().startsWith("compression 23.3 ± 11.5x, test drop 0.50 ± 0.00 points (3 of 3 seeds)"),
                missed.measured());
        assertTrue(missed.measured().contains("seed 3: compression 10.0x, test drop 0.50 points"), missed.measured());
        assertEquals("smallest over seeds: compression -10.0x, test drop +0.50 points", missed.margin());

        results.set(2, result("w", 3, 0.90, 21, 0.899, 0.5));
        QualityReport.Goal met = goal(report(results, List.of()), "MLP >= 20x at <= 1.0 point");
        assertTrue(met.met(), met.toString());

        QualityReport.Goal dense = goal(report(results, List.of()), "dense MLP test accuracy >= 89%");
        assertTrue(dense.met(), dense.toString());
        assertEquals("test accuracy 90.00 ± 0.00% (3 of 3 seeds); seed 1: test accuracy 90.00%; "
                + "seed 2: test accuracy 90.00%; seed 3: test accuracy 90.00%", dense.measured());
        assertEquals("smallest over seeds: test accuracy +1.00 points", dense.margin());
    }

    @Test
    void theStructuralGoalReadsMultiplyAddsAndSpeedUpOverTheSameSeeds() {
        List<Result> results = List.of(
                structural(1, 2.5, 0.899), structural(2, 2.5, 0.85), structural(3, 2.5, 0.899));
        List<Timed> timings = List.of(shrunk(1, 1.6), shrunk(3, 1.8));
        QualityReport.Goal goal = goal(report(results, timings), "MLP structural (n)");

        assertFalse(goal.met(), "seed 2 has no structural candidate within 1 point");
        assertTrue(goal.measured().startsWith("fewer multiply-adds 2.50 ± 0.00x, speed-up at batch 64 1.70 ± 0.14x, "
                + "test drop 0.40 ± 0.00 points (2 of 3 seeds)"), goal.measured());
        assertTrue(goal.measured().contains("seed 1: fewer multiply-adds 2.50x, speed-up at batch 64 1.60x, "
                + "test drop 0.40 points (at the grid's ceiling); seed 2: none within; seed 3:"), goal.measured());
    }

    @Test
    void theStructuralMethodMustBeatItsControlsAtTheSameShapesByMoreThanTheSeedsStd() {
        Method random = Method.pruning("n-random", Role.CONTROL, "random neurons", List.of(0.5),
                (r, s) -> PruningPlan.magnitude(r, 1).with("random", "neuron", "layerwise", "oneshot"));
        Method scratch = Method.retrained("n-scratch", Role.SCRATCH, "from scratch", NEURONS, null);
        Arch arch = new Arch("mlp", "MLP", s -> null, s -> DataLocation.idx("/nowhere", 0, 0, 0.1, s), 1, ImageAugment.NONE,
                List.of(WEIGHTS, NEURONS, random, scratch), List.of("w"), "n");
        List<Result> results = new ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            results.add(at("n", seed, 0.5, 89.6 + 0.1 * seed));     // 89.8 ± 0.1
            results.add(at("n-random", seed, 0.5, 88.0 + 0.1 * seed));
            results.add(at("n-scratch", seed, 0.5, 89.6 + 0.1 * seed - 0.05));  // 0.05 below: within the spread
            results.add(at("n", seed, 0.7, 89.0));                 // no control measured at 0.7
        }
        List<Base> bases = BASES.stream().map(b -> new Base(arch, b.seed(), null, null, null, null, null, b.metrics(),
                null)).toList();
        QualityReport report = new QualityReport(QualityReport.MAIN, List.of(arch), bases, results, List.of(),
                QualityBench.TOLERANCES, 60);
        QualityReport.Goal goal = goal(report, "MLP n above n-random and n-scratch");
        assertFalse(goal.met(), goal.toString());
        assertTrue(goal.measured().startsWith("n 89.80 ± 0.10% at ratio 0.500 (2.00 ± 0.00x fewer multiply-adds, "
                + "3 of 3 seeds); n-random 88.20 ± 0.10% (+1.60 points, std 0.10); n-scratch 89.75 ± 0.10% "
                + "(+0.05 points, std 0.10)"), goal.measured());
        assertEquals("smallest gap over std: -0.05 points", goal.margin());

        results.replaceAll(r -> r.method().equals("n-scratch") ? at("n-scratch", r.seed(), 0.5, 89.0) : r);
        assertTrue(goal(new QualityReport(QualityReport.MAIN, List.of(arch), bases, results, List.of(),
                QualityBench.TOLERANCES, 60), "MLP n above").met());

        results.removeIf(r -> r.method().equals("n-random") && r.seed() == 2);
        QualityReport.Goal missing = goal(new QualityReport(QualityReport.MAIN, List.of(arch), bases, results, List.of(),
                QualityBench.TOLERANCES, 60), "MLP n above");
        assertFalse(missing.met());
        assertEquals("no ratio measured on every seed by all of them", missing.measured());
    }

    /** A result of {@code method} with a test accuracy in %, half the multiply-adds of the dense model. */
    private static Result at(String method, long seed, double ratio, double testAccuracy) {
        return new Result("mlp", method, seed, ratio, "OK", null,
                metrics(testAccuracy / 100, 0.90 - testAccuracy / 100, 0.899, 2, 2), null, null, 0);
    }

    @Test
    void aChoiceAtTheLargestRatioMeasuredIsAtTheCeiling() {
        Result chosen = result("w", 1, 0.95, 20, 0.899, 0.5);
        Result further = result("w", 1, 0.97, 33, 0.85, 5.0);
        Result failed = new Result("mlp", "w", 1, 0.97, "FAILED", "x", null, null, null, 0);
        Result otherSeed = result("w", 2, 0.97, 33, 0.899, 0.5);
        Result otherMethod = result("n", 1, 0.97, 33, 0.899, 0.5);

        assertTrue(QualityReport.atCeiling(chosen, List.of(chosen, otherSeed, otherMethod)));
        assertFalse(QualityReport.atCeiling(chosen, List.of(chosen, further)));
        assertTrue(QualityReport.atCeiling(chosen, List.of(chosen, failed)), "a failed ratio was not measured");

        QualityReport report = report(List.of(result("w", 1, 0.90, 10, 0.899, 0.5), chosen, further), List.of());
        QualityReport.Pick pick = report.choice(MLP, "w", 1.0).picks().get(0);
        assertEquals(0.95, pick.result().ratio());
        assertFalse(pick.atCeiling(), "0.97 was measured and fell out of the tolerance");
        assertTrue(report.row(MLP, "w", 1.0).endsWith("| 0.950, none, none | 1 |"));
        assertTrue(report(List.of(chosen), List.of()).row(MLP, "w", 1.0).endsWith("| 0.950 (ceiling), none, none | 1 |"));
    }

    @Test
    void stepsCloseHalfTheGapToTheLimitAndStopThere() {
        assertEquals(List.of(0.97, 0.98, 0.99), steps(0.95, QualityBench.WEIGHT_LIMIT));
        assertEquals(List.of(0.975, 0.99), steps(0.96, QualityBench.WEIGHT_LIMIT));
        assertEquals(List.of(0.7, 0.8, 0.85, 0.875, 0.887, 0.9), steps(0.5, QualityBench.STRUCTURE_LIMIT));
        assertEquals(List.of(), steps(0.99, QualityBench.WEIGHT_LIMIT));
        assertEquals(List.of(), steps(0.95, QualityBench.STRUCTURE_LIMIT));
    }

    @Test
    void aGridIsExtendedOnlyWhileItsChoiceIsAtTheLargestRatioTried() {
        Base seed1 = BASES.get(0);
        List<Result> atCeiling = List.of(result("w", 1, 0.90, 10, 0.899, 0.5), result("w", 1, 0.95, 20, 0.895, 0.5));
        assertEquals(OptionalDouble.of(0.97), QualityBench.nextRatio(WEIGHTS, seed1, atCeiling));
        assertEquals(OptionalDouble.of(0.7), QualityBench.nextRatio(NEURONS, seed1, List.of(structural(1, 2, 0.899))));

        List<Result> outOfTolerance = new ArrayList<>(atCeiling);
        outOfTolerance.add(result("w", 1, 0.97, 33, 0.88, 2.0));
        assertEquals(OptionalDouble.empty(), QualityBench.nextRatio(WEIGHTS, seed1, outOfTolerance));
        for (String status : List.of("FAILED", "SKIPPED")) {
            List<Result> notRun = new ArrayList<>(atCeiling);
            notRun.add(new Result("mlp", "w", 1, 0.97, status, "x", null, null, null, 0));
            assertEquals(OptionalDouble.empty(), QualityBench.nextRatio(WEIGHTS, seed1, notRun), status);
        }
        // the 1.0-point choice decides, though 0.95 is not within 0.5 point
        assertEquals(OptionalDouble.of(0.97), QualityBench.nextRatio(WEIGHTS, seed1,
                List.of(result("w", 1, 0.90, 10, 0.899, 0.5), result("w", 1, 0.95, 20, 0.892, 0.5))));
        assertEquals(OptionalDouble.empty(), QualityBench.nextRatio(WEIGHTS, seed1,
                List.of(result("w", 1, 0.90, 10, 0.85, 5.0))), "no choice");
        assertEquals(OptionalDouble.empty(), QualityBench.nextRatio(WEIGHTS, seed1,
                List.of(result("w", 1, 0.99, 100, 0.899, 0.5))), "at the limit");
        assertEquals(OptionalDouble.empty(), QualityBench.nextRatio(REWIND, seed1,
                List.of(result("rewind", 1, 0.95, 20, 0.899, 0.5))), "retraining controls keep their grid");
        assertEquals(OptionalDouble.of(0.97), QualityBench.nextRatio(WEIGHTS, seed1, List.of(atCeiling.get(1),
                result("w", 2, 0.97, 33, 0.899, 0.5))), "another seed's ratios do not count");
    }

    /** The ratios the grid's extension would run from {@code from} if every one were chosen. */
    private static List<Double> steps(double from, double limit) {
        List<Double> out = new ArrayList<>();
        for (OptionalDouble next = QualityBench.step(from, limit); next.isPresent();
             next = QualityBench.step(next.getAsDouble(), limit)) {
            out.add(next.getAsDouble());
        }
        return out;
    }

    private static QualityReport report(List<Result> results, List<Timed> timings) {
        return new QualityReport(QualityReport.MAIN, List.of(MLP), BASES, results, timings, QualityBench.TOLERANCES, 60);
    }

    private static QualityReport.Goal goal(QualityReport report, String prefix) {
        return report.goals().stream().filter(g -> g.goal().startsWith(prefix)).findFirst().orElseThrow();
    }

    private static Base base(long seed) {
        return new Base(MLP, seed, null, null, null, null, null, metrics(0.90, 0, 0.90, 1, 1), null);
    }

    /** A result of the weight method: its validation accuracy and its test drop in points. */
    private static Result result(String method, long seed, double ratio, double compression, double validation,
                                 double testDrop) {
        return new Result("mlp", method, seed, ratio, "OK", null,
                metrics(0.90 - testDrop / 100, testDrop / 100, validation, 1, compression), null, null, 0);
    }

    /** The structural method at 0.5: multiply-adds reduced as much as parameters, 0.4 point test drop. */
    private static Result structural(long seed, double reduction, double validation) {
        return new Result("mlp", "n", seed, 0.5, "OK", null, metrics(0.896, 0.004, validation, reduction, reduction),
                null, null, 0);
    }

    private static Timed shrunk(long seed, double speedup) {
        return new Timed("mlp", seed, "shrunk", "n", 0.5, new Compared(new Timing(1, speedup), new Timing(1, 1)), null);
    }

    /** Figures with only what the report reads here: accuracies, drops, compression and multiply-add reduction. */
    private static Metrics metrics(double accuracy, double accuracyDrop, double valAccuracy, double flopsReduction,
                                   double compression) {
        return new Metrics(0, 0, 100, Math.round(100 / compression), compression, accuracy, accuracyDrop, 0, 0.5,
                valAccuracy, 0.90 - valAccuracy, 0, 100, flopsReduction, 400, 400, 200, null, null, Map.of());
    }
}
