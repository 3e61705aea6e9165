package dev.shears.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.result.Provenance;
import dev.shears.jobs.result.Ranking;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.result.SelectionSplit;
import dev.shears.jobs.result.Trial;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.Metrics;
import dev.shears.search.Constraints;
import dev.shears.search.TrialStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What `bench strategies` reports of one search: the choice is made on validation, test is only reported. */
class StrategiesBenchTest {

    private static final Provenance PROVENANCE = new Provenance(1, "s", "d", "b", "v", "dl4j", "spark");

    @Test
    void theChosenCandidateHasTheBestValidationAccuracyAtTheCompressionAndItsTestAccuracyIsReported() {
        List<Trial> trials = new ArrayList<>();
        trials.add(trial("c0", 12, 0.86, 0.88, 4));   // best on test, not on validation
        trials.add(trial("c1", 15, 0.87, 0.85, 6));   // best on validation at >= 10x: chosen
        trials.add(trial("c2", 5, 0.90, 0.90, 2));    // better on both, but under 10x
        trials.add(new Trial("c3", "random", PruningPlan.magnitude(0.9, 1), new CandidateOutcome(TrialStatus.FAILED,
                "boom", null, null, 1, null), 1, false, 1, null, PROVENANCE));
        List<Row> rows = Ranking.rank(trials, 0.02, SelectionSplit.VALIDATION, Constraints.NONE);

        StrategiesBench.Outcome o = StrategiesBench.summarise("random", 7, rows, 10, 3.0);

        assertEquals("c1", o.chosen());
        assertEquals(0.87, o.chosenValAccuracy(), 1e-12);
        assertEquals(0.85, o.chosenAccuracy(), 1e-12);
        assertEquals(4, o.trials(), "every trial but the base");
        assertEquals(4 + 6 + 2 + 1, o.epochs(), "epochs of every trial, failed ones included");

        StrategiesBench.Outcome none = StrategiesBench.summarise("random", 7, rows, 20, 3.0);
        assertEquals("-", none.chosen());
        assertTrue(Double.isNaN(none.chosenAccuracy()));
    }

    private static Trial trial(String id, double compression, double validation, double test, int epochs) {
        Metrics m = new Metrics(0, 0, 100, Math.round(100 / compression), compression, test, 0.9 - test, 0.5,
                validation, 0.9 - validation, 100, 1, 400, 400, 200, null, null, Map.of());
        return new Trial(id, "random", PruningPlan.magnitude(1 - 1 / compression, 1),
                new CandidateOutcome(TrialStatus.OK, null, m, new CandidateOutcome.Run(false, 0.5, 1.0), epochs, null),
                epochs, false, 1, null, PROVENANCE);
    }
}
