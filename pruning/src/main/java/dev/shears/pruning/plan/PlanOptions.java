package dev.shears.pruning.plan;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.ImageAugment;
import dev.shears.pruning.prune.Granularities;
import dev.shears.pruning.prune.Granularity;
import dev.shears.pruning.prune.GroupReduce;
import dev.shears.pruning.prune.Normalizer;
import dev.shears.pruning.train.RateSchedule;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The method settings a {@link PruningPlan} carries in {@code options}, read and checked once.
 * Values may be numbers, booleans or their string forms, as specs come from YAML or the command
 * line; an unknown key or a value out of range is bad input naming the key.
 *
 * <ul>
 *   <li>{@code minUnits} (integer, default 1): neurons, filters or channels that structural
 *       granularities leave in every layer, whatever the ratio.</li>
 *   <li>{@code roundTo} (integer, default 1): structural granularities keep a multiple of this many units in
 *       every layer wider than it, the nearest to what the ratio asks for (8 or 16: the channel blocks of
 *       AVX2's and AVX-512's kernels, without which fewer filters are often no faster).</li>
 *   <li>{@code normalizer} ({@code none}, {@code mean}, {@code max}, {@code sum}, {@code l2}; default
 *       {@code mean} for neuron, filter and channel granularities, else {@code none}): how each
 *       layer's group scores are scaled before the global threshold (see {@link Normalizer}).</li>
 *   <li>{@code initialSparsity} (default 0): gradual schedule's starting sparsity s_i, at most the plan's ratio.</li>
 *   <li>{@code rampFraction} (default 0.75): share of the fine-tuning steps by whose end the gradual
 *       schedule reaches the plan's ratio.</li>
 *   <li>{@code pruneEvery} (integer, default 0 = automatic): fine-tuning steps between gradual
 *       pruning events; 0 gives about 200 events over the ramp (every step of a shorter one).</li>
 *   <li>{@code adaptiveStep} (default 0.1): share of the remaining density the adaptive schedule
 *       prunes each round (ratio r becomes r + step * (1 - r)).</li>
 *   <li>{@code distillAlpha} (default 0 = off): weight of the teacher's soft targets in the
 *       fine-tuning targets, in [0, 1].</li>
 *   <li>{@code distillTemperature} (default 4): temperature applied to the teacher's logits.</li>
 *   <li>{@code rateSchedule} ({@code constant}, {@code cosine}; default {@code constant}): the fine-tuning
 *       rate over each fine-tuning phase (a one-shot plan's whole fine-tuning, a gradual plan's ramp and
 *       recovery together, each round of an iterative or adaptive plan), epoch by epoch.</li>
 *   <li>{@code rateHold} (default 0): share of each fine-tuning phase's epochs at the full rate before a cosine
 *       schedule starts its decay, in [0, 1); a gradual plan with {@code rateHold} equal to its
 *       {@code rampFraction} prunes at the full rate and decays the rate only while it recovers.</li>
 *   <li>{@code augmentShift} (integer, default 0) and {@code augmentMirror} (default false): image rows
 *       fine-tune shifted by up to this many pixels each way, and mirrored left to right half the time,
 *       drawn anew each epoch (see {@link ImageAugment}); for a model trained that way.</li>
 *   <li>{@code quantize} (default false): also evaluate a simulated int8 copy of the fine-tuned model.</li>
 *   <li>{@code shrink} (default true for neuron, filter and channel granularities, else false):
 *       rebuild a structurally pruned model with the removed units physically gone.</li>
 *   <li>{@code groupScore} ({@code producers}, {@code sum}, {@code mean}, {@code max}; default
 *       {@code producers}): how structural pruning combines the scores of a coupled group's
 *       members (see {@link GroupReduce}).</li>
 *   <li>{@code keepWhole} (layer names joined by {@code +} or commas): layers whose output units structural
 *       pruning leaves whole, such as the last one before a flatten.</li>
 * </ul>
 */
public final class PlanOptions {

    public static final String MIN_UNITS = "minUnits";
    public static final String ROUND_TO = "roundTo";
    public static final String NORMALIZER = "normalizer";
    public static final String INITIAL_SPARSITY = "initialSparsity";
    public static final String RAMP_FRACTION = "rampFraction";
    public static final String PRUNE_EVERY = "pruneEvery";
    public static final String ADAPTIVE_STEP = "adaptiveStep";
    public static final String DISTILL_ALPHA = "distillAlpha";
    public static final String DISTILL_TEMPERATURE = "distillTemperature";
    public static final String QUANTIZE = "quantize";
    public static final String SHRINK = "shrink";
    public static final String GROUP_SCORE = "groupScore";
    public static final String KEEP_WHOLE = "keepWhole";
    public static final String RATE_SCHEDULE = "rateSchedule";
    public static final String RATE_HOLD = "rateHold";
    public static final String AUGMENT_SHIFT = "augmentShift";
    public static final String AUGMENT_MIRROR = "augmentMirror";

    /** Every key {@code options} may hold. */
    public static final Set<String> KEYS = Collections.unmodifiableSet(new LinkedHashSet<>(List.of(MIN_UNITS,
            ROUND_TO, NORMALIZER, INITIAL_SPARSITY, RAMP_FRACTION, PRUNE_EVERY, ADAPTIVE_STEP, DISTILL_ALPHA,
            DISTILL_TEMPERATURE, QUANTIZE, SHRINK, GROUP_SCORE, KEEP_WHOLE, RATE_SCHEDULE, RATE_HOLD, AUGMENT_SHIFT,
            AUGMENT_MIRROR)));

