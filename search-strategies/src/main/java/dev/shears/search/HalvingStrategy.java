package dev.shears.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Successive halving with fine-tuning epochs as the fidelity. Rung 0 fine-tunes {@code budget} random
 * candidates for {@code minEpochs}; each later rung keeps the best 1/{@code eta} of the one before (at least
 * one, never a failed or diverged trial) and fine-tunes them further, up to {@code maxEpochs} in all.
 *
 * <p>A promoted trial is a new candidate ({@code <id>-r<rung>}) with the same params, whose fidelity is the
 * total epochs reached at its rung and whose parentId is the trial it continues: the engine resumes from the
 * parent's fine-tuned weights and spends only {@code fidelity - parent's fidelity} more epochs. Those
 * additional epochs are what {@link #epochsProposed()} and {@link #plannedEpochs()} count.
 *
 * <p>The trial budget is the size of rung 0 (promotions continue trials rather than start new ones), lowered
 * when a positive epochBudget could not pay for it; the config's fidelity is unused, the rungs set it.
 * Every rung is written as {@code rungs.csv}.
 */
public final class HalvingStrategy implements SearchStrategy {

    private final SelectionMetric metric;
    private final Rungs rungs;
    private final long initialCandidates;
    private final long plannedEpochs;
    /** The complete rungs, in proposal order, and the current one. */
    private final List<List<Batch.Outcome>> finished = new ArrayList<>();
    private Batch rung;
    private int rungIndex;
    private long epochsProposed;
    private boolean stopped;

    /** Every option this strategy reads. */
    public static final Set<String> OPTIONS = Rungs.OPTIONS;

    public HalvingStrategy(SearchSpace space, StrategyConfig config) {
        Options options = new Options(config, OPTIONS);
        this.metric = options.selectionMetric();
        this.rungs = Rungs.of(options);

        PointSampler sampler = new PointSampler(space, new Random(config.seed()));
        long n0 = Math.min(config.budget(), sampler.capacity());
        if (config.epochBudget() > 0) {
            n0 = Math.min(n0, rungs.largestFitting(config.epochBudget()));
        }
        this.initialCandidates = n0;
        this.plannedEpochs = rungs.plannedEpochs(n0);

        List<Candidate> first = new ArrayList<>();
        for (long i = 0; i < n0; i++) {
            first.add(new Candidate(CandidateIds.of(i), sampler.fresh().orElseThrow(), rungs.epochs().get(0)));
        }
        this.rung = new Batch(first);
    }

    @Override
    public String name() {
        return "halving";
    }

    @Override
    public Optional<Candidate> ask() {
        Optional<Candidate> next = rung.next();
        next.ifPresent(c -> epochsProposed += rungs.epochsAddedAt(rungIndex));
        return next;
    }

    @Override
    public void tell(Candidate candidate, TrialResult result) {
        rung.record(candidate, result);
        if (rung.isComplete() && !rungs.isLast(rungIndex)) {
            promote();
        }
    }

    @Override
    public boolean isFinished() {
        return !rung.hasUnasked() && (rungs.isLast(rungIndex) || stopped);
    }

    /** Fine-tuning epochs proposed so far, counting only what each promoted trial adds to its parent. */
    public long epochsProposed() {
        return epochsProposed;
    }

    /** The epochs this search proposes in all when no trial fails; within epochBudget when one is set. */
    public long plannedEpochs() {
        return plannedEpochs;
    }

    /** Candidates in rung 0: the budget, lowered to fit the space and the epoch budget. */
    public long initialCandidates() {
        return initialCandidates;
    }

    /** Total epochs reached at each rung. */
    public List<Integer> rungEpochs() {
        return rungs.epochs();
    }

    /**
     * {@code rungs.csv}: every trial of every rung so far, in proposal order; a promoted trial's decision came
     * when its whole rung was in.
     */
    @Override
    public Map<String, List<Map<String, Object>>> extraTables() {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<List<Batch.Outcome>> all = new ArrayList<>(finished);
        all.add(rung.outcomes());
        for (int k = 0; k < all.size(); k++) {
            List<Batch.Outcome> outcomes = all.get(k);
            Set<String> promoted = k + 1 < all.size() ? parents(all.get(k + 1)) : Set.of();
            for (Batch.Outcome o : outcomes) {
                rows.add(Rungs.row(k, o.candidate(), o.result(), metric,
                        promoted.contains(o.candidate().id()) ? outcomes.size() : null));
            }
        }
        return Map.of("rungs", rows);
    }

    private static Set<String> parents(List<Batch.Outcome> rung) {
        return Set.copyOf(rung.stream().map(o -> o.candidate().parentId()).toList());
    }

    private void promote() {
        List<Batch.Outcome> outcomes = rung.outcomes();
        int next = rungIndex + 1;
        List<Candidate> promoted = new ArrayList<>();
        for (int i : metric.best(outcomes.stream().map(Batch.Outcome::result).toList(),
                rungs.promotions(outcomes.size()))) {
            promoted.add(rungs.promote(outcomes.get(i).candidate(), next));
        }
        finished.add(outcomes);
        rung = new Batch(promoted);
        rungIndex = next;
        stopped = promoted.isEmpty();
    }
}
