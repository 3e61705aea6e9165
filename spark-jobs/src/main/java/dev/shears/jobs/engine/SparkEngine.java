package dev.shears.jobs.engine;

import dev.shears.pruning.metrics.LatencyComparison;
import dev.shears.pruning.run.CandidateOutcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

/**
 * Each trial is one single-task Spark job, submitted from a driver thread of its own, so results
 * reach the strategy as each trial finishes rather than at the end of a batch. When the search
 * may use every core Spark has, one more trial per slot waits queued in Spark's scheduler, so a
 * freed core starts its next trial at once instead of waiting while the driver records the last
 * result and submits a job (about 0.1 s a trial on {@code local[2]}, more on a cluster);
 * strategies that learn from results then propose up to {@code slots} trials ahead of what they
 * know. With fewer slots than cores nothing is queued, since Spark would run a queued trial at
 * once on an idle core. The base model is broadcast once; executors cache the data per JVM.
 * Spark retries a task whose executor is lost.
 */
public final class SparkEngine implements CandidateEngine {

    private final JavaSparkContext jsc;
    private final Broadcast<byte[]> baseModel;
    private final TrialContext context;
    private final int inFlight;
    private final ExecutorService drivers;

    public SparkEngine(JavaSparkContext jsc, byte[] baseModel, TrialContext context, int slots) {
        this.jsc = jsc;
        this.baseModel = jsc.broadcast(baseModel);
        this.context = context;
        this.inFlight = slots >= jsc.defaultParallelism() ? 2 * slots : slots;
        this.drivers = DaemonThreads.pool(inFlight, "shears-trial-submitter");
    }

    @Override
    public int slots() {
        return inFlight;
    }

    @Override
    public CompletableFuture<CandidateOutcome> submit(TrialRequest request) {
        return CompletableFuture.supplyAsync(() -> {
            String id = request.candidate().id();
            jsc.setJobGroup("shears-" + id, "candidate " + id + " " + request.candidate().params(), true);
            try {
                return jsc.parallelize(List.of(request), 1).map(new Task(baseModel, context)).collect().get(0);
            } catch (Exception e) {
                // Spark gave up after its retries (spark.task.maxFailures), say because the executor died with the
                // trial each time (a native crash, System.exit, the OS killing it); the driver's stack adds nothing
                String why = String.valueOf(e.getMessage());
                int driverStack = why.indexOf("\nDriver stacktrace");
                return new CandidateOutcome("FAILED", "Spark gave up on the trial: "
                        + (driverStack < 0 ? why : why.substring(0, driverStack)).replace('\n', ' '),
                        Map.of(), Map.of(), 0, null);
            }
        }, drivers);
    }

    /** One single-task job after the search: the executor runs nothing else while it times. */
    @Override
    public Map<String, LatencyComparison.Compared> timeLatency(LatencyRequest request) {
        jsc.setJobGroup("shears-latency", "latency of " + request.models().size() + " candidates beside the base model",
                true);
        // broadcast rather than inside the task: the models are megabytes
        Broadcast<LatencyRequest> shipped = jsc.broadcast(request);
        try {
            return jsc.parallelize(List.of(0), 1).map(new TimeLatency(shipped)).collect().get(0);
        } finally {
            shipped.destroy();
        }
    }

    @Override
    public void close() {
        drivers.shutdownNow();
        baseModel.destroy();
    }

    /** The function Spark ships: only serializable values, never ND4J arrays or networks. */
    private record Task(Broadcast<byte[]> baseModel, TrialContext context)
            implements Function<TrialRequest, CandidateOutcome> {
        @Override
        public CandidateOutcome call(TrialRequest request) {
            return TrialExecution.run(baseModel.value(), request, context);
        }
    }

    private record TimeLatency(Broadcast<LatencyRequest> request)
            implements Function<Integer, Map<String, LatencyComparison.Compared>> {
        @Override
        public Map<String, LatencyComparison.Compared> call(Integer ignored) {
            return request.value().run();
        }
    }
}
