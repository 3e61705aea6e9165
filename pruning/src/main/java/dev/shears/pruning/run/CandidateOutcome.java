package dev.shears.pruning.run;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What evaluating one candidate produced.
 *
 * @param status        {@code OK}, {@code FAILED}, {@code DIVERGED} or {@code TIMEOUT}
 * @param error         why it failed, or null
 * @param metrics       table columns by name (accuracy, compression, flops, latency, ...)
 * @param layerSparsity share of zero weights per layer
 * @param epochsSpent   fine-tuning epochs actually run
 * @param model         the pruned model's file bytes when asked for, else null
 */
public record CandidateOutcome(String status, String error, Map<String, Object> metrics,
                              Map<String, Double> layerSparsity, int epochsSpent, byte[] model) implements Serializable {

    public CandidateOutcome {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        layerSparsity = Collections.unmodifiableMap(new LinkedHashMap<>(layerSparsity));
    }

    public static CandidateOutcome failed(Throwable e, int epochsSpent) {
        String msg = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new CandidateOutcome("FAILED", msg.replace('\n', ' '), Map.of(), Map.of(), epochsSpent, null);
    }

    public double metric(String name) {
        Object v = metrics.get(name);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
