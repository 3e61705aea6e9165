package dev.shears.pruning.train;

import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.MaskSet;

/**
 * Mini-batch training with a seeded shuffle. When a mask is given it is re-applied after every
 * update, so pruned weights stay exactly zero while the rest fine-tune.
 */
public final class Trainer {

    /** Called after every update (after the mask is re-applied); may change the mask, as gradual pruning does. */
    @FunctionalInterface
    public interface StepHook {
        void afterStep(long step, long totalSteps);
    }

    private Trainer() {
    }

    /** Mini-batches per epoch for this data and batch size. */
    public static long stepsPerEpoch(LabeledData data, int batchSize) {
        return (data.size() + batchSize - 1) / batchSize;
    }

    /** One update on the rows {@code order[from..to)}, the mask re-applied after it. */
    @FunctionalInterface
    interface Step {
        void step(int[] order, int from, int to);

        /** A hook ran since the last step: the network's parameters may have been changed outside the step. */
        default void changedOutside() {
        }

        /** After the last step: whatever the step kept aside goes back into the network. */
        default void finish() {
        }
    }

    /**
     * Trains on the path {@link ComputePath#of} chooses for the network: a fast path's step where one
     * accepts it, DL4J's fit otherwise. They compute the same updates within float rounding.
     *
     * @param targets training targets in place of the one-hot labels (soft labels, as distillation
     *                uses): {@code data.size() x data.numClasses()} values, row-major in data's row
     *                order; null trains on the labels
     */
    public static void fit(Network net, LabeledData data, float[] targets, int epochs, int batchSize,
                           double learningRate, long seed, MaskSet mask, StepHook hook) {
        // setLearningRate rebuilds DL4J's updater, so the step reads it only afterwards
        setLearningRate(net, learningRate);
        loop(data, epochs, batchSize, seed, ComputePath.of(net).step(net, data, targets, mask), hook);
    }

    /** As {@link #fit}, always with DL4J's own {@code fit}: the reference the fast paths' tests compare with. */
    static void fitWithDl4j(Network net, LabeledData data, float[] targets, int epochs,
                            int batchSize, double learningRate, long seed, MaskSet mask, StepHook hook) {
        setLearningRate(net, learningRate);
        loop(data, epochs, batchSize, seed, dl4jStep(net, data, targets, mask), hook);
    }

    private static void setLearningRate(Network net, double learningRate) {
        if (learningRate > 0) {
            net.setLearningRate(learningRate);
        }
    }

    static Step dl4jStep(Network net, LabeledData data, float[] targets, MaskSet mask) {
        return (order, from, to) -> {
            net.fit(data.batch(order, from, to, targets));
            if (mask != null) {
                mask.apply(net);
            }
        };
    }

    /** Seeded shuffles, one per epoch, cut into batches. */
    private static void loop(LabeledData data, int epochs, int batchSize, long seed, Step step, StepHook hook) {
        long total = epochs * stepsPerEpoch(data, batchSize);
        long done = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            int[] order = data.permutation(seed * 31 + epoch);
            for (int from = 0; from < order.length; from += batchSize) {
                TrialDeadline.check();
                step.step(order, from, Math.min(order.length, from + batchSize));
                done++;
                if (hook != null) {
                    hook.afterStep(done, total);
                    step.changedOutside();
                }
            }
        }
        step.finish();
    }

    public static void fit(Network net, LabeledData data, int epochs, int batchSize, double learningRate,
                           long seed, MaskSet mask) {
        fit(net, data, null, epochs, batchSize, learningRate, seed, mask, null);
    }
}
