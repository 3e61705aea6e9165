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
import scala.collection.immutable.Range$;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Each trial is one Spark task; the trials that become ready together (a slot or several freed as
 * results came in) go to Spark as one job, each task's result reaching the strategy as that task
 * finishes rather than at the end of the job. A job costs the driver several milliseconds (its
 * stage, the broadcast of its function, its events) where a task costs a fraction of one, which
 * decides how many short trials a second the driver sustains on hundreds of slots
 * (docs/BENCHMARKS.md, bench driver). Long trials finish one at a time, so their jobs hold one task
 * each. When the search may use every core Spark has, one more trial per slot waits queued in
 * Spark's scheduler, so a freed core starts its next trial at once instead of waiting while the
 * driver records the last result and submits a job (a gap per trial on {@code local[2]}, longer on a
 * cluster: docs/benchmarks/trial-profile.md); strategies that learn from results then propose up to
 * {@code slots} trials ahead of what they know. With fewer slots than cores nothing is queued, since
 * Spark would run a queued trial at once on an idle core. The base model is broadcast once;
 * executors cache the data per JVM. Spark retries a task whose executor is lost; a trial that fails
 * beyond Spark's retries fails its job, and the trials of that job still unfinished, cancelled with
 * it, run again each in a job of its own, so that only the failing trial becomes a FAILED row. Jobs
 * go to {@code SparkContext.runJob} with a plain function class rather than through
 * {@code JavaRDD.map(...).collect()}: those wrap the function in Scala closures that Spark's closure
 * cleaner parses from their class files (three large classes read, inflated and walked per job),
 * which cost the driver more than scheduling the job did.
 */
public final class SparkEngine implements CandidateEngine {

    private final JavaSparkContext jsc;
    private final Broadcast<byte[]> baseModel;
    private final TrialContext context;
    private final TrialWork work;
    private final int parallelism;
    private final int inFlight;
    private final ExecutorService drivers;

    public SparkEngine(JavaSparkContext jsc, byte[] baseModel, TrialContext context, int slots) {
        this(jsc, baseModel, context, slots, TrialWork.PRUNE_AND_FINE_TUNE);
    }

    public SparkEngine(JavaSparkContext jsc, byte[] baseModel, TrialContext context, int slots, TrialWork work) {
        this.jsc = jsc;
        this.baseModel = jsc.broadcast(baseModel);
        this.context = context;
        this.work = work;
        this.parallelism = slots;
        this.inFlight = slots >= jsc.defaultParallelism() ? 2 * slots : slots;
        this.drivers = DaemonThreads.pool(inFlight, "shears-trial-submitter");
    }

    @Override
    public int slots() {
        return inFlight;
    }

    @Override
    public int parallelism() {
        return parallelism;
    }

    @Override
    public CompletableFuture<CandidateOutcome> submit(TrialRequest request) {
        return submitAll(List.of(request)).get(0);
    }

    @Override
    public List<CompletableFuture<CandidateOutcome>> submitAll(List<TrialRequest> requests) {
        List<CompletableFuture<CandidateOutcome>> outcomes = requests.stream()
                .map(r -> new CompletableFuture<CandidateOutcome>()).toList();
        if (!requests.isEmpty()) {
            drivers.execute(() -> runTrials(requests, outcomes));
        }
        return outcomes;
    }

    /** One job of one task per trial, on a driver thread of its own: the call returns when the last task has. */
    private void runTrials(List<TrialRequest> requests, List<CompletableFuture<CandidateOutcome>> outcomes) {
        TrialRequest first = requests.get(0);
        jsc.setJobGroup("shears-" + first.candidate().id(), requests.size() == 1
                ? "candidate " + first.candidate().id() + " " + first.candidate().params()
                : requests.size() + " candidates from " + first.candidate().id(), true);
        try {
            ClassTag<CandidateOutcome> anyRef = ClassTag$.MODULE$.apply(CandidateOutcome.class);
            jsc.sc().runJob(jsc.parallelize(requests, requests.size()).rdd(), new Task(baseModel, context, work),
                    Range$.MODULE$.apply(0, requests.size()), new OnResult(outcomes), anyRef);
        } catch (Exception e) {
            if (requests.size() == 1) {
                outcomes.get(0).complete(gaveUp(e));
                return;
            }
            for (int i = 0; i < requests.size(); i++) {
                if (!outcomes.get(i).isDone()) {
                    List<TrialRequest> alone = List.of(requests.get(i));
                    List<CompletableFuture<CandidateOutcome>> its = List.of(outcomes.get(i));
                    drivers.execute(() -> runTrials(alone, its));
                }
            }
        }
    }

    /**
     * Spark gave up on a trial after its retries (spark.task.maxFailures), say because the executor died
     * with it each time (a native crash, System.exit, the OS killing it); the driver's stack adds nothing.
     */
    private static CandidateOutcome gaveUp(Exception e) {
        String why = String.valueOf(e.getMessage());
        int driverStack = why.indexOf("\nDriver stacktrace");
        return CandidateOutcome.unmeasured(TrialStatus.FAILED, "Spark gave up on the trial: "
                + (driverStack < 0 ? why : why.substring(0, driverStack)).replace('\n', ' '), 0);
    }

    @Override
    public void close() {
        drivers.shutdownNow();
        baseModel.destroy();
    }

    /** Completes each trial's future with its task's result; called by Spark's scheduler as each task succeeds. */
    private static final class OnResult extends AbstractFunction2<Object, CandidateOutcome, BoxedUnit> {
        private final List<CompletableFuture<CandidateOutcome>> outcomes;

        OnResult(List<CompletableFuture<CandidateOutcome>> outcomes) {
            this.outcomes = outcomes;
        }

        @Override
        public BoxedUnit apply(Object index, CandidateOutcome outcome) {
            outcomes.get((Integer) index).complete(outcome);
            return BoxedUnit.UNIT;
        }
    }

    /**
     * The function Spark ships, applied to a partition's single trial: a named class, so Spark's closure
     * cleaner has nothing to parse, holding only serializable values, never ND4J arrays or networks.
     */
    private static final class Task extends AbstractFunction2<TaskContext, Iterator<TrialRequest>, CandidateOutcome>
            implements Serializable {
        private final Broadcast<byte[]> baseModel;
        private final TrialContext context;
        private final TrialWork work;

        Task(Broadcast<byte[]> baseModel, TrialContext context, TrialWork work) {
            this.baseModel = baseModel;
            this.context = context;
            this.work = work;
        }

        @Override
        public CandidateOutcome apply(TaskContext task, Iterator<TrialRequest> requests) {
            long start = System.currentTimeMillis();
            CandidateOutcome outcome = work.run(baseModel.value(), requests.next(), context);
            // the span of any work, as this task ran it, unless the work took its own
            return outcome.span() != null ? outcome : outcome.ran(start, System.currentTimeMillis());
        }
    }
}
