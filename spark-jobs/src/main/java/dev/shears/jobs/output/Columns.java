package dev.shears.jobs.output;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The table's column order: the required columns first, then the rest as rows first mention them. */
public final class Columns {

    public static final List<String> REQUIRED = List.of("rank", "candidate", "scorer", "granularity", "scope", "layers",
            "schedule", "target_sparsity", "sparsity", "params_total", "params_nonzero", "compression", "accuracy",
            "accuracy_drop", "status");

    /** After the required columns, in this order where present; provenance last. */
    private static final List<String> FOLLOWING = List.of("error", "strategy", "epochs", "trial_epochs", "learning_rate", "steps",
            "val_accuracy", "val_accuracy_drop", "loss", "model_sparsity", "flops", "flops_reduction", "size_dense_bytes",
            "size_sparse_bytes", "latency_b1_ms", "latency_b64_ms", "speedup_b1", "speedup_b64", "finetune_seconds", "cached", "meets_tolerance", "pareto");
    private static final List<String> PROVENANCE = List.of("fidelity", "parent", "seed", "spec_hash", "data_hash",
            "base_model_hash", "shears_version", "dl4j_version", "spark_version");

    /** Columns that hold nested values: in results.json only. */
    public static final Set<String> NESTED = Set.of("layer_sparsity");

    private Columns() {
    }

    public static List<String> of(List<Map<String, Object>> rows) {
        Set<String> present = new LinkedHashSet<>();
        rows.forEach(r -> present.addAll(r.keySet()));
        Set<String> cols = new LinkedHashSet<>(REQUIRED);
        FOLLOWING.stream().filter(c -> c.equals("error") || present.contains(c)).forEach(cols::add);
        present.stream().filter(c -> !NESTED.contains(c) && !PROVENANCE.contains(c)).forEach(cols::add);
        PROVENANCE.stream().filter(present::contains).forEach(cols::add);
        return new ArrayList<>(cols);
    }
}
