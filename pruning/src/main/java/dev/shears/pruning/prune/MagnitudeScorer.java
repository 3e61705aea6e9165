package dev.shears.pruning.prune;

import dev.shears.pruning.model.PrunableLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** |w|: small weights matter least (Han et al., 2015). Summed over a group it is the group's L1 norm. */
public final class MagnitudeScorer implements ImportanceScorer {

    @Override
    public String name() {
        return "magnitude";
    }

    @Override
    public INDArray score(PrunableLayer layer, ScoringContext context) {
        return Transforms.abs(layer.weights(context.net()), true);
    }
}
