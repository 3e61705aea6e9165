package dev.shears.pruning.train;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Knowledge distillation as training targets. The student keeps its own softmax output and
 * MCXENT loss and is trained on mixed targets {@code y = (1 - alpha) * onehot + alpha *
 * softmax(z / T)}, where z are the teacher's logits: cross-entropy against soft labels. This
 * approximates Hinton et al. (2015): the temperature is applied to the teacher only (the student's
 * logits are not divided by T) and there is no T^2 factor, since DL4J's fit takes targets, not a
 * loss of two networks.
 */
public final class Distillation {

    private static final int BATCH = 1000;

    private Distillation() {
    }

    /** Mixed targets for every row of {@code data}, {@code size x numClasses} row-major. */
    public static float[] targets(Network teacher, LabeledData data, double alpha, double temperature) {
        int classes = data.numClasses();
        float[] out = new float[data.size() * classes];
        // a convolutional teacher through its oneDNN pass: Deeplearning4j's layers took most of a trial's time here
        boolean conv = ComputePath.of(teacher) == ComputePath.CONV;
        int batch = conv ? Evaluator.CONV_BATCH : BATCH;
        try (Evaluator.Passes passes = conv ? new Evaluator.Passes(teacher) : null) {
            for (int from = 0; from < data.size(); from += batch) {
                int to = Math.min(data.size(), from + batch);
                float[] z = conv ? passes.outputs(data, from, to, true)
                        : logits(teacher, data.featureRows(from, to)).castTo(DataType.FLOAT).dup('c').data().asFloat();
                soften(z, data, from, to, alpha, temperature, out);
            }
        }
        return out;
    }

    /** Rows [from, to)'s mixed targets from the teacher's logits {@code z} of those rows, into {@code out}. */
    private static void soften(float[] z, LabeledData data, int from, int to, double alpha, double temperature,
                               float[] out) {
        int classes = data.numClasses();
        if (z.length != (to - from) * classes) {
            throw new BadInputException("distillation: the teacher has " + z.length / (to - from)
                    + " outputs, the data " + classes + " classes");
        }
        for (int i = 0; i < to - from; i++) {
            int row = (from + i) * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, z[i * classes + c] / temperature);
            }
            double sum = 0;
            double[] e = new double[classes];
            for (int c = 0; c < classes; c++) {
                e[c] = Math.exp(z[i * classes + c] / temperature - max);
                sum += e[c];
            }
            for (int c = 0; c < classes; c++) {
                out[row + c] = (float) (alpha * e[c] / sum);
            }
            out[row + data.labels()[from + i]] += (float) (1 - alpha);
        }
    }

    /**
     * The teacher's pre-softmax outputs: the output layer's input (the previous layer's activations
     * from {@code feedForward}, through the output layer's preprocessor if it has one) times its
     * weights plus bias. Needs a dense output layer.
     */
    public static INDArray logits(Network teacher, INDArray features) {
        PrunableLayer output = teacher.prunable().stream().filter(PrunableLayer::output).findFirst().orElse(null);
        INDArray w = output == null ? null : output.weights(teacher);
        if (w == null || w.rank() != 2) {
            throw new BadInputException("distillation needs a teacher whose output layer is dense");
        }
        INDArray z = teacher.outputLayerInput(features).castTo(w.dataType()).mmul(w);
        INDArray b = output.hasBias(teacher) ? teacher.getParam(output.biasKey()) : null;
        return b == null ? z : z.addiRowVector(b);
    }
}
