package dev.shears.benchmarks;

import dev.shears.pruning.data.ImageAugment;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.MaskSet;
import dev.shears.pruning.train.Evaluator;
import dev.shears.pruning.train.RateSchedule;
import dev.shears.pruning.train.Trainer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training for a fixed number of epochs that keeps the epoch with the best validation accuracy
 * (early stopping without stopping), the learning rate decayed along a half cosine from epoch to
 * epoch (a constant rate left ResNet-8 a point and a half short of what it reaches): the quality
 * benchmark's dense baselines are trained this way, and so are its retraining controls, so that
 * both get the same chance.
 */
final class BestEpoch {

    /**
     * @param epoch              the kept epoch, 1-based
     * @param validationAccuracy its validation accuracy
     * @param epochs             epochs trained in all
     * @param early              the parameters after the first epoch: what late rewinding goes back to
     */
    record Result(int epoch, double validationAccuracy, int epochs, INDArray early) {
    }

    private BestEpoch() {
    }

    /**
     * Trains {@code net} in place (the mask held, when given) and leaves it with the parameters
     * of its best epoch on {@code validation}; the first epoch wins ties. Each epoch trains on
     * {@code train} augmented afresh (validation is never augmented).
     */
    static Result fit(Network net, LabeledData train, LabeledData validation, int epochs,
                      int batchSize, double learningRate, long seed, MaskSet mask, ImageAugment augment) {
        long perEpoch = Trainer.stepsPerEpoch(train, batchSize);
        double[] best = {Double.NEGATIVE_INFINITY};
        int[] bestEpoch = {0};
        INDArray[] bestParams = {net.params().dup()};
        INDArray[] early = {null};
        for (int e = 0; e < epochs; e++) {
            int epoch = e + 1;
            // one epoch per call, each at its rate; DL4J keeps the updater's state when the rate changes
            double rate = RateSchedule.COSINE.rate(learningRate, e, epochs);
            Trainer.fit(net, augment.apply(train, seed * 1_000_003L + e), null, 1, batchSize, rate, seed + e, mask,
                    (step, total) -> {
                if (step == perEpoch) {
                    if (epoch == 1) {
                        early[0] = net.params().dup();
                    }
                    double accuracy = Evaluator.evaluate(net, validation).accuracy();
                    if (accuracy > best[0]) {
                        best[0] = accuracy;
                        bestEpoch[0] = epoch;
                        bestParams[0] = net.params().dup();
                    }
                }
            });
        }
        net.setParams(bestParams[0]);
        return new Result(bestEpoch[0], best[0], epochs, early[0]);
    }
}
