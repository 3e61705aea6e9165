package dev.shears.pruning.prune;

import dev.shears.pruning.model.PrunableLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Unit-level criteria computed from the calibration activations of a layer's output units (after
 * the activation function); every weight of a unit (dense column, convolution filter) gets its
 * unit's score.
 */
abstract class ActivationScorer implements ImportanceScorer {

    /**
     * Whether each spatial position of a convolution's feature map is a sample of its own (true)
     * or each example contributes the map's spatial mean (false). Dense units give one value an example.
     */
    abstract boolean perPosition();

    /** The unit's score from its samples. */
    abstract float unitScore(float[] samples);

    @Override
    public final INDArray score(PrunableLayer layer, ScoringContext context) {
        float[][] samples = samplesPerUnit(context.activations(layer), perPosition());
        float[] units = new float[samples.length];
        for (int j = 0; j < units.length; j++) {
            units[j] = unitScore(samples[j]);
        }
        return Groups.broadcast(layer.weights(context.net()), layer.unitAxis(), units);
    }

    /** Activations {@code [examples, units]} or {@code [examples, channels, h, w]} regrouped per unit. */
    static float[][] samplesPerUnit(INDArray activations, boolean perPosition) {
        long[] shape = activations.shape();
        int examples = (int) shape[0];
        int units = (int) shape[1];
        int positions = shape.length == 4 ? (int) (shape[2] * shape[3]) : 1;
        float[] v = Arrays.floats(activations);
        float[][] out = new float[units][perPosition ? examples * positions : examples];
        for (int e = 0; e < examples; e++) {
            for (int j = 0; j < units; j++) {
                int from = (e * units + j) * positions;
                if (perPosition) {
                    System.arraycopy(v, from, out[j], e * positions, positions);
                } else {
                    double sum = 0;
                    for (int p = 0; p < positions; p++) {
                        sum += v[from + p];
                    }
                    out[j][e] = (float) (sum / positions);
                }
            }
        }
        return out;
    }
}
