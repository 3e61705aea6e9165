package dev.shears.jobs.engine;

import dev.shears.pruning.data.DataLoader;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.CandidateRunner;
import dev.shears.pruning.run.Threads;
import dev.shears.pruning.train.FineTuner;

/** Runs a trial where it lands: loads (or reuses) the data of this JVM, then prunes, fine-tunes and measures. */
public final class TrialExecution {

    private TrialExecution() {
    }

    public static CandidateOutcome run(byte[] baseModel, TrialRequest request, TrialContext context) {
        return run(baseModel, request, context, FineTuner.LOCAL);
    }

    public static CandidateOutcome run(byte[] baseModel, TrialRequest request, TrialContext context, FineTuner tuner) {
        try {
            Threads.limit(context.threadsPerTask());
            boolean continuing = request.parentModel() != null;
            // the dense base model is the distillation teacher, also for trials continuing a pruned parent;
            // latency is timed after the search, beside the base model, not while other trials share the cores
            return CandidateRunner.run(continuing ? request.parentModel() : baseModel, baseModel, continuing,
                    DataLoader.cached(context.data()), request.plan(), context.base(), true, false, tuner);
        } catch (RuntimeException e) {
            return CandidateOutcome.failed(e, 0);
        }
    }
}
