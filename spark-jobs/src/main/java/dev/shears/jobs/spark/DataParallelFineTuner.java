package dev.shears.jobs.spark;

import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.MaskSet;
import dev.shears.pruning.train.Evaluator;
import dev.shears.pruning.train.FineTuner;
import dev.shears.pruning.train.Trainer;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Trains one network data-parallel across the cluster with dl4j-spark parameter averaging, for
 * models or data too large for one task. Workers do not see the pruning mask, so it is re-applied
 * after every epoch (an averaging round), and schedule hooks run once per epoch: a pruned model
 * ends each epoch with its pruned weights exactly zero, but they may move within an epoch.
 */
public final class DataParallelFineTuner implements FineTuner {

    private final JavaSparkContext jsc;
    private final int averagingFrequency;
    private final int workers;

    /**
     * @param averagingFrequency mini-batches each worker fits between parameter averagings
     * @param workers            tasks training at once (0 = Spark's default parallelism)
     */
    public DataParallelFineTuner(JavaSparkContext jsc, int averagingFrequency, int workers) {
        this.jsc = jsc;
        this.averagingFrequency = averagingFrequency;
        this.workers = workers;
    }

    /** Scored by Spark tasks too: a data set too large for one task is also too large to score in one. */
    @Override
    public Evaluator.Score evaluate(Network net, LabeledData data) {
        return DistributedTraining.evaluate(jsc, net, data);
    }

    @Override
    public void fit(Network net, LabeledData data, float[] targets, int epochs, int batchSize,
                    double learningRate, long seed, MaskSet mask, Trainer.StepHook hook) {
        if (targets != null) {
            throw new UnsupportedOperationException(
                    "distillation is not available with search.execution: data-parallel (use per-candidate)");
        }
        if (learningRate > 0) {
            net.setLearningRate(learningRate);
        }
        long perEpoch = Trainer.stepsPerEpoch(data, batchSize);
        for (int epoch = 0; epoch < epochs; epoch++) {
            Network trained = DistributedTraining.fit(jsc, net, data, 1,
                    new DistributedTraining.Settings(batchSize, averagingFrequency, workers, seed * 31 + epoch));
            if (trained.model() != net.model()) {
                net.setParams(trained.params());
            }
            if (mask != null) {
                mask.apply(net);
            }
            if (hook != null) {
                hook.afterStep((epoch + 1) * perEpoch, epochs * perEpoch);
            }
        }
    }
}
