package dev.shears.jobs.engine;

import dev.shears.pruning.data.DataLoader;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.CandidateRunner;
import dev.shears.pruning.train.FineTuner;
import dev.shears.pruning.train.Threads;
import dev.shears.pruning.train.TrialDeadline;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Runs a trial where it lands: loads (or reuses) the data of this JVM, then prunes, fine-tunes and measures, the
 * latency of a shrunk model included, so that the strategy is told it with the trial's other figures.
 */
public final class TrialExecution {

    /** Test-only faults on this JVM's class path (see {@link TrialFault}); none in the application. */
    private static final List<TrialFault> FAULTS = ServiceLoader.load(TrialFault.class).stream()
            .map(ServiceLoader.Provider::get).toList();

    private TrialExecution() {
    }

    public static CandidateOutcome run(byte[] baseModel, TrialRequest request, TrialContext context) {
        return run(baseModel, request, context, FineTuner.LOCAL);
    }

    /** The trial's outcome, with when it ran by this machine's clock (what slot utilisation is computed from). */
    public static CandidateOutcome run(byte[] baseModel, TrialRequest request, TrialContext context, FineTuner tuner) {
        long start = System.currentTimeMillis();
        CandidateOutcome outcome = evaluate(baseModel, request, context, tuner);
        return outcome.ran(start, System.currentTimeMillis());
    }

    private static CandidateOutcome evaluate(byte[] baseModel, TrialRequest request, TrialContext context,
                                             FineTuner tuner) {
        try {
            Threads.limit(context.threadsPerTask());
            boolean continuing = request.parentModel() != null;
            return TrialDeadline.within(context.trialTimeout(), () -> {
                FAULTS.forEach(f -> f.inject(request));
                // the dense base model is the distillation teacher, also for trials continuing a pruned parent, and
                // what a shrunk model is timed beside: both in this task, so load from other trials hits both alike
                return CandidateRunner.run(continuing ? request.parentModel() : baseModel, baseModel, continuing,
                        DataLoader.cached(context.data()), request.plan(), context.base(), true, tuner);
            });
        } catch (RuntimeException e) {
            return CandidateOutcome.failed(e, 0);
        } catch (OutOfMemoryError e) {
            // Java heap or ND4J's off-heap memory: what the trial allocated is unreachable once it has failed,
            // so the executor goes on with the next trial rather than dying with this one
            return CandidateOutcome.failed(e, 0);
        }
    }
}
