package dev.shears.jobs.engine;

import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.train.FineTuner;
import java.util.concurrent.CompletableFuture;

/**
 * Runs trials one after another in this JVM: the baseline Spark is measured against, a Spark-free
 * path, and the driver-side loop of data-parallel execution, where each trial's fine-tuning is
 * spread over the cluster by its {@link FineTuner}.
 */
public final class LocalEngine implements CandidateEngine {

    private final byte[] baseModel;
    private final TrialContext context;
    private final FineTuner tuner;

    public LocalEngine(byte[] baseModel, TrialContext context) {
        this(baseModel, context, FineTuner.LOCAL);
    }

    public LocalEngine(byte[] baseModel, TrialContext context, FineTuner tuner) {
        this.baseModel = baseModel;
        this.context = context;
        this.tuner = tuner;
    }

    @Override
    public int slots() {
        return 1;
    }

    @Override
    public CompletableFuture<CandidateOutcome> submit(TrialRequest request) {
        return CompletableFuture.completedFuture(TrialExecution.run(baseModel, request, context, tuner));
    }

    @Override
    public void close() {
        // nothing held
    }
}
