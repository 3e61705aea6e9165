package dev.shears.pruning.train;

import dev.shears.pruning.data.LabeledData;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Accuracy and mean cross-entropy of a classifier on a split. */
public final class Evaluator {

    private static final int BATCH = 1000;

    private Evaluator() {
    }

    public record Score(double accuracy, double loss) {
        public boolean finite() {
            return Double.isFinite(loss) && Double.isFinite(accuracy);
        }
    }

    public static Score evaluate(MultiLayerNetwork net, LabeledData data) {
        if (data.size() == 0) {
            return new Score(Double.NaN, Double.NaN);
        }
        long correct = 0;
        double lossSum = 0;
        for (int from = 0; from < data.size(); from += BATCH) {
            int to = Math.min(data.size(), from + BATCH);
            INDArray out = net.output(data.batch(from, to).getFeatures(), false);
            float[] probs = out.dup('c').data().asFloat();
            int classes = data.numClasses();
            for (int i = 0; i < to - from; i++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (probs[i * classes + c] > probs[i * classes + best]) {
                        best = c;
                    }
                }
                int label = data.labels()[from + i];
                if (best == label) {
                    correct++;
                }
                lossSum -= Math.log(Math.max(probs[i * classes + label], 1e-12));
            }
        }
        return new Score((double) correct / data.size(), lossSum / data.size());
    }
}
