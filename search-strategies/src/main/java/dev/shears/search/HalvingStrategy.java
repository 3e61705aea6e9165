package dev.shears.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 */
public final class HalvingStrategy implements SearchStrategy {

    private static final String PROMOTED = "-r";

    private final SelectionMetric metric;
    private final int eta;
    private final List<Integer> rungEpochs;
    private final long initialCandidates;
    private final long plannedEpochs;
    private Batch rung;
    private int rungIndex;
    private long epochsProposed;
    private boolean stopped;

    /** Every option this strategy reads. */
    public static final Set<String> OPTIONS = Set.of(SelectionMetric.OPTION, "minEpochs", "maxEpochs", "eta");

    public HalvingStrategy(SearchSpace space, StrategyConfig config) {
        Options options = new Options(config, OPTIONS);
        this.metric = options.selectionMetric();
        int minEpochs = options.integer("minEpochs", 1, 1);
        int maxEpochs = options.integer("maxEpochs", 4, minEpochs);
        this.eta = options.integer("eta", 3, 2);
        this.rungEpochs = rungEpochs(minEpochs, maxEpochs, eta);

        PointSampler sampler = new PointSampler(space, new Random(config.seed()));
        long n0 = Math.min(config.budget(), sampler.capacity());
        if (config.epochBudget() > 0) {
            n0 = Math.min(n0, largestFitting(config.epochBudget(), minEpochs, maxEpochs, eta));
        }
        this.initialCandidates = n0;
        this.plannedEpochs = plannedEpochs(n0, minEpochs, maxEpochs, eta);

        List<Candidate> first = new ArrayList<>();
        for (long i = 0; i < n0; i++) {
            first.add(new Candidate(CandidateIds.of(i), sampler.fresh().orElseThrow(), rungEpochs.get(0)));
        }
        this.rung = new Batch(first);
    }

    /** Total epochs reached at each rung: minEpochs * eta^k, the last one capped at maxEpochs. */
    public static List<Integer> rungEpochs(int minEpochs, int maxEpochs, int eta) {
        List<Integer> epochs = new ArrayList<>();
        long e = minEpochs;
        while (e < maxEpochs) {
            epochs.add((int) e);
            e *= eta;
        }
        epochs.add(maxEpochs);
        return epochs;
    }

    /**
     * The epochs a search proposes when no trial fails: n0 trials of rung 0 at its epochs, then in each
     * later rung max(1, previous rung size / eta) trials at the epochs added by that rung.
     */
    public static long plannedEpochs(long n0, int minEpochs, int maxEpochs, int eta) {
        List<Integer> epochs = rungEpochs(minEpochs, maxEpochs, eta);
        long trials = n0;
        long total = trials * epochs.get(0);
        for (int k = 1; k < epochs.size(); k++) {
            trials = promotions(trials, eta);
            total += trials * (epochs.get(k) - epochs.get(k - 1));
        }
        return total;
    }

    /** The largest n0 whose planned epochs fit the budget (planned epochs grow with n0). */
    private static long largestFitting(long epochBudget, int minEpochs, int maxEpochs, int eta) {
        if (plannedEpochs(1, minEpochs, maxEpochs, eta) > epochBudget) {
            throw new IllegalArgumentException("epochBudget " + epochBudget + " is below the " + maxEpochs
                    + " epochs (maxEpochs) that one candidate needs to climb every rung");
        }
        long fits = 1;
        long tooMany = epochBudget + 1;
        while (tooMany - fits > 1) {
            long mid = fits + (tooMany - fits) / 2;
            if (plannedEpochs(mid, minEpochs, maxEpochs, eta) <= epochBudget) {
                fits = mid;
            } else {
                tooMany = mid;
            }
        }
        return fits;
    }

    private static long promotions(long rungSize, int eta) {
        return Math.max(1, rungSize / eta);
    }

    @Override
    public String name() {
        return "halving";
    }

    @Override
    public Optional<Candidate> ask() {
        Optional<Candidate> next = rung.next();
        next.ifPresent(c -> epochsProposed += epochsAddedAt(rungIndex));
        return next;
    }

    @Override
    public void tell(Candidate candidate, TrialResult result) {
        rung.record(candidate, result);
        if (rung.isComplete() && rungIndex + 1 < rungEpochs.size()) {
            promote();
        }
    }

    @Override
    public boolean isFinished() {
        return !rung.hasUnasked() && (rungIndex == rungEpochs.size() - 1 || stopped);
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
        return rungEpochs;
    }

    private int epochsAddedAt(int k) {
        return k == 0 ? rungEpochs.get(0) : rungEpochs.get(k) - rungEpochs.get(k - 1);
    }

    private void promote() {
        List<Batch.Outcome> outcomes = rung.outcomes();
        List<Integer> ranked = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) {
            if (!Double.isNaN(metric.score(outcomes.get(i).result()))) {
                ranked.add(i);
            }
        }
        // stable sort: ties keep proposal order
        ranked.sort(Comparator.comparingDouble((Integer i) -> metric.score(outcomes.get(i).result())).reversed());
        long quota = promotions(outcomes.size(), eta);
        int next = rungIndex + 1;
        List<Candidate> promoted = new ArrayList<>();
        for (int i : ranked.subList(0, (int) Math.min(quota, ranked.size()))) {
            Candidate parent = outcomes.get(i).candidate();
            promoted.add(new Candidate(rootId(parent) + PROMOTED + next, parent.params(), rungEpochs.get(next), parent.id()));
        }
        rung = new Batch(promoted);
        rungIndex = next;
        stopped = promoted.isEmpty();
    }

    /** The id of the rung-0 trial a promoted trial descends from. */
    private static String rootId(Candidate trial) {
        return trial.parentId() == null ? trial.id() : trial.id().substring(0, trial.id().lastIndexOf(PROMOTED));
    }
}
