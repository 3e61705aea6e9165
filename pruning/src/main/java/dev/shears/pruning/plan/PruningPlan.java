package dev.shears.pruning.plan;

import dev.shears.pruning.metrics.Tolerance;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything needed to prune and fine-tune one candidate, in plain values so it ships to executors.
 *
 * @param scorer             importance scorer name
 * @param granularity        granularity name
 * @param scope              {@code layerwise} or {@code global}
 * @param layers             layer selection: {@code all}, {@code hidden}, or names/indices
 * @param ratio              target sparsity of the selected layers, in [0, 1): the share of weights, or of
 *                           units (neurons, filters, channels) for structural granularities; N:M fixes its own
 * @param layerRatios        per-layer ratio overrides by layer name
 * @param schedule           schedule name
 * @param steps              rounds of the iterative schedule; the adaptive schedule fine-tunes
 *                           {@code max(1, epochs / steps)} epochs a round
 * @param epochs             fine-tuning epochs
 * @param learningRate       fine-tuning learning rate
 * @param batchSize          fine-tuning batch size
 * @param calibrationBatches batches of training data that data-driven scorers look at
 * @param tolerance          the accuracy drop the adaptive schedule may not exceed, as the final choice reads it
 * @param seed               seeds scoring, shuffling and initialisation for this candidate
 * @param options            further method settings by name (distillation, quantisation, ...): see {@link PlanOptions}
 */
public record PruningPlan(String scorer, String granularity, String scope, String layers, double ratio,
                          Map<String, Double> layerRatios, String schedule, int steps, int epochs,
                          double learningRate, int batchSize, int calibrationBatches, Tolerance tolerance,
                          long seed, Map<String, Object> options) implements Serializable {

    public PruningPlan {
        layerRatios = Collections.unmodifiableMap(new LinkedHashMap<>(layerRatios));
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** A one-shot magnitude plan with common defaults, to start from in code and tests. */
    public static PruningPlan magnitude(double ratio, int epochs) {
        return new PruningPlan("magnitude", "weight", "layerwise", "all", ratio, Map.of(), "oneshot", 3, epochs,
                1e-3, 128, 4, Tolerance.of(0.02), 1L, Map.of());
    }

    public PruningPlan withRatio(double newRatio) {
        return new PruningPlan(scorer, granularity, scope, layers, newRatio, layerRatios, schedule, steps, epochs,
                learningRate, batchSize, calibrationBatches, tolerance, seed, options);
    }

    public PruningPlan withEpochs(int newEpochs) {
        return new PruningPlan(scorer, granularity, scope, layers, ratio, layerRatios, schedule, steps, newEpochs,
                learningRate, batchSize, calibrationBatches, tolerance, seed, options);
    }

    /** The same plan with other method settings (see {@link PlanOptions} for the keys). */
    public PruningPlan withOptions(Map<String, Object> newOptions) {
        return new PruningPlan(scorer, granularity, scope, layers, ratio, layerRatios, schedule, steps, epochs,
                learningRate, batchSize, calibrationBatches, tolerance, seed, newOptions);
    }

    public PruningPlan with(String newScorer, String newGranularity, String newScope, String newSchedule) {
        return new PruningPlan(newScorer, newGranularity, newScope, layers, ratio, layerRatios, newSchedule, steps,
                epochs, learningRate, batchSize, calibrationBatches, tolerance, seed, options);
    }
}
