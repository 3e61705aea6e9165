package dev.shears.pruning.prune;

import dev.shears.pruning.model.PrunableLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Optimal-Brain-Damage saliency with the diagonal empirical Fisher in place of the Hessian:
 * {@code s = F * w^2 / 2} with {@code F = mean over calibration batches of (dL/dw)^2}, the loss
 * increase a second-order model predicts when w is zeroed (LeCun et al., 1990; Theis et al., 2018).
 */
public final class FisherScorer implements ImportanceScorer {

    @Override
    public String name() {
        return "fisher";
    }

    @Override
    public INDArray score(PrunableLayer layer, ScoringContext context) {
        INDArray w = layer.weights(context.net());
        return w.mul(w).muli(context.meanSquaredGradient(layer.weightKey())).muli(0.5);
    }
}
