package dev.shears.benchmarks;

import dev.shears.jobs.engine.CandidateEngine;
import dev.shears.jobs.engine.DaemonThreads;
import dev.shears.jobs.engine.TrialContext;
import dev.shears.jobs.engine.TrialExecution;
import dev.shears.jobs.engine.TrialRequest;
import dev.shears.pruning.run.CandidateOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Trials on plain threads of this JVM, one per core and nothing else: no Spark, no queueing, no
 * serialization. What the machine itself allows when trials run side by side, which the benchmark
 * sets Spark's figure against.
 */
final class ThreadsEngine implements CandidateEngine {

    private final byte[] baseModel;
    private final TrialContext context;
    private final int threads;
    private final ExecutorService pool;

    ThreadsEngine(byte[] baseModel, TrialContext context, int threads) {
        this.baseModel = baseModel;
        this.context = context;
        this.threads = threads;
        this.pool = DaemonThreads.pool(threads, "shears-bench-trial");
    }

    @Override
    public int slots() {
        return threads;
    }

    @Override
    public CompletableFuture<CandidateOutcome> submit(TrialRequest request) {
        return CompletableFuture.supplyAsync(() -> TrialExecution.run(baseModel, request, context), pool);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
