package dev.shears.jobs.engine;

import dev.shears.pruning.run.CandidateOutcome;
import java.io.Serializable;

/**
 * What one trial does where it runs, given the base model's bytes: by default it prunes, fine-tunes
 * and measures ({@link #PRUNE_AND_FINE_TUNE}). Another implementation runs other work under the same
 * driver, strategy, ledger and checkpoints, for example a stand-in of known cost that measures what
 * the driver and the engine sustain without training. Shipped to executors, so serializable.
 */
@FunctionalInterface
public interface TrialWork extends Serializable {

    /** Must not throw: a trial that fails returns a FAILED outcome. */
    CandidateOutcome run(byte[] baseModel, TrialRequest request, TrialContext context);

    TrialWork PRUNE_AND_FINE_TUNE = TrialExecution::run;
}