    private final Map<String, Object> values;
    private final int minUnits;
    private final int roundTo;
    private final Normalizer normalizer;
    private final double initialSparsity;
    private final double rampFraction;
    private final int pruneEvery;
    private final double adaptiveStep;
    private final double distillAlpha;
    private final double distillTemperature;
    private final boolean quantize;
    private final boolean shrink;
    private final GroupReduce groupReduce;
    private final Set<String> keepWhole;
    private final RateSchedule rateSchedule;
    private final double rateHold;
    private final ImageAugment augment;

    private PlanOptions(PruningPlan plan) {
        this.values = plan.options();
        for (String key : values.keySet()) {
            if (!KEYS.contains(key)) {
                throw new BadInputException("options: '" + key + "' is not known (allowed: " + String.join(", ", KEYS) + ")");
            }
        }
        Granularity granularity = Granularities.create(plan.granularity());
        minUnits = (int) integer(MIN_UNITS, 1, 1);
        roundTo = (int) integer(ROUND_TO, 1, 1);
        normalizer = normalizer(Normalizer.defaultFor(granularity));
        initialSparsity = number(INITIAL_SPARSITY, 0, 0, false, 1, false);
        rampFraction = number(RAMP_FRACTION, 0.75, 0, false, 1, true);
        pruneEvery = (int) integer(PRUNE_EVERY, 0, 0);
        adaptiveStep = number(ADAPTIVE_STEP, 0.1, 0, false, 1, false);
        distillAlpha = number(DISTILL_ALPHA, 0, 0, true, 1, true);
        distillTemperature = number(DISTILL_TEMPERATURE, 4, 0, false, Double.POSITIVE_INFINITY, false);
        quantize = flag(QUANTIZE, false);
        shrink = flag(SHRINK, granularity.structural());
        groupReduce = values.containsKey(GROUP_SCORE) ? GroupReduce.of(values.get(GROUP_SCORE).toString().trim())
                : GroupReduce.PRODUCERS;
        keepWhole = names(values.get(KEEP_WHOLE));
        rateSchedule = values.containsKey(RATE_SCHEDULE) ? RateSchedule.of(values.get(RATE_SCHEDULE).toString())
                : RateSchedule.CONSTANT;
        rateHold = number(RATE_HOLD, 0, 0, true, 1, false);
        augment = new ImageAugment((int) integer(AUGMENT_SHIFT, 0, 0), flag(AUGMENT_MIRROR, false));
    }

    /** The plan's options with defaults filled in; throws {@link BadInputException} on a bad key or value. */
    public static PlanOptions of(PruningPlan plan) {
        return new PlanOptions(plan);
    }

    public int minUnits() {
        return minUnits;
    }

    public int roundTo() {
        return roundTo;
    }

    public Normalizer normalizer() {
        return normalizer;
    }

    public double initialSparsity() {
        return initialSparsity;
    }

    public double rampFraction() {
        return rampFraction;
    }

    /** Steps between gradual pruning events, or 0 for the automatic choice. */
    public int pruneEvery() {
        return pruneEvery;
    }

    public double adaptiveStep() {
        return adaptiveStep;
    }

    public double distillAlpha() {
        return distillAlpha;
    }

    public boolean distill() {
        return distillAlpha > 0;
    }

    public double distillTemperature() {
        return distillTemperature;
    }

    public boolean quantize() {
        return quantize;
    }

    public boolean shrink() {
        return shrink;
    }

    public GroupReduce groupReduce() {
        return groupReduce;
    }

    public Set<String> keepWhole() {
        return keepWhole;
    }

    public RateSchedule rateSchedule() {
        return rateSchedule;
    }

    /** Share of a fine-tuning phase's epochs at the full rate before the rate schedule starts. */
    public double rateHold() {
        return rateHold;
    }

    /** What fine-tuning does to the training images each epoch. */
    public ImageAugment augment() {
        return augment;
    }

    /** A list of names, from YAML or as one string joined by {@code +} or commas. */
    public static Set<String> names(Object v) {
        if (v == null) {
            return Set.of();
        }
        List<?> items = v instanceof List<?> list ? list : List.of(v.toString().split("[,+]"));
        Set<String> names = new LinkedHashSet<>();
        items.forEach(item -> names.add(item.toString().trim()));
        names.remove("");
        return Collections.unmodifiableSet(names);
    }

    private double number(String key, double fallback, double min, boolean minIncluded, double max,
                          boolean maxIncluded) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        double d;
        try {
            d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new BadInputException("options." + key + ": '" + v + "' is not a number");
        }
        boolean aboveMin = minIncluded ? d >= min : d > min;
        boolean belowMax = maxIncluded ? d <= max : d < max;
        if (!aboveMin || !belowMax) {
            throw new BadInputException("options." + key + ": " + v + " is outside " + (minIncluded ? "[" : "(")
                    + min + ", " + max + (maxIncluded ? "]" : ")"));
        }
        return d;
    }

    private long integer(String key, long fallback, long min) {
        double d = number(key, fallback, min, true, Integer.MAX_VALUE, true);
        if (d != Math.rint(d)) {
            throw new BadInputException("options." + key + ": " + values.get(key) + " is not a whole number");
        }
        return (long) d;
    }

    private Normalizer normalizer(Normalizer fallback) {
        Object v = values.get(NORMALIZER);
        if (v == null) {
            return fallback;
        }
        return Normalizer.find(v.toString().trim()).orElseThrow(() -> new BadInputException("options." + NORMALIZER
                + ": '" + v + "' is not known (allowed: " + String.join(", ", Normalizer.names()) + ")"));
    }

    private boolean flag(String key, boolean fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim();
        if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new BadInputException("options." + key + ": '" + v + "' is not a boolean (allowed: true, false)");
    }
}
