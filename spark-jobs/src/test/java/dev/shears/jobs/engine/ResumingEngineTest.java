package dev.shears.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.TestResults;
import dev.shears.pruning.metrics.LatencyComparison.Compared;
import dev.shears.pruning.metrics.LatencyComparison.Timing;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.Metrics;
import dev.shears.search.Candidate;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Known results are served (on this run's latency scale); trials started together reach the engine together. */
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

    private static TrialRequest request(String id, double ratio) {
        return new TrialRequest(new Candidate(id, Map.of("ratio", ratio), 1), PruningPlan.magnitude(ratio, 1), null);
    }

    /** Records what it is given in one call and answers each trial with its ratio as accuracy. */
    private static final class Recording implements CandidateEngine {
        final List<List<String>> calls = new ArrayList<>();

        @Override
        public int slots() {
            return 4;
        }

        @Override
        public CompletableFuture<CandidateOutcome> submit(TrialRequest request) {
            return submitAll(List.of(request)).get(0);
        }

        @Override
        public List<CompletableFuture<CandidateOutcome>> submitAll(List<TrialRequest> requests) {
            calls.add(requests.stream().map(r -> r.candidate().id()).toList());
            return requests.stream()
                    .map(r -> CompletableFuture.completedFuture(TestResults.ok(r.plan().ratio(), 2, 1, null))).toList();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void replayedAndCachedTrialsAreServedAndTheRestGoToTheEngineInOneCall() {
        TrialRequest replayed = request("c0001", 0.1);
        TrialRequest cached = request("c0003", 0.3);
        List<TrialRequest> requests = List.of(replayed, request("c0002", 0.2), cached, request("c0004", 0.4));
        Recording engine = new Recording();
        ResumingEngine resuming = new ResumingEngine(engine,
                Map.of(ResumingEngine.key(replayed.candidate()),
                        new TrialRecord(ResumingEngine.key(replayed.candidate()), TestResults.ok(0.91, 2, 1, null), false)),
                r -> r == cached ? Optional.of(TestResults.ok(0.93, 2, 1, null)) : Optional.empty(), null);

        List<CandidateOutcome> outcomes = resuming.submitAll(requests).stream().map(CompletableFuture::join).toList();

        assertEquals(List.of(List.of("c0002", "c0004")), engine.calls);
        assertEquals(List.of(0.91, 0.2, 0.93, 0.4), outcomes.stream().map(o -> o.metrics().accuracy()).toList());
        assertTrue(resuming.isReplayed(replayed.candidate()));
        assertTrue(resuming.isCached(cached.candidate()));
        assertFalse(resuming.isCached(requests.get(1).candidate()));
        assertEquals(1, resuming.replayed());
        assertEquals(1, resuming.servedFromCache());
    }
}
