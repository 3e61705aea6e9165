package dev.shears.pruning.prune;

import dev.shears.pruning.model.PrunableLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * First-order Taylor estimate of the loss change when a weight is zeroed (Molchanov et al.,
 * 2017): |w * dL/dw| computed per calibration batch and averaged over batches. Since w is fixed
 * while calibrating, that mean equals |w| times the mean of |dL/dw|, which is how it is computed.
 */
public final class TaylorScorer implements ImportanceScorer {

    @Override
    public String name() {
        return "taylor";
    }

    @Override
    public INDArray score(PrunableLayer layer, ScoringContext context) {
        INDArray w = layer.weights(context.net());
        return Transforms.abs(w, true).muli(context.meanAbsGradient(layer.weightKey()));
    }
}
