package dev.shears.jobs.engine;

import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.search.TrialResult;
import dev.shears.search.TrialStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/** Converts an executor's outcome into what a strategy is told. */
public final class Outcomes {

    private Outcomes() {
    }

    public static TrialResult toTrialResult(CandidateOutcome outcome) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        outcome.metrics().forEach((k, v) -> {
            if (v instanceof Number n) {
                metrics.put(k, n.doubleValue());
            }
        });
        return new TrialResult(TrialStatus.valueOf(outcome.status()), metrics, outcome.epochsSpent());
    }
}
