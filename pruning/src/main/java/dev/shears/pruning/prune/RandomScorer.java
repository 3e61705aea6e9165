package dev.shears.pruning.prune;

import dev.shears.pruning.model.PrunableLayer;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Uniform random importance: the control any pruning criterion must beat. Seeded per layer. */
public final class RandomScorer implements ImportanceScorer {

    @Override
    public String name() {
        return "random";
    }

    @Override
    public INDArray score(PrunableLayer layer, ScoringContext context) {
        INDArray w = layer.weights(context.net());
        SplittableRandom random = new SplittableRandom(context.seed() * 1_000_003L + layer.index());
        float[] s = new float[(int) w.length()];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) random.nextDouble();
        }
        return Nd4j.create(s, w.shape(), 'c');
    }
}
