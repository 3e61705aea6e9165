package dev.shears.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.result.Provenance;
import dev.shears.jobs.result.Ranking;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.result.SelectionSplit;
import dev.shears.jobs.result.Trial;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.Metrics;
import dev.shears.search.Constraints;
import dev.shears.search.TrialStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What `bench strategies` reports of its searches: the choice is made on validation, test is only reported. */
class StrategiesBenchTest {

    private static final Provenance PROVENANCE = new Provenance(1, "s", "d", "b", "v", "dl4j", "spark");

    @Test
    void theChosenCandidateHasTheBestValidationAccuracyAtTheCompressionAndItsTestAccuracyIsReported() {
        List<Trial> trials = new ArrayList<>();
        trials.add(trial("c0", 12, 0.86, 0.88, 4));   // best on test, not on validation
        trials.add(trial("c1", 15, 0.87, 0.85, 6));   // best on validation at >= 10x: chosen
        trials.add(trial("c2", 5, 0.90, 0.90, 2));    // better on both, but under 10x
        trials.add(new Trial("c3", "random", PruningPlan.magnitude(0.9, 1), new CandidateOutcome(TrialStatus.FAILED,
                "boom", null, null, 1, null, null), 1, false, 1, null, PROVENANCE));
        List<Row> rows = Ranking.rank(trials, Tolerance.of(0.02), SelectionSplit.VALIDATION, Constraints.NONE);

        StrategiesBench.Outcome o = StrategiesBench.summarise("random", 7, rows, 10, 3.0, 0.9);

        assertEquals("c1", o.chosen());
        assertEquals(0.87, o.chosenValAccuracy(), 1e-12);
        assertEquals(0.85, o.chosenAccuracy(), 1e-12);
        assertEquals(4, o.trials(), "every trial but the base");
        assertEquals(4 + 6 + 2 + 1, o.epochs(), "epochs of every trial, failed ones included");
        assertEquals(0.9, o.utilisation());

        StrategiesBench.Outcome none = StrategiesBench.summarise("random", 7, rows, 20, 3.0, 0.9);
        assertEquals("-", none.chosen());
        assertTrue(Double.isNaN(none.chosenAccuracy()));
    }

    @Test
    void aFractionalEpochBudgetAllowsItsWholeEpochs() {
        assertEquals(14, StrategiesBench.wholeEpochs(14.4));
        assertEquals(72, StrategiesBench.wholeEpochs(72));
        assertEquals(3, StrategiesBench.wholeEpochs(0.2 * 15), "3.0000000000000004 is still 3 epochs");
    }

    @Test
    void theVerdictComparesMeansOverSeedsAndAshasUtilisationInALongEnoughRun() {
        List<StrategiesBench.Outcome> outcomes = List.of(outcome("random", 0.860, 72, 12, 0.80),
                outcome("random", 0.850, 72, 12, 0.82), outcome("asha+tpe", 0.857, 14, 10, 0.7),
                outcome("asha+tpe", 0.850, 14, 10, 0.7));
        StrategiesBench.Spread random = StrategiesBench.Spread.of(outcomes.subList(0, 2),
                StrategiesBench.Outcome::chosenAccuracy);
        assertEquals(0.855, random.mean(), 1e-12);
        assertEquals(Math.sqrt(2 * 0.005 * 0.005), random.std(), 1e-12, "the sample standard deviation");

        List<String> lines = StrategiesBench.verdict(outcomes, List.of(outcome("asha", 0, 60, 45, 0.962),
                outcome("halving", 0, 60, 43, 0.85)));
        assertEquals(List.of("goal: asha+tpe within 0.2 point of random's chosen test accuracy (mean of 2 seeds) on "
                        + "0.19 of its epochs: -0.15 point, met",
                "goal: asha's slot utilisation >= 95% in a run of >= 40 trials: 96.2% in 45 trials, met; "
                        + "halving 85.0% in 43 trials beside it"), lines);
        assertTrue(StrategiesBench.verdict(List.of(outcome("random", 0.86, 72, 12, 1), outcome("asha+tpe", 0.857, 14, 7, 1)),
                List.of(outcome("asha", 0, 20, 12, 0.99))).get(1).contains("not measured: fewer than 40 trials"));
    }

