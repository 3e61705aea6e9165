package dev.shears.search;

import java.util.List;

/**
 * The metrics a multi-objective search trades off. Each is maximised unless its name starts with
 * {@code -}; values are sign-flipped so that {@link Pareto} can treat every objective as maximised.
 */
final class Objectives {

    // validation, not test: the test split only reports what was chosen
    static final List<String> DEFAULT = List.of("val_accuracy", "compression");

    private final List<String> metrics;
    private final boolean[] minimised;

    Objectives(List<String> names) {
        this.metrics = names.stream().map(n -> n.startsWith("-") ? n.substring(1).trim() : n).toList();
        this.minimised = new boolean[names.size()];
        for (int i = 0; i < names.size(); i++) {
            minimised[i] = names.get(i).startsWith("-");
            if (metrics.get(i).isEmpty()) {
                throw Options.invalid("objectives", "metric names, each optionally prefixed with '-' to minimise", names);
            }
        }
    }

    /** The trial's objective values, all to be maximised, or null when it failed or lacks one of them. */
    double[] of(TrialResult result) {
        if (!result.ok()) {
            return null;
        }
        double[] values = new double[metrics.size()];
        for (int i = 0; i < values.length; i++) {
            double v = result.metric(metrics.get(i));
            if (Double.isNaN(v)) {
                return null;
            }
            values[i] = minimised[i] ? -v : v;
        }
        return values;
    }
}
