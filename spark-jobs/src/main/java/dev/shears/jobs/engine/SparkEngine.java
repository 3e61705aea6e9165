package dev.shears.jobs.engine;

import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.search.TrialStatus;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * Each trial is one single-task Spark job, submitted from a driver thread of its own, so results
 * reach the strategy as each trial finishes rather than at the end of a batch. When the search
 * may use every core Spark has, one more trial per slot waits queued in Spark's scheduler, so a
 * freed core starts its next trial at once instead of waiting while the driver records the last
 * result and submits a job (a gap per trial on {@code local[2]}, longer on a cluster: docs/benchmarks/trial-profile.md);
 * strategies that learn from results then propose up to {@code slots} trials ahead of what they
 * know. With fewer slots than cores nothing is queued, since Spark would run a queued trial at
 * once on an idle core. The base model is broadcast once; executors cache the data per JVM.
 * Spark retries a task whose executor is lost. Jobs go to {@code SparkContext.runJob} with a
 * plain function class rather than through {@code JavaRDD.map(...).collect()}: those wrap the
 * function in Scala closures that Spark's closure cleaner parses from their class files (three
 * large classes read, inflated and walked per job), which cost the driver more than scheduling
 * the job did.
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
                return runOne(request, new Task(baseModel, context));
            } catch (Exception e) {
                // Spark gave up after its retries (spark.task.maxFailures), say because the executor died with the
                // trial each time (a native crash, System.exit, the OS killing it); the driver's stack adds nothing
                String why = String.valueOf(e.getMessage());
                int driverStack = why.indexOf("\nDriver stacktrace");
                return CandidateOutcome.unmeasured(TrialStatus.FAILED, "Spark gave up on the trial: "
                        + (driverStack < 0 ? why : why.substring(0, driverStack)).replace('\n', ' '), 0);
            }
        }, drivers);
    }

    /** What one task computes from its single value: serializable, as Spark ships it. */
    private interface OnExecutor<T, R> extends Serializable {
        R apply(T value);
    }

    /** One task that applies {@code function} to {@code value} on an executor. */
    @SuppressWarnings("unchecked")
    private <T, R> R runOne(T value, OnExecutor<T, R> function) {
        ClassTag<R> anyRef = (ClassTag<R>) (ClassTag<?>) ClassTag$.MODULE$.AnyRef();
        Object[] out = (Object[]) jsc.sc().runJob(jsc.parallelize(List.of(value), 1).rdd(), new OnPartition<>(function),
                anyRef);
        return (R) out[0];
    }

    @Override
    public void close() {
        drivers.shutdownNow();
        baseModel.destroy();
    }

    /**
     * A partition's single value through {@code function}: a named class, so Spark's closure
     * cleaner has nothing to parse.
     */
    private static final class OnPartition<T, R> extends AbstractFunction2<TaskContext, Iterator<T>, R>
            implements Serializable {
        private final OnExecutor<T, R> function;

        OnPartition(OnExecutor<T, R> function) {
            this.function = function;
        }

        @Override
        public R apply(TaskContext context, Iterator<T> values) {
            return function.apply(values.next());
        }
    }

    /** The function Spark ships: only serializable values, never ND4J arrays or networks. */
    private record Task(Broadcast<byte[]> baseModel, TrialContext context)
            implements OnExecutor<TrialRequest, CandidateOutcome> {
        @Override
        public CandidateOutcome apply(TrialRequest request) {
            return TrialExecution.run(baseModel.value(), request, context);
        }
    }
}
