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
        return Groups.broadcast(weights, layer.unitAxis(), scores(weights, layer.unitAxis()));
    }

    /**
     * Each unit's summed distance to the others, the units indexed by {@code axis}; from the units' Gram matrix, one
     * matrix product on ND4J's BLAS, so that layers of thousands of wide units stay quick (pairs compared one by one
     * in Java take units x units x inputs steps).
     */
    static float[] scores(INDArray weights, int axis) {
        int units = (int) weights.size(axis);
        // a unit a row; the order of its entries does not change a distance
        INDArray rows = weights.swapAxes(0, axis).dup('c').reshape('c', units, -1);
        double[] gram = rows.mmul(rows.transpose()).data().asDouble();
        float[] out = new float[units];
        for (int i = 0; i < units; i++) {
            double sum = 0;
            for (int j = 0; j < units; j++) {
                sum += Math.sqrt(Math.max(0, gram[i * units + i] + gram[j * units + j] - 2 * gram[i * units + j]));
            }
            out[i] = (float) sum;
        }
        return out;
    }
}
