package dev.shears.pruning.prune;

import dev.shears.pruning.model.PrunableLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Mean |dL/dw| over the calibration batches: weights the loss is least sensitive to go first. */
public final class GradientScorer implements ImportanceScorer {

    @Override
    public String name() {
        return "gradient";
    }

    @Override
    public INDArray score(PrunableLayer layer, ScoringContext context) {
        return context.meanAbsGradient(layer.weightKey()).dup();
    }
}
