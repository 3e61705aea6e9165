package dev.shears.jobs.engine;

import dev.shears.pruning.metrics.LatencyComparison;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.Metrics;
import dev.shears.search.Candidate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Serves trials whose results are already known and sends only the rest to the engine: first those a
 * stopped run of this search finished (its checkpoints), then those any earlier run computed (the
 * trial cache). Strategies are seeded, so the resumed search proposes the same candidates again, is
 * told the same results, and carries on from where the stopped one was. A known result's latency is put on
 * this run's scale: this run's base figure over the speed-ups its own trial measured beside the base.
 */
public final class ResumingEngine implements CandidateEngine {

    private final CandidateEngine engine;
    private final Map<String, TrialRecord> finished;
    private final Function<TrialRequest, Optional<CandidateOutcome>> cache;
    private final LatencyComparison.Timing baseLatency;
    private final Set<String> cached = new HashSet<>();
    private int replayed;
    private int servedFromCache;

    /**
     * @param finished    records of this search's finished trials by {@link #key(Candidate)}
     * @param cache       looks a trial up in the cache of earlier runs
     * @param baseLatency this run's figure for the base model, or null when latency is not measured
     */
    public ResumingEngine(CandidateEngine engine, Map<String, TrialRecord> finished,
                          Function<TrialRequest, Optional<CandidateOutcome>> cache,
                          LatencyComparison.Timing baseLatency) {
        this.engine = engine;
        this.finished = finished;
        this.cache = cache;
        this.baseLatency = baseLatency;
    }

    /** What identifies a trial across runs of the same spec: id, parameters, fidelity and parent. */
    public static String key(Candidate c) {
        return c.id() + "|" + c.params() + "|" + c.fidelity() + "|" + c.parentId();
    }

    /** Whether the trial's result came from this search's checkpoints. */
    public boolean isReplayed(Candidate c) {
        return finished.containsKey(key(c));
    }

    /** Whether the trial's result came from the trial cache, in this run or in the stopped run it resumes. */
    public boolean isCached(Candidate c) {
        return cached.contains(key(c));
    }

    /** Trials served from checkpoints so far. */
    public int replayed() {
        return replayed;
    }

    /** Trials served from the trial cache by this run so far. */
    public int servedFromCache() {
        return servedFromCache;
    }

    @Override
    public int slots() {
        return engine.slots();
    }

    @Override
    public int parallelism() {
        return engine.parallelism();
    }

    @Override
    public CompletableFuture<CandidateOutcome> submit(TrialRequest request) {
        return submitAll(List.of(request)).get(0);
    }

    /** Serves the known trials and starts the others together on the engine. */
    @Override
    public List<CompletableFuture<CandidateOutcome>> submitAll(List<TrialRequest> requests) {
        List<CompletableFuture<CandidateOutcome>> outcomes = new ArrayList<>();
        List<TrialRequest> toRun = new ArrayList<>();
        List<Integer> places = new ArrayList<>();
        for (TrialRequest request : requests) {
            CompletableFuture<CandidateOutcome> known = known(request);
            outcomes.add(known);
            if (known == null) {
                toRun.add(request);
                places.add(outcomes.size() - 1);
            }
        }
        List<CompletableFuture<CandidateOutcome>> started = engine.submitAll(toRun);
        for (int i = 0; i < started.size(); i++) {
            outcomes.set(places.get(i), started.get(i));
        }
        return outcomes;
    }

    /** The outcome of a trial whose result is known already, or null. */
    private CompletableFuture<CandidateOutcome> known(TrialRequest request) {
        String key = key(request.candidate());
        TrialRecord done = finished.get(key);
        if (done != null) {
            replayed++;
            if (done.cached()) {
                cached.add(key);
            }
            return CompletableFuture.completedFuture(onThisScale(done.outcome()));
        }
        Optional<CandidateOutcome> known = cache.apply(request);
        if (known.isPresent()) {
            servedFromCache++;
            cached.add(key);
            return CompletableFuture.completedFuture(onThisScale(known.get()));
        }
        return null;
    }

    private CandidateOutcome onThisScale(CandidateOutcome known) {
        Metrics m = known.metrics();
        return m == null || m.latency() == null || baseLatency == null ? known
                : known.withMetrics(m.withLatency(m.latency().on(baseLatency)));
    }

    @Override
    public void close() {
        engine.close();
    }
}
