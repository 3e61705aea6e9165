package dev.shears.search;

/**
 * The metric strategies rank trials by (option {@code metric}). Engines without a validation split report
 * only {@code accuracy}, so a trial lacking the chosen metric is ranked by that instead.
 */
record SelectionMetric(String name) {

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
}