    /** A tiny bench on 600 Fashion-MNIST rows: every entry under its epoch budget, the table, the verdict lines. */
    @Test
    void aTinyRunComparesTheEntriesUnderTheirEpochBudgets(@TempDir Path dir) throws Exception {
        Path spec = Files.writeString(dir.resolve("tiny.yaml"), String.join("\n",
                "name: tiny-strategies",
                "data: {trainLimit: 600, validationFraction: 0.2}",
                "model: {hidden: [16], epochs: 1}",
                "space:",
                "  ratio: {min: 0.9, max: 0.97}",
                "  scorer: [magnitude, random]",
                "  epochs: [2]",
                "search:",
                "  budget: 3",
                "  measureLatency: false",
                "  options: {minEpochs: 1, maxEpochs: 2, eta: 2, startup: 1, parallel: 1}",
                ""));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int code;
        try (PrintStream print = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(print);
            code = new CommandLine(new StrategiesBench()).execute("--spec", spec.toString(), "--seeds", "1,2",
                    "--strategies", "random,asha,asha+tpe", "--random-epoch-budget", "6", "--epoch-budget", "4.5",
                    "--utilisation-candidates", "3", "--out", dir.resolve("out").toString());
        } finally {
            System.setOut(stdout);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed);
        assertTrue(printed.contains("epoch budgets: random 6, the others 4.5; trials spend whole epochs, so no trial "
                + "starts that would take the epochs started past 6 and 4"), printed);
        for (String entry : List.of("random", "asha", "asha+tpe")) {
            List<String> runs = printed.lines().filter(l -> l.matches("seed [12] " + entry.replace("+", "\\+") + " .*"))
                    .toList();
            assertEquals(2, runs.size(), entry + " on both seeds:\n" + printed);
            for (String run : runs) {
                int epochs = Integer.parseInt(run.replaceAll(".*, epochs (\\d+),.*", "$1"));
                assertTrue(epochs <= (entry.equals("random") ? 6 : 4), "within its budget: " + run);
                assertTrue(run.matches(".*, slot utilisation \\d+\\.\\d%"), run);
            }
            assertTrue(printed.lines().anyMatch(l -> l.matches(entry.replace("+", "\\+")
                    + " +\\d\\.\\d{4} ± \\d\\.\\d{4} .* \\d+\\.\\d% ± \\d+\\.\\d%")), entry + " in the table:\n" + printed);
        }
        for (String entry : List.of("asha", "halving")) {
            assertTrue(printed.lines().anyMatch(l -> l.startsWith("utilisation run, seed 1 " + entry)), printed);
        }
        assertTrue(printed.contains("goal: asha+tpe within 0.2 point of random's chosen test accuracy (mean of 2 seeds)"),
                printed);
        assertTrue(printed.contains("goal: asha's slot utilisation >= 95% in a run of >= 40 trials: "), printed);
    }

    private static StrategiesBench.Outcome outcome(String strategy, double accuracy, long epochs, int trials,
                                                   double utilisation) {
        return new StrategiesBench.Outcome(strategy, 1, accuracy, accuracy, "c0000", epochs, trials, 10, utilisation);
    }

    private static Trial trial(String id, double compression, double validation, double test, int epochs) {
        Metrics m = new Metrics(0, 0, 100, Math.round(100 / compression), compression, test, 0.9 - test, 0, 0.5,
                validation, 0.9 - validation, 0, 100, 1, 400, 400, 200, null, null, Map.of());
        return new Trial(id, "random", PruningPlan.magnitude(1 - 1 / compression, 1),
                new CandidateOutcome(TrialStatus.OK, null, m, new CandidateOutcome.Run(false, 0.5, 1.0), epochs, null,
                        null), epochs, false, 1, null, PROVENANCE);
    }
}
