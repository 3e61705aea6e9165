package dev.shears.pruning.prune;

import dev.shears.pruning.model.PrunableLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Geometric median (He et al., 2019, FPGM): a unit's score is the summed Euclidean distance from its incoming
 * weights (a convolution filter, a dense column) to every other unit's of the layer. The units nearest the
 * layer's centre are the ones the rest can best stand in for, so they go first, whatever their norm: norm
 * criteria keep large filters that may repeat one another. Every weight of a unit gets the unit's score.
 */
public final class FpgmScorer implements ImportanceScorer {

    @Override
    public String name() {
        return "fpgm";
    }

    @Override
    public INDArray score(PrunableLayer layer, ScoringContext context) {
        INDArray weights = layer.weights(context.net());
        return Groups.broadcast(weights, layer.unitAxis(), scores(Groups.along(weights, layer.unitAxis())));
    }

    /** Each vector's summed distance to the others. */
    static float[] scores(float[][] units) {
        double[] sum = new double[units.length];
        for (int i = 0; i < units.length; i++) {
            for (int j = i + 1; j < units.length; j++) {
                double squares = 0;
                for (int k = 0; k < units[i].length; k++) {
                    double d = units[i][k] - units[j][k];
                    squares += d * d;
                }
                double distance = Math.sqrt(squares);
                sum[i] += distance;
                sum[j] += distance;
            }
        }
        float[] out = new float[units.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) sum[i];
        }
        return out;
    }
}
