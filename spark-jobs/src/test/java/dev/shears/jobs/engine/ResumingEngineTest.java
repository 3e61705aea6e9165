package dev.shears.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shears.jobs.TestResults;
import dev.shears.pruning.metrics.LatencyComparison.Compared;
import dev.shears.pruning.metrics.LatencyComparison.Timing;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.Metrics;
import dev.shears.search.Candidate;
import java.io.ByteArrayInputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ResumingEngineTest {

    /** Fails any trial it is given: every result here must come from what is known already. */
    private static final CandidateEngine NOTHING_RUNS = new CandidateEngine() {
        @Override
        public int slots() {
            return 1;
        }

        @Override
        public CompletableFuture<CandidateOutcome> submit(TrialRequest request) {
            throw new AssertionError("ran " + request.candidate().id());
        }

        @Override
        public void close() {
        }
    };

    /**
     * A stopped run or an earlier one timed a shrunk candidate 2x faster than its base, its base's figures 1 and
     * 8 ms; this run's base takes 1.5 and 10 ms: the candidate is shown at 0.75 and 5 ms, every row on one scale.
     */
    @Test
    void aKnownResultsLatencyIsPutOnThisRunsScale() throws Exception {
        Timing earlierBase = new Timing(1.0, 8.0);
        Metrics.Latency paired = Metrics.Latency.paired(earlierBase,
                new Compared(new Timing(1.0, 8.0), new Timing(0.5, 4.0)), 0.2);
        CandidateOutcome untimed = TestResults.ok(0.8, 4, 1, null);
        CandidateOutcome earlier = untimed.withMetrics(untimed.metrics().withLatency(paired));
        Candidate c = new Candidate("c0000", Map.of("ratio", 0.5), 1, null);
        TrialRequest request = new TrialRequest(c, PruningPlan.magnitude(0.5, 1), null);
        Timing now = new Timing(1.5, 10.0);

        ResumingEngine resumed = new ResumingEngine(NOTHING_RUNS,
                Map.of(ResumingEngine.key(c), new TrialRecord(ResumingEngine.key(c), earlier, false)),
                r -> Optional.empty(), now);
        ResumingEngine cached = new ResumingEngine(NOTHING_RUNS, Map.of(), r -> Optional.of(earlier), now);
        // as checkpoints and the trial cache store it
        TrialRecord stored = TrialRecord.read(new ByteArrayInputStream(
                new TrialRecord(ResumingEngine.key(c), earlier, false).json()));
        assertEquals(paired, stored.outcome().metrics().latency());
        for (ResumingEngine engine : new ResumingEngine[] {resumed, cached}) {
            Metrics.Latency served = engine.submit(request).join().metrics().latency();
            assertEquals(new Metrics.Latency(0.75, 5.0, 2.0, 2.0, Metrics.Latency.Source.PAIRED, 0.2), served);
            assertEquals(0.8, engine.submit(request).join().metrics().accuracy(), "the rest as it was");
        }
    }
}
