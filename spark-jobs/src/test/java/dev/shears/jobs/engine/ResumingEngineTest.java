package dev.shears.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.TestResults;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.search.Candidate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Trials started together: the known ones are served, only the others reach the engine, together and in order. */
class ResumingEngineTest {

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
                r -> r == cached ? Optional.of(TestResults.ok(0.93, 2, 1, null)) : Optional.empty());

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
