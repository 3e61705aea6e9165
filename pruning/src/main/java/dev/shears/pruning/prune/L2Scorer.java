package dev.shears.pruning.prune;

import dev.shears.pruning.model.PrunableLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * w^2. For single weights it ranks like magnitude; summed over a neuron or filter it is the
 * group's squared L2 norm, which orders groups as the L2 norm does (Li et al., 2017 use it for filters).
 */
public final class L2Scorer implements ImportanceScorer {

    @Override
    public String name() {
        return "l2";
    }

    @Override
    public INDArray score(PrunableLayer layer, ScoringContext context) {
        INDArray w = layer.weights(context.net());
        return w.mul(w);
    }
}
