package dev.shears.pruning.prune;

import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Unstructured pruning: every weight is its own group. */
public final class WeightGranularity implements Granularity {

    @Override
    public String name() {
        return "weight";
    }

    @Override
    public boolean appliesTo(PrunableLayer layer) {
        return true;
    }

    @Override
    public float[] groupScores(PrunableLayer layer, INDArray weightScores) {
        return Arrays.floats(weightScores);
    }

    @Override
    public long groupSize(PrunableLayer layer, Network net) {
        return 1;
    }

    @Override
    public void mask(PrunableLayer layer, boolean[] keep, Network net, MaskSet masks) {
        INDArray w = layer.weights(net);
        float[] m = new float[keep.length];
        for (int i = 0; i < keep.length; i++) {
            m[i] = keep[i] ? 1f : 0f;
        }
        masks.put(layer.weightKey(), Nd4j.create(m, w.shape(), 'c').castTo(w.dataType()));
    }
}
