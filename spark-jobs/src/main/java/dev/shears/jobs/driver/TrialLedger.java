package dev.shears.jobs.driver;

import dev.shears.jobs.engine.CandidateEngine;
import dev.shears.jobs.engine.ResumingEngine;
import dev.shears.jobs.engine.TrialRequest;
import dev.shears.jobs.result.Provenance;
import dev.shears.jobs.result.Trial;
import dev.shears.jobs.spec.PlanFactory;
import dev.shears.jobs.spec.SearchSpec;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.search.Candidate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The book of one search's trials: what each candidate is run as (its plan, and its parent's model when a
 * strategy continues one), the key its result has in the trial cache (its content) beside the place of its
 * checkpoint (its candidate id), the fine-tuning epochs behind each model, and the trials as they finish.
 * Trials resumed from checkpoints or served from the cache pass through it like the ones that run.
 */
final class TrialLedger {

    private final Prepared prepared;
    private final String strategy;
    private final Provenance provenance;
    private final Map<String, Integer> epochsReached = new HashMap<>();
    private final Map<String, String> resultKeys = new HashMap<>();
    private final List<Trial> trials = new ArrayList<>();
    /** When each trial this run computed ran: resumed and cached ones ran at another time, or not at all. */
    private final List<CandidateOutcome.Span> spans = new ArrayList<>();
    private ResumingEngine engine;

    TrialLedger(Prepared prepared, String strategy, Provenance provenance) {
        this.prepared = prepared;
        this.strategy = strategy;
        this.provenance = provenance;
    }

    /** {@code engine} with the finished trials of a stopped run replayed and the cache's results served. */
    ResumingEngine resuming(CandidateEngine candidates) {
        engine = new ResumingEngine(candidates, prepared.checkpoints().load(),
                r -> prepared.cache().find(resultKeys.get(r.candidate().id())), prepared.base().latency());
        return engine;
    }

    /** What a candidate is run as; a child of a kept parent fine-tunes only the epochs the parent has not. */
    TrialRequest request(Candidate c) {
        SearchSpec s = prepared.spec().spec();
        int wanted = PlanFactory.requestedEpochs(c);
        byte[] parent = c.parentId() == null ? null : prepared.checkpoints().model(c.parentId());
        int epochs = parent == null ? wanted : Math.max(0, wanted - epochsReached.getOrDefault(c.parentId(), 0));
        PruningPlan plan = PlanFactory.plan(c, s, epochs);
        String parentKey = parent == null ? null : resultKeys.get(c.parentId());
        resultKeys.put(c.id(), TrialCache.key(Versions.build(), prepared.baseModelHash(), prepared.data().sha256(),
                s.search, plan, parentKey));
        return new TrialRequest(c, plan, parent);
    }

    /** Books a finished trial: its checkpoint and cache entry (unless it came from them) and its record. */
    Trial finished(TrialRequest request, CandidateOutcome outcome) {
        Candidate c = request.candidate();
        int parentEpochs = c.parentId() == null ? 0 : epochsReached.getOrDefault(c.parentId(), 0);
        epochsReached.put(c.id(), parentEpochs + outcome.epochsSpent());
        boolean cached = engine.isCached(c);
        if (!engine.isReplayed(c)) {
            prepared.checkpoints().put(c, outcome, cached);
            if (!cached) {
                prepared.cache().store(resultKeys.get(c.id()), outcome);
                if (outcome.span() != null) {
                    spans.add(outcome.span());
                }
            }
        }
        // the model is in the checkpoints: the record keeps figures only
        Trial trial = new Trial(c.id(), strategy, request.plan(), outcome.withModel(null),
                parentEpochs + outcome.epochsSpent(), cached, c.fidelity(), c.parentId(), provenance);
        trials.add(trial);
        return trial;
    }

    List<Trial> trials() {
        return trials;
    }

    /** How busy the engine's {@code slots} were with the trials this run computed; empty when it computed none. */
    Optional<SlotUtilisation> utilisation(int slots) {
        return SlotUtilisation.of(spans, slots);
    }
}
