package dev.shears.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The metric strategies rank trials by (option {@code metric}). Engines without a validation split report
 * only {@code accuracy}, so a trial lacking the chosen metric is ranked by that instead. A trial that breaks
 * the {@link Constraints} is never among the best, whatever its score: halving and asha do not promote it and
 * TPE counts it among the bad results.
 */
record SelectionMetric(String name, Constraints constraints) {

    static final String DEFAULT = "val_accuracy";
    /** The option that names the metric. */
    static final String OPTION = "metric";
    static final String FALLBACK = "accuracy";

    /** The trial's score, or NaN when it did not end OK or reports neither metric. */
    double score(TrialResult result) {
        if (!result.ok()) {
            return Double.NaN;
        }
        double v = result.metric(name);
        return Double.isNaN(v) ? result.metric(FALLBACK) : v;
    }

    /**
     * The positions of the best {@code quota} results, best first; a failed, diverged or infeasible trial is never
     * among them, and ties keep the earlier position.
     */
    List<Integer> best(List<TrialResult> results, long quota) {
        List<Integer> ranked = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (!Double.isNaN(score(results.get(i))) && constraints.feasible(results.get(i))) {
                ranked.add(i);
            }
        }
        // stable sort: ties keep proposal order
        ranked.sort(Comparator.comparingDouble((Integer i) -> score(results.get(i))).reversed());
        return ranked.subList(0, (int) Math.min(quota, ranked.size()));
    }
}
