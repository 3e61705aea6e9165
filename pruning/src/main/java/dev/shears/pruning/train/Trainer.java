package dev.shears.pruning.train;

import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.prune.MaskSet;
import dev.shears.pruning.run.TrialDeadline;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

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

    /**
     * @param targets training targets in place of the one-hot labels (soft labels, as distillation
     *                uses): {@code data.size() x data.numClasses()} values, row-major in data's row
     *                order; null trains on the labels
     */
    public static void fit(MultiLayerNetwork net, LabeledData data, float[] targets, int epochs, int batchSize,
                           double learningRate, long seed, MaskSet mask, StepHook hook) {
        if (learningRate > 0) {
            net.setLearningRate(learningRate);
        }
        long total = epochs * stepsPerEpoch(data, batchSize);
        long step = 0;
        int classes = data.numClasses();
        for (int epoch = 0; epoch < epochs; epoch++) {
            int[] order = data.permutation(seed * 31 + epoch);
            for (int from = 0; from < order.length; from += batchSize) {
                int to = Math.min(order.length, from + batchSize);
                TrialDeadline.check();
                DataSet batch = data.batch(order, from, to);
                if (targets != null) {
                    float[] y = new float[(to - from) * classes];
                    for (int i = from; i < to; i++) {
                        System.arraycopy(targets, order[i] * classes, y, (i - from) * classes, classes);
                    }
                    batch.setLabels(Nd4j.create(y, new long[] {to - from, classes}));
                }
                net.fit(batch);
                if (mask != null) {
                    mask.apply(net);
                }
                step++;
                if (hook != null) {
                    hook.afterStep(step, total);
                }
            }
        }
    }

    public static void fit(MultiLayerNetwork net, LabeledData data, int epochs, int batchSize, double learningRate,
                           long seed, MaskSet mask, StepHook hook) {
        fit(net, data, null, epochs, batchSize, learningRate, seed, mask, hook);
    }

    public static void fit(MultiLayerNetwork net, LabeledData data, int epochs, int batchSize, double learningRate,
                           long seed, MaskSet mask) {
        fit(net, data, null, epochs, batchSize, learningRate, seed, mask, null);
    }
}
