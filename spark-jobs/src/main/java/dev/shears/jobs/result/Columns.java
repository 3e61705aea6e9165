package dev.shears.jobs.result;

import dev.shears.jobs.result.Column.Presence;
import dev.shears.jobs.result.Column.Type;
import dev.shears.pruning.plan.PlanOptions;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.Metrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * The column catalogue: every column of the result table, in the order the table shows them (the
 * required columns first, provenance last). CSV, JSON, Parquet, the console, the report, changes
 * and history all read rows through these columns; a new column is one line here.
 */
public final class Columns {

    private static final List<Column> ALL = new ArrayList<>();
    /** The columns a trial's outcome fills: what strategies are told. */
    private static final List<Column> FIGURES = new ArrayList<>();

    public static final Column RANK = add("rank", Type.WHOLE, Row::rank);
    public static final Column CANDIDATE = add("candidate", Type.TEXT, r -> r.trial().candidate());
    public static final Column SCORER = method("scorer", Type.TEXT, PruningPlan::scorer);
    public static final Column GRANULARITY = method("granularity", Type.TEXT, PruningPlan::granularity);
    public static final Column SCOPE = method("scope", Type.TEXT, PruningPlan::scope);
    public static final Column LAYERS = method("layers", Type.TEXT, PruningPlan::layers);
    public static final Column SCHEDULE = method("schedule", Type.TEXT, PruningPlan::schedule);
    public static final Column TARGET_SPARSITY = add("target_sparsity", Type.DECIMAL,
            r -> r.trial().isBase() ? 0.0 : r.trial().plan().ratio(), Presence.VALUES, true);
    public static final Column SPARSITY = metric("sparsity", Type.DECIMAL, Metrics::sparsity);
    public static final Column PARAMS_TOTAL = metric("params_total", Type.WHOLE, Metrics::paramsTotal);
    public static final Column PARAMS_NONZERO = metric("params_nonzero", Type.WHOLE, Metrics::paramsNonzero);
    public static final Column COMPRESSION = metric("compression", Type.DECIMAL, Metrics::compression);
    public static final Column ACCURACY = metric("accuracy", Type.DECIMAL, Metrics::accuracy);
    public static final Column ACCURACY_DROP = metric("accuracy_drop", Type.DECIMAL, Metrics::accuracyDrop);
    public static final Column STATUS = add("status", Type.TEXT, r -> r.trial().status());
    public static final Column ERROR = add("error", Type.TEXT, r -> r.trial().outcome().error(), Presence.ALWAYS, false);
    public static final Column STRATEGY = add("strategy", Type.TEXT, r -> r.trial().strategy());
    public static final Column EPOCHS = add("epochs", Type.WHOLE, r -> r.trial().epochs(), Presence.VALUES, true);
    public static final Column TRIAL_EPOCHS = candidate("trial_epochs", Type.WHOLE, t -> t.outcome().epochsSpent());
    public static final Column LEARNING_RATE = method("learning_rate", Type.DECIMAL, PruningPlan::learningRate);
    public static final Column STEPS = plan("steps", Type.WHOLE,
            p -> p.schedule().equals("iterative") || p.schedule().equals("adaptive") ? p.steps() : null);
    public static final Column VAL_ACCURACY = metric("val_accuracy", Type.DECIMAL, Metrics::valAccuracy);
    public static final Column VAL_ACCURACY_DROP = metric("val_accuracy_drop", Type.DECIMAL, Metrics::valAccuracyDrop);
    /** The standard errors of the two drops, paired on the same rows: what objective.confidence allows for. */
    public static final Column VAL_ACCURACY_DROP_SE = metric("val_accuracy_drop_se", Type.DECIMAL,
            Metrics::valAccuracyDropSe);
    public static final Column ACCURACY_DROP_SE = metric("accuracy_drop_se", Type.DECIMAL, Metrics::accuracyDropSe);
    public static final Column LOSS = metric("loss", Type.DECIMAL, Metrics::loss);
    public static final Column MODEL_SPARSITY = metric("model_sparsity", Type.DECIMAL, Metrics::modelSparsity);
    public static final Column FLOPS = metric("flops", Type.WHOLE, Metrics::flops);
    public static final Column FLOPS_REDUCTION = metric("flops_reduction", Type.DECIMAL, Metrics::flopsReduction);
    public static final Column SIZE_DENSE_BYTES = metric("size_dense_bytes", Type.WHOLE, Metrics::sizeDenseBytes);
    public static final Column SIZE_SPARSE_BYTES = metric("size_sparse_bytes", Type.WHOLE, Metrics::sizeSparseBytes);
    public static final Column SIZE_COMPACT_BYTES = metric("size_compact_bytes", Type.WHOLE, Metrics::sizeCompactBytes);
    public static final Column LATENCY_B1_MS = latency("latency_b1_ms", Type.DECIMAL, Metrics.Latency::b1Ms);
    public static final Column LATENCY_B64_MS = latency("latency_b64_ms", Type.DECIMAL, Metrics.Latency::b64Ms);
    public static final Column SPEEDUP_B1 = latency("speedup_b1", Type.DECIMAL, Metrics.Latency::speedupB1);
    public static final Column SPEEDUP_B64 = latency("speedup_b64", Type.DECIMAL, Metrics.Latency::speedupB64);
    public static final Column LATENCY_SOURCE = latency("latency_source", Type.TEXT, l -> l.source().label());
    public static final Column LATENCY_SECONDS = latency("latency_seconds", Type.DECIMAL, Metrics.Latency::seconds);
    public static final Column FINETUNE_SECONDS = run("finetune_seconds", Type.DECIMAL, CandidateOutcome.Run::finetuneSeconds);
    /** When the trial started and ended where it ran (ISO-8601, UTC): what slot utilisation is computed from. */
    public static final Column STARTED_AT = span("started_at", CandidateOutcome.Span::startMillis);
    public static final Column ENDED_AT = span("ended_at", CandidateOutcome.Span::endMillis);
    public static final Column CACHED = candidate("cached", Type.FLAG, Trial::cached);
    public static final Column MEETS_TOLERANCE = add("meets_tolerance", Type.FLAG, Row::meetsTolerance);
    public static final Column PARETO = add("pareto", Type.FLAG, Row::pareto);
    public static final Column PARETO_LATENCY = add("pareto_latency", Type.FLAG, Row::paretoLatency);
    public static final Column CONSTRAINTS_OK = add("constraints_ok", Type.FLAG, Row::constraintsOk);
    public static final Column VIOLATES = add("violates", Type.TEXT,
            r -> r.violates() == null || r.violates().isEmpty() ? null : String.join(";", r.violates()));
    public static final Column SHRUNK = run("shrunk", Type.FLAG, CandidateOutcome.Run::shrunk);
    public static final Column FINAL_RATIO = run("final_ratio", Type.DECIMAL, CandidateOutcome.Run::finalRatio);
    public static final Column ACCURACY_INT8 = int8("accuracy_int8", Type.DECIMAL, Metrics.Int8::accuracy);
    public static final Column ACCURACY_DROP_INT8 = int8("accuracy_drop_int8", Type.DECIMAL, Metrics.Int8::accuracyDrop);
    public static final Column SIZE_INT8_BYTES = int8("size_int8_bytes", Type.WHOLE, Metrics.Int8::sizeBytes);
    /** One column per plan option ({@code distillAlpha} is {@code distill_alpha}), in {@link PlanOptions#KEYS} order. */
    public static final List<Column> OPTIONS = PlanOptions.KEYS.stream()
            .map(k -> method(optionColumn(k), optionType(k), p -> p.options().get(k))).toList();
    public static final Column LAYER_RATIOS = method("layer_ratios", Type.TEXT, p -> p.layerRatios().isEmpty() ? null
            : p.layerRatios().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";")));
    public static final Column FIDELITY = candidate("fidelity", Type.WHOLE, Trial::fidelity);
    public static final Column PARENT = add("parent", Type.TEXT, r -> r.trial().parent(), Presence.CANDIDATES, false);
    public static final Column SEED = provenance("seed", Type.WHOLE, Provenance::seed);
    public static final Column SPEC_HASH = provenance("spec_hash", Type.TEXT, Provenance::specHash);
    public static final Column DATA_HASH = provenance("data_hash", Type.TEXT, Provenance::dataHash);
    public static final Column BASE_MODEL_HASH = provenance("base_model_hash", Type.TEXT, Provenance::baseModelHash);
    public static final Column SHEARS_VERSION = provenance("shears_version", Type.TEXT, Provenance::shearsVersion);
    public static final Column DL4J_VERSION = provenance("dl4j_version", Type.TEXT, Provenance::dl4jVersion);
    public static final Column SPARK_VERSION = provenance("spark_version", Type.TEXT, Provenance::sparkVersion);
    /** Share of zero weights per layer: in results.json only. */
    public static final Column LAYER_SPARSITY = metric("layer_sparsity", Type.NESTED, Metrics::layerSparsity);

    private Columns() {
    }

    /** The flat columns {@code rows} have, in table order: what CSV, Parquet and the console show. */
    public static List<Column> of(List<Row> rows) {
        boolean candidates = rows.stream().anyMatch(r -> !r.trial().isBase());
        return ALL.stream().filter(c -> c.type() != Type.NESTED).filter(c -> switch (c.presence()) {
            case ALWAYS -> true;
            case CANDIDATES -> candidates;
            case VALUES -> rows.stream().anyMatch(r -> r.get(c) != null);
        }).toList();
    }

    /** The columns that say how a candidate was pruned: what identifies it across runs. */
    public static List<Column> method() {
        return ALL.stream().filter(Column::method).toList();
    }

    /** The column of a plan option or dimension: {@code distillAlpha} is {@code distill_alpha}. */
    private static String optionColumn(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /** An outcome's figures by column name: what strategies are told (see {@code TrialResult}). */
    public static Map<String, Double> figures(CandidateOutcome outcome) {
        // the figure columns read the outcome alone: a row around it with nothing else set is enough
        Row row = new Row(new Trial(null, null, null, outcome, 0, false, 0, null, null), 0, false, false, null, null);
        Map<String, Double> numbers = new LinkedHashMap<>();
        for (Column c : FIGURES) {
            if (row.get(c) instanceof Number n) {
                numbers.put(c.name(), n.doubleValue());
            }
        }
        return numbers;
    }

    private static Type optionType(String key) {
        return switch (key) {
            case PlanOptions.MIN_UNITS, PlanOptions.ROUND_TO, PlanOptions.PRUNE_EVERY, PlanOptions.AUGMENT_SHIFT ->
                    Type.WHOLE;
            case PlanOptions.INITIAL_SPARSITY, PlanOptions.RAMP_FRACTION, PlanOptions.ADAPTIVE_STEP,
                    PlanOptions.DISTILL_ALPHA, PlanOptions.DISTILL_TEMPERATURE, PlanOptions.RATE_HOLD -> Type.DECIMAL;
            case PlanOptions.QUANTIZE, PlanOptions.SHRINK, PlanOptions.AUGMENT_MIRROR -> Type.FLAG;
            default -> Type.TEXT;
        };
    }

    private static Column add(String name, Type type, Function<Row, Object> reader) {
        return add(name, type, reader, Presence.VALUES, false);
    }

    private static Column add(String name, Type type, Function<Row, Object> reader, Presence presence, boolean method) {
        Column c = new Column(name, type, reader, presence, method);
        ALL.add(c);
        return c;
    }

    private static Column plan(String name, Type type, Function<PruningPlan, Object> reader) {
        return add(name, type, r -> r.trial().isBase() ? null : reader.apply(r.trial().plan()));
    }

    private static Column method(String name, Type type, Function<PruningPlan, Object> reader) {
        return add(name, type, r -> r.trial().isBase() ? null : reader.apply(r.trial().plan()), Presence.VALUES, true);
    }

    private static Column candidate(String name, Type type, Function<Trial, Object> reader) {
        return add(name, type, r -> r.trial().isBase() ? null : reader.apply(r.trial()));
    }

    private static Column metric(String name, Type type, Function<Metrics, Object> reader) {
        return figure(add(name, type, r -> r.trial().metrics() == null ? null : reader.apply(r.trial().metrics())));
    }

    private static Column int8(String name, Type type, Function<Metrics.Int8, Object> reader) {
        return figure(add(name, type, r -> r.trial().metrics() == null || r.trial().metrics().int8() == null ? null
                : reader.apply(r.trial().metrics().int8())));
    }

    private static Column run(String name, Type type, Function<CandidateOutcome.Run, Object> reader) {
        return figure(add(name, type, r -> r.trial().outcome().run() == null ? null
                : reader.apply(r.trial().outcome().run())));
    }

    private static Column span(String name, ToLongFunction<CandidateOutcome.Span> millis) {
        return candidate(name, Type.TEXT, t -> t.outcome().span() == null ? null
                : Instant.ofEpochMilli(millis.applyAsLong(t.outcome().span())).toString());
    }

    private static Column figure(Column c) {
        FIGURES.add(c);
        return c;
    }

    private static Column latency(String name, Type type, Function<Metrics.Latency, Object> reader) {
        return figure(add(name, type, r -> r.trial().latency() == null ? null : reader.apply(r.trial().latency())));
    }

    private static Column provenance(String name, Type type, Function<Provenance, Object> reader) {
        return add(name, type, r -> reader.apply(r.trial().provenance()));
    }
}
