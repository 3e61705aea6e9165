package dev.shears.jobs.engine;

import dev.shears.pruning.metrics.LatencyComparison;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.search.Candidate;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Serves trials a stopped run already finished from its checkpoints and sends only the rest to
 * the engine. Strategies are seeded, so the resumed search proposes the same candidates again and
 * is told the same results, and carries on from where the stopped one was.
 */
public final class ResumingEngine implements CandidateEngine {

    private final CandidateEngine engine;
    private final Map<String, CandidateOutcome> finished;
    private int replayed;

    /** @param finished outcomes of earlier trials by {@link #key(Candidate)} */
    public ResumingEngine(CandidateEngine engine, Map<String, CandidateOutcome> finished) {
        this.engine = engine;
        this.finished = finished;
    }

    /** What identifies a trial across runs of the same spec: id, parameters, fidelity and parent. */
    public static String key(Candidate c) {
        return c.id() + "|" + c.params() + "|" + c.fidelity() + "|" + c.parentId();
    }

    public boolean isReplayed(Candidate c) {
        return finished.containsKey(key(c));
    }

    /** Trials served from checkpoints so far. */
    public int replayed() {
        return replayed;
    }

    @Override
    public int slots() {
        return engine.slots();
    }

    @Override
    public CompletableFuture<CandidateOutcome> submit(TrialRequest request) {
        CandidateOutcome done = finished.get(key(request.candidate()));
        if (done != null) {
            replayed++;
            return CompletableFuture.completedFuture(done);
        }
        return engine.submit(request);
    }

    @Override
    public Map<String, LatencyComparison.Compared> timeLatency(LatencyRequest request) {
        return engine.timeLatency(request);
    }

    @Override
    public void close() {
        engine.close();
    }
}
