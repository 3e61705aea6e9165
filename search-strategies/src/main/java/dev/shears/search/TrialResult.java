package dev.shears.search;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a strategy is told about one trial. Metric names are the table's column names
 * (for example {@code accuracy}, {@code compression}, {@code val_accuracy}, {@code latency_b64_ms}).
 *
 * @param epochsSpent fine-tuning epochs the trial actually used (budgets may be in epochs)
 */
public record TrialResult(TrialStatus status, Map<String, Double> metrics, int epochsSpent)
        implements Serializable {

    public TrialResult {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    public static TrialResult failed(int epochsSpent) {
        return new TrialResult(TrialStatus.FAILED, Map.of(), epochsSpent);
    }

    public boolean ok() {
        return status == TrialStatus.OK;
    }

    /** The metric, or NaN when absent. */
    public double metric(String name) {
        Double v = metrics.get(name);
        return v == null ? Double.NaN : v;
    }
}
