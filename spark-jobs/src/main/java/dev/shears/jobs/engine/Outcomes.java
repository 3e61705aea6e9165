package dev.shears.jobs.engine;

import dev.shears.jobs.result.Columns;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.search.TrialResult;

/** Converts an executor's outcome into what a strategy is told. */
public final class Outcomes {

    private Outcomes() {
    }

    public static TrialResult toTrialResult(CandidateOutcome outcome) {
        return new TrialResult(outcome.status(), Columns.figures(outcome), outcome.epochsSpent());
    }
}
