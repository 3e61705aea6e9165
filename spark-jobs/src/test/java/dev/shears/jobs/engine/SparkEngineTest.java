package dev.shears.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestResults;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.search.Candidate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * On local[2]: a search that may use every core keeps one trial per slot queued; one that may not, none.
 * Trials started together run as one job, each result arriving as its task finishes, and a trial that
 * fails its task fails alone.
 */
class SparkEngineTest {

    private static JavaSparkContext jsc() {
        return JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
    }

    private static int submittedAtOnce(int slots) {
        try (SparkEngine engine = new SparkEngine(jsc(), new byte[] {1}, new TrialContext(null, null, 1, 0), slots)) {
            return engine.slots();
        }
    }

    @Test
    void everyCoreInUseQueuesOneTrialPerSlot() {
        assertEquals(4, submittedAtOnce(2));
    }

    @Test
    void fewerSlotsThanCoresQueueNothing() {
        // a queued trial would start at once on the idle core, past the parallelism the spec set
        assertEquals(1, submittedAtOnce(1));
    }

    /**
     * Sleeps as long as its ratio says (in tenths of a second, so ratio 0.5 is 5 s), reports its ratio as
     * accuracy; a trial of ratio 0 throws from the task itself, as only a lost executor or a fault outside
     * the trial's own handling would.
     */
    private record Sleeper() implements TrialWork {
        @Override
        public CandidateOutcome run(byte[] baseModel, TrialRequest request, TrialContext context) {
            double ratio = request.plan().ratio();
            if (ratio == 0) {
                throw new IllegalStateException("task lost with " + request.candidate().id());
            }
            try {
                Thread.sleep(Math.round(ratio * 10_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return CandidateOutcome.failed(e, 0);
            }
            return TestResults.ok(ratio, 2, 1, null);
        }
    }

    private static List<TrialRequest> requests(String prefix, double... ratios) {
        return IntStream.range(0, ratios.length).mapToObj(i -> new TrialRequest(
                new Candidate(prefix + i, Map.of("ratio", ratios[i]), 1), PruningPlan.magnitude(ratios[i], 1), null))
                .toList();
    }

    @Test
    void trialsStartedTogetherAreOneJobAndEachResultArrivesWhenItsTaskEnds() {
        List<TrialRequest> requests = requests("together-", 0.3, 0.01, 0.02);
        try (SparkEngine engine = new SparkEngine(jsc(), new byte[] {1}, new TrialContext(null, null, 1, 0), 2,
                new Sleeper())) {
            List<CompletableFuture<CandidateOutcome>> outcomes = engine.submitAll(requests);
            // the quick ones share the second core while the 3 s trial holds the first
            outcomes.get(1).join();
            outcomes.get(2).join();
            assertFalse(outcomes.get(0).isDone(), "the long trial's result came with the short ones'");
            for (int i = 0; i < requests.size(); i++) {
                assertEquals(requests.get(i).plan().ratio(), outcomes.get(i).join().metrics().accuracy(), 1e-12,
                        "result of trial " + i);
            }
        }
        int[] jobs = jsc().statusTracker().getJobIdsForGroup("shears-together-0");
        assertEquals(1, jobs.length);
        int[] stages = jsc().statusTracker().getJobInfo(jobs[0]).stageIds();
        assertEquals(1, stages.length);
        assertEquals(3, jsc().statusTracker().getStageInfo(stages[0]).numTasks(), "one task per trial, in one job");
    }

    @Test
    void aTrialWhoseTaskFailsFailsAloneAndTheOthersOfItsJobStillFinish() {
        List<TrialRequest> requests = requests("faulty-", 0.02, 0.0, 0.05, 0.01);
        try (SparkEngine engine = new SparkEngine(jsc(), new byte[] {1}, new TrialContext(null, null, 1, 0), 2,
                new Sleeper())) {
            List<CandidateOutcome> outcomes = engine.submitAll(requests).stream().map(CompletableFuture::join).toList();
            assertFalse(outcomes.get(1).ok());
            assertTrue(outcomes.get(1).error().startsWith("Spark gave up on the trial")
                    && outcomes.get(1).error().contains("task lost with faulty-1"), outcomes.get(1).error());
            for (int i : new int[] {0, 2, 3}) {
                assertTrue(outcomes.get(i).ok(), "trial " + i + ": " + outcomes.get(i).error());
                assertEquals(requests.get(i).plan().ratio(), outcomes.get(i).metrics().accuracy(), 1e-12);
            }
        }
    }
}
