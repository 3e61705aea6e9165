package dev.shears.pruning.prune;

import dev.shears.pruning.model.PrunableLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Layer-adaptive magnitude pruning (Lee et al., 2021): with a layer's weights sorted by w^2
 * ascending (ties by position), weight u scores {@code w_u^2 / sum over v >= u of w_v^2}. Scores
 * are comparable across layers, which suits global scope; within a layer they rank as magnitude.
 */
public final class LampScorer implements ImportanceScorer {

    @Override
    public String name() {
        return "lamp";
    }

    @Override
    public INDArray score(PrunableLayer layer, ScoringContext context) {
        INDArray w = layer.weights(context.net());
        return Nd4j.create(scores(Arrays.floats(w)), w.shape(), 'c').castTo(w.dataType());
    }

    static float[] scores(float[] w) {
        float[] sq = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            sq[i] = w[i] * w[i];
        }
        int[] ascending = Selection.lowest(sq, sq.length);
        float[] out = new float[w.length];
        double tail = 0;
        for (int k = ascending.length - 1; k >= 0; k--) {
            int u = ascending[k];
            tail += sq[u];
            out[u] = tail > 0 ? (float) (sq[u] / tail) : 0f;
        }
        return out;
    }
}
