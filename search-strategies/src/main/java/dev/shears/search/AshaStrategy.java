package dev.shears.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Asynchronous successive halving (ASHA: Li et al., "A System for Massively Parallel Hyperparameter
 * Tuning", MLSys 2020) with fine-tuning epochs as the fidelity, on the rungs {@code halving} uses
 * ({@code minEpochs * eta^k} epochs, {@code maxEpochs} at the last). A trial is promoted to the next rung
 * as soon as it ranks in the top 1/{@code eta} of the results in at its rung (never a failed or diverged
 * one); {@link #ask()} hands out a promotion when one is waiting, the highest rung first, and otherwise
 * starts a new candidate, so no slot waits for a rung to complete. New candidates are drawn at random, or with
 * {@code sampler: tpe} by {@link TpeSampler} from the rung-0 results (all at the same epochs, so comparable),
 * which may make a new candidate wait for earlier rung-0 results while no promotion is due. A promoted trial continues its
 * parent's fine-tuned weights as halving's do ({@code <id>-r<rung>}, parentId the trial it continues).
 *
 * <p><b>Why the decisions do not depend on timing.</b> In the paper a promotion is chosen when a worker
 * asks, from whatever results happen to be in; a resumed run, whose finished trials are told again in
 * another rhythm, could then choose differently and not find its own checkpoints. Here each rung has an
 * order (rung 0: the order candidates are drawn in, from the seed and, with {@code sampler: tpe}, from the
 * rung-0 results before them in that order; a later rung: the order its promotions were decided), and a
 * result counts at its rung only once every earlier result of that rung is in: one that arrives early waits.
 * The promotions decided when the n-th result of a rung counts depend on those n results alone, so by
 * induction over the rungs the set of trials (ids, params, fidelities, parents) and {@code rungs.csv} follow
 * from the results, whatever order they arrive in and however asks and tells interleave. That is what lets
 * {@code --resume} replay a killed run's checkpoints to the same table, and since the first n decisions of a
 * rung do not look past its n-th result, a larger budget ({@code --extend}) keeps every promotion the smaller
 * run decided. The price: a promotion can wait for a slower earlier trial of its rung, and a trial in the top
 * 1/eta when it counts is promoted even if later results push it out (the paper's promotions can be
 * "mistaken" the same way).
 *
 * <p><b>What still depends on timing</b>: the order trials are proposed in (whether a free slot gets a
 * promotion or a new candidate depends on which results are in when it asks), hence which trials run
 * side by side and the wall time; never which trials run.
 *
 * <p><b>Budgets.</b> {@code budget} counts the new candidates started (promotions come on top). With an
 * {@code epochBudget}, counting only the epochs each promotion adds, the candidates are lowered as far as
 * halving's schedule needs to fit it, and each rung takes at most as many promotions as halving's would
 * (the first decided), so the epochs stay within the budget whatever order results arrive in; a rung so filled
 * promotes, once all its results count, as many as halving's would (at least one), so that a small budget still
 * takes its best candidate to the last rung. An extension that raises the epoch budget may then decide later rungs
 * differently.
 */
public final class AshaStrategy implements SearchStrategy {

    /** One rung's trials in rung order, their results (null until told), and its promotions. */
    private static final class Rung {
        final List<Candidate> trials = new ArrayList<>();
        final List<TrialResult> results = new ArrayList<>();
        /** Position of a promoted trial to how many of this rung's results counted when it was promoted. */
        final Map<Integer, Integer> decidedAt = new HashMap<>();
        /** Trials handed out; the rest of a later rung are promotions waiting for a slot. */
        int asked;
        /** Results that count: every one before this position is in. */
        int counted;

        void add(Candidate trial) {
            trials.add(trial);
            results.add(null);
        }
    }

    private record Place(int rung, int position) {
    }

    /** Every option this strategy reads: the rungs', the sampler's, and TPE's for {@code sampler: tpe}. */
    public static final Set<String> OPTIONS = Stream.of(Rungs.OPTIONS, Set.of(Sampler.OPTION), TpeSampler.OPTIONS)
            .flatMap(Set::stream)
            .collect(Collectors.toUnmodifiableSet());

    private final SelectionMetric metric;
    private final Rungs rungs;
    private final Sampler sampler;
    private final long initialCandidates;
    /** The most trials each rung may hold: no limit without an epoch budget. */
    private final long[] capacity;
    private final List<Rung> rung = new ArrayList<>();
    private final Map<String, Place> places = new HashMap<>();
    private int outstanding;
    private long epochsProposed;

    public AshaStrategy(SearchSpace space, StrategyConfig config) {
        Options options = new Options(config, OPTIONS);
        this.metric = options.selectionMetric();
        this.rungs = Rungs.of(options);
        this.sampler = Sampler.of(options, space, config.seed(), metric);
        long n0 = Math.min(config.budget(), sampler.capacity());
        if (config.epochBudget() > 0) {
            n0 = Math.min(n0, rungs.largestFitting(config.epochBudget()));
            this.capacity = rungs.plannedSizes(n0);
        } else {
            this.capacity = new long[rungs.count()];
            Arrays.fill(capacity, Long.MAX_VALUE);
        }
        this.initialCandidates = n0;
        for (int k = 0; k < rungs.count(); k++) {
            rung.add(new Rung());
        }
    }

    @Override
    public String name() {
        return "asha";
    }

    @Override
    public Optional<Candidate> ask() {
        for (int k = rungs.count() - 1; k > 0; k--) {
            Rung r = rung.get(k);
            if (r.asked < r.trials.size()) {
                return Optional.of(handOut(k, r.trials.get(r.asked)));
            }
        }
        Rung first = rung.get(0);
        if (first.trials.size() < initialCandidates && sampler.ready()) {
            Candidate fresh = new Candidate(CandidateIds.of(first.trials.size()), sampler.fresh().orElseThrow(),
                    rungs.epochs().get(0));
            enter(0, fresh);
            return Optional.of(handOut(0, fresh));
        }
        return Optional.empty();
    }

    @Override
    public void tell(Candidate candidate, TrialResult result) {
        Place p = places.get(candidate.id());
        if (p == null || p.position() >= rung.get(p.rung()).asked) {
            throw new IllegalArgumentException("candidate '" + candidate.id() + "' is not an outstanding trial");
        }
        Rung r = rung.get(p.rung());
        if (r.results.get(p.position()) != null) {
            throw new IllegalArgumentException("candidate '" + candidate.id() + "' was already told");
        }
        r.results.set(p.position(), result);
        outstanding--;
        if (p.rung() == 0) {
            // rung 0 holds the sampler's draws in draw order
            sampler.tell(p.position(), result);
        }
        while (r.counted < r.trials.size() && r.results.get(r.counted) != null) {
            r.counted++;
            if (!rungs.isLast(p.rung())) {
                promoteFrom(p.rung());
            }
        }
    }

    @Override
    public boolean isFinished() {
        if (rung.get(0).trials.size() < initialCandidates || outstanding > 0) {
            return false;
        }
        return rung.stream().allMatch(r -> r.asked == r.trials.size());
    }

    /** Fine-tuning epochs proposed so far, counting only what each promoted trial adds to its parent. */
    public long epochsProposed() {
        return epochsProposed;
    }

    /** New candidates this search starts: the budget, lowered to fit the space and the epoch budget. */
    public long initialCandidates() {
        return initialCandidates;
    }

    /** Total epochs reached at each rung. */
    public List<Integer> rungEpochs() {
        return rungs.epochs();
    }

    /**
     * {@code rungs.csv}: every trial of every rung in rung order, with its result, whether it was promoted, and
     * how many of its rung's results counted when it was.
     */
    @Override
    public Map<String, List<Map<String, Object>>> extraTables() {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int k = 0; k < rung.size(); k++) {
            Rung r = rung.get(k);
            for (int i = 0; i < r.trials.size(); i++) {
                rows.add(Rungs.row(k, r.trials.get(i), r.results.get(i), metric, r.decidedAt.get(i)));
            }
        }
        return Map.of("rungs", rows);
    }

    /**
     * Promotes each trial of rung {@code k} now in the top 1/eta of its counted results, once. A rung the epoch budget
     * has filled promotes, once all its results count, as many as halving's would: at least one, for which the budget
     * has room, where a rung smaller than eta would otherwise promote none and leave the last rung empty.
     */
    private void promoteFrom(int k) {
        Rung from = rung.get(k);
        Rung to = rung.get(k + 1);
        boolean full = from.trials.size() == capacity[k] && from.counted == from.trials.size();
        long quota = full ? rungs.promotions(from.counted) : from.counted / rungs.eta();
        for (int i : metric.best(from.results.subList(0, from.counted), quota)) {
            if (to.trials.size() >= capacity[k + 1]) {
                return;
            }
            if (from.decidedAt.putIfAbsent(i, from.counted) == null) {
                enter(k + 1, rungs.promote(from.trials.get(i), k + 1));
            }
        }
    }

    private void enter(int k, Candidate trial) {
        Rung r = rung.get(k);
        places.put(trial.id(), new Place(k, r.trials.size()));
        r.add(trial);
    }

    private Candidate handOut(int k, Candidate trial) {
        rung.get(k).asked++;
        outstanding++;
        epochsProposed += rungs.epochsAddedAt(k);
        return trial;
    }
}
