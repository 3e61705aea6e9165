package dev.shears.jobs.spec;

import dev.shears.pruning.prune.Granularities;
import dev.shears.pruning.prune.GroupReduce;
import dev.shears.pruning.prune.Normalizer;
import dev.shears.pruning.prune.Scorers;
import dev.shears.pruning.schedule.Schedules;
import dev.shears.pruning.train.RateSchedule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The search dimensions a spec's {@code space} may name, with their defaults (used when a
 * dimension is not searched) and their allowed values.
 */
public final class Dimensions {

    /** How a dimension's values are checked. */
    enum Kind {
        RATIO, FRACTION, POSITIVE, COUNT, POSITIVE_COUNT, BOOLEAN, SCORER, GRANULARITY, SCOPE, SCHEDULE, NORMALIZER, GROUP_SCORE, RATE_SCHEDULE,
        TEXT
    }

    record Def(String name, Kind kind, Object fallback, boolean planOption, String help) {
    }

    private static final Map<String, Def> DEFS = new LinkedHashMap<>();

    /** {@code ratio.<layer>}: the ratio of one named prunable layer, which the plan's per-layer ratios carry. */
    public static final String LAYER_RATIO = "ratio.";

    static {
        def("ratio", Kind.RATIO, 0.5, false,
                "share of the selected layers' weights (weight granularity) or units (neuron, filter, channel) to remove, in [0, 1)");
        def("scorer", Kind.SCORER, "magnitude", false, "importance scorer");
        def("granularity", Kind.GRANULARITY, "weight", false, "what is removed together");
        def("scope", Kind.SCOPE, "layerwise", false, "layerwise or global");
        def("layers", Kind.TEXT, "all", false, "all, hidden, or layer names/indices joined by '+'");
        def("schedule", Kind.SCHEDULE, "oneshot", false, "when pruning happens");
        def("steps", Kind.POSITIVE_COUNT, 3, false, "pruning steps of iterative and adaptive schedules");
        def("epochs", Kind.COUNT, 1, false, "fine-tuning epochs");
        def("learningRate", Kind.POSITIVE, 1e-3, false, "fine-tuning learning rate");
        def("rateSchedule", Kind.RATE_SCHEDULE, "constant", true,
                "fine-tuning rate over each fine-tuning phase, epoch by epoch: constant, or cosine (decayed from learningRate)");
        def("rateHold", Kind.RATIO, 0.0, true,
                "share of each fine-tuning phase's epochs at learningRate before rateSchedule's decay starts, in [0, 1)");
        def("augmentShift", Kind.COUNT, 0, true,
                "image rows: fine-tune on images shifted by up to this many pixels each way, drawn each epoch (0 = off)");
        def("augmentMirror", Kind.BOOLEAN, false, true,
                "image rows: fine-tune on images mirrored left to right half the time, drawn each epoch");
        def("distillAlpha", Kind.FRACTION, 0.0, true, "weight of the dense model's soft targets while fine-tuning (0 = off)");
        def("distillTemperature", Kind.POSITIVE, 4.0, true, "softmax temperature of the soft targets");
        def("quantize", Kind.BOOLEAN, false, true, "also evaluate an int8 copy of the pruned model");
        def("minUnits", Kind.POSITIVE_COUNT, 1, true, "units or filters structural pruning leaves in every layer");
        def("roundTo", Kind.POSITIVE_COUNT, 1, true, "structural pruning keeps a multiple of this many units in every "
                + "layer wider than it (8 or 16: the channel blocks of AVX2's and AVX-512's kernels)");
        def("normalizer", Kind.NORMALIZER, "mean", true,
                "global scope: what each layer's scores are divided by (default: mean for neuron, filter, channel; none for weight)");
        def("initialSparsity", Kind.RATIO, 0.0, true, "gradual schedule: sparsity at the start of the ramp");
        def("rampFraction", Kind.FRACTION, 0.75, true, "gradual schedule: share of fine-tuning steps the ramp takes");
        def("pruneEvery", Kind.COUNT, 0, true, "gradual schedule: steps between pruning events (0 = about 200 events over the ramp)");
        def("adaptiveStep", Kind.FRACTION, 0.1, true, "adaptive schedule: share of the remaining density removed per round");
        def("groupScore", Kind.GROUP_SCORE, "producers", true,
                "structural pruning: how a coupled group's members' scores combine (producers, or sum, mean, max of all)");
        def("keepWhole", Kind.TEXT, "", true, "structural pruning: layer names joined by '+' whose units all stay");
        def("shrink", Kind.BOOLEAN, false, true, "rebuild structurally pruned models physically smaller (default: yes for neuron, filter, channel)");
    }

    private Dimensions() {
    }

    private static void def(String name, Kind kind, Object fallback, boolean planOption, String help) {
        DEFS.put(name, new Def(name, kind, fallback, planOption, help));
    }

    public static Set<String> names() {
        return DEFS.keySet();
    }

    /** The definition of a dimension, {@code ratio.<layer>} included (its layer is checked against the model later). */
    static Def def(String name) {
        if (name.startsWith(LAYER_RATIO) && name.length() > LAYER_RATIO.length()) {
            return new Def(name, Kind.RATIO, null, false, "the ratio of layer " + layer(name) + " (layerwise scope)");
        }
        return DEFS.get(name);
    }

    /** The layer a {@code ratio.<layer>} dimension names, or null for any other dimension. */
    public static String layer(String dimension) {
        return dimension.startsWith(LAYER_RATIO) ? dimension.substring(LAYER_RATIO.length()) : null;
    }

    public static Object fallback(String name) {
        return DEFS.get(name).fallback();
    }

    /** Dimensions that travel in the plan's options map rather than as plan fields. */
    public static List<String> planOptions() {
        return DEFS.values().stream().filter(Def::planOption).map(Def::name).toList();
    }

    /** Null when the value is allowed, else what is allowed. */
    static String check(Def def, Object value) {
        return switch (def.kind()) {
            case RATIO -> value instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() < 1 ? null
                    : "a number in [0, 1)";
            case FRACTION -> value instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 1 ? null
                    : "a number in [0, 1]";
            case POSITIVE -> value instanceof Number n && n.doubleValue() > 0 ? null : "a number > 0";
            case COUNT -> isWhole(value) && ((Number) value).intValue() >= 0 ? null : "a whole number >= 0";
            case POSITIVE_COUNT -> isWhole(value) && ((Number) value).intValue() >= 1 ? null : "a whole number >= 1";
            case BOOLEAN -> value instanceof Boolean ? null : "true or false";
            case SCORER -> allowed(value, Scorers.names());
            case SCHEDULE -> allowed(value, Schedules.names());
            case NORMALIZER -> allowed(value, Normalizer.names());
            case GROUP_SCORE -> allowed(value, GroupReduce.names());
            case RATE_SCHEDULE -> allowed(value, RateSchedule.names());
            case SCOPE -> allowed(value, Set.of("layerwise", "global"));
            case GRANULARITY -> granularity(value);
            case TEXT -> value instanceof String s && !s.isBlank() ? null : "a non-empty text";
        };
    }

    private static boolean isWhole(Object value) {
        return value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue());
    }

    private static String allowed(Object value, Set<String> names) {
        return value instanceof String s && names.contains(s) ? null : "one of " + String.join(", ", names);
    }

    private static String granularity(Object value) {
        if (value instanceof String s) {
            try {
                Granularities.create(s);
                return null;
            } catch (RuntimeException e) {
                // reported with the allowed names below
            }
        }
        return "one of " + String.join(", ", Granularities.names());
    }
}
