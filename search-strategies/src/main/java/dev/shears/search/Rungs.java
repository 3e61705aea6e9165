package dev.shears.search;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rungs of the successive-halving strategies ({@code halving}, {@code asha}): fine-tuning epochs as
 * the fidelity, {@code minEpochs * eta^k} epochs at rung k and {@code maxEpochs} at the last. What both
 * share lives here: the options, the epochs of each rung, the epochs a search plans, how a promoted trial is
 * named and continues its parent, and the rows of {@code rungs.csv}.
 */
final class Rungs {

    /** Every option the successive-halving strategies read. */
    static final Set<String> OPTIONS = Set.of(SelectionMetric.OPTION, "minEpochs", "maxEpochs", "eta");

    private static final String PROMOTED = "-r";

    private final List<Integer> epochs;
    private final int eta;

    Rungs(int minEpochs, int maxEpochs, int eta) {
        this.eta = eta;
        List<Integer> e = new ArrayList<>();
        long reached = minEpochs;
        while (reached < maxEpochs) {
            e.add((int) reached);
            reached *= eta;
        }
        e.add(maxEpochs);
        this.epochs = Collections.unmodifiableList(e);
    }

    /** The rungs the options {@code minEpochs}, {@code maxEpochs} and {@code eta} describe. */
    static Rungs of(Options options) {
        int minEpochs = options.integer("minEpochs", 1, 1);
        return new Rungs(minEpochs, options.integer("maxEpochs", 4, minEpochs), options.integer("eta", 3, 2));
    }

    /** Total epochs reached at each rung. */
    List<Integer> epochs() {
        return epochs;
    }

    int count() {
        return epochs.size();
    }

    int eta() {
        return eta;
    }

    boolean isLast(int rung) {
        return rung == epochs.size() - 1;
    }

    /** The epochs a trial of {@code rung} adds to the trial it continues (all of them at rung 0). */
    int epochsAddedAt(int rung) {
        return rung == 0 ? epochs.get(0) : epochs.get(rung) - epochs.get(rung - 1);
    }

    /** How many of a rung of {@code size} trials the synchronous schedule promotes: the best 1/eta, at least one. */
    long promotions(long size) {
        return Math.max(1, size / eta);
    }

    /** Trials in each rung of the synchronous schedule that starts {@code n0} candidates. */
    long[] plannedSizes(long n0) {
        long[] sizes = new long[epochs.size()];
        sizes[0] = n0;
        for (int k = 1; k < sizes.length; k++) {
            sizes[k] = promotions(sizes[k - 1]);
        }
        return sizes;
    }

    /** The epochs of the synchronous schedule when no trial fails, counting only what each promotion adds. */
    long plannedEpochs(long n0) {
        long[] sizes = plannedSizes(n0);
        long total = 0;
        for (int k = 0; k < sizes.length; k++) {
            total += sizes[k] * epochsAddedAt(k);
        }
        return total;
    }

    /** The largest n0 whose planned epochs fit {@code epochBudget} (planned epochs grow with n0). */
    long largestFitting(long epochBudget) {
        if (plannedEpochs(1) > epochBudget) {
            throw new IllegalArgumentException("epochBudget " + epochBudget + " is below the " + epochs.get(epochs.size() - 1)
                    + " epochs (maxEpochs) that one candidate needs to climb every rung");
        }
        long fits = 1;
        long tooMany = epochBudget + 1;
        while (tooMany - fits > 1) {
            long mid = fits + (tooMany - fits) / 2;
            if (plannedEpochs(mid) <= epochBudget) {
                fits = mid;
            } else {
                tooMany = mid;
            }
        }
        return fits;
    }

    /**
     * {@code parent} continued to {@code rung}: a new candidate ({@code <root id>-r<rung>}) with the same params,
     * whose fidelity is the total epochs of that rung and whose parentId makes the engine resume from the
     * parent's fine-tuned weights, spending only the epochs the rung adds.
     */
    Candidate promote(Candidate parent, int rung) {
        String root = parent.parentId() == null ? parent.id() : parent.id().substring(0, parent.id().lastIndexOf(PROMOTED));
        return new Candidate(root + PROMOTED + rung, parent.params(), epochs.get(rung), parent.id());
    }

    /**
     * One row of {@code rungs.csv}; under constraints also whether the trial keeps them and which it breaks, as the
     * result table says ({@code constraints_ok}, {@code violates}), since a trial that breaks one is never promoted.
     *
     * @param result    null while the trial is outstanding
     * @param decidedAt for a promoted trial, how many of its rung's results (in the rung's order) were in when
     *                  its promotion was decided; null otherwise
     */
    static Map<String, Object> row(int rung, Candidate trial, TrialResult result, SelectionMetric metric,
                                   Integer decidedAt) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("rung", rung);
        row.put("epochs", trial.fidelity());
        row.put("candidate", trial.id());
        row.put("parent", trial.parentId());
        row.put("status", result == null ? null : result.status());
        row.put(metric.name(), result == null ? Double.NaN : metric.score(result));
        Constraints constraints = metric.constraints();
        if (!constraints.isEmpty()) {
            // like the table: only a trial that ended OK is judged
            List<String> violated = result == null || !result.ok() ? null : constraints.violated(result.metrics());
            row.put("constraints_ok", violated == null ? null : violated.isEmpty());
            row.put("violates", violated == null || violated.isEmpty() ? null : String.join(";", violated));
        }
        row.put("promoted", decidedAt == null ? "no" : "yes");
        row.put("decided_at", decidedAt);
        return row;
    }
}
