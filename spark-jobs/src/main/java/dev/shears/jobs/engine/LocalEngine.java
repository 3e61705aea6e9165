package dev.shears.jobs.engine;

import dev.shears.pruning.run.CandidateOutcome;
import java.util.concurrent.CompletableFuture;

/** Runs trials one after another in this JVM: the baseline Spark is measured against, and a Spark-free path. */
public final class LocalEngine implements CandidateEngine {

    private final byte[] baseModel;
    private final TrialContext context;

    public LocalEngine(byte[] baseModel, TrialContext context) {
        this.baseModel = baseModel;
        this.context = context;
    }

    @Override
    public int slots() {
        return 1;
    }

    @Override
    public CompletableFuture<CandidateOutcome> submit(TrialRequest request) {
        return CompletableFuture.completedFuture(TrialExecution.run(baseModel, request, context));
    }

    @Override
    public void close() {
        // nothing held
    }
}
