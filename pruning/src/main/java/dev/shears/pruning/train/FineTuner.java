package dev.shears.pruning.train;

import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.MaskSet;

/**
 * Where the work on one network runs: in this JVM ({@link #LOCAL}), or data-parallel across a
 * cluster for models and data too large for one task. Training, and scoring on a split, go
 * through it alike: schedules, base-model training and measurement all use it.
 */
@FunctionalInterface
public interface FineTuner {

    /** Mini-batch training in this JVM, the mask re-applied after every update. */
    FineTuner LOCAL = Trainer::fit;

    /**
     * Trains {@code net} in place.
     *
     * @param targets soft targets in place of the labels (distillation), or null
     * @param mask    values to keep at zero, or null
     * @param hook    called after updates (a data-parallel trainer calls it once per epoch), or null
     */
    void fit(Network net, LabeledData data, float[] targets, int epochs, int batchSize, double learningRate,
             long seed, MaskSet mask, Trainer.StepHook hook);

    /** Accuracy and mean cross-entropy of {@code net} on {@code data}; in this JVM unless overridden. */
    default Evaluator.Score evaluate(Network net, LabeledData data) {
        return Evaluator.evaluate(net, data);
    }
}
