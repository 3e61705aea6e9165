package dev.shears.pruning.train;

import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.run.TrialDeadline;
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

    public static Score evaluate(Network net, LabeledData data) {
        return evaluate(net, data, 0, data.size());
    }

    /** The score on rows [from, to) of {@code data} alone (NaN for no rows). */
    public static Score evaluate(Network net, LabeledData data, int from, int to) {
        if (to <= from) {
            return new Score(Double.NaN, Double.NaN);
        }
        long correct = 0;
        double lossSum = 0;
        int classes = data.numClasses();
        for (int start = from; start < to; start += BATCH) {
            TrialDeadline.check();
            int end = Math.min(to, start + BATCH);
            INDArray out = net.output(data.featureRows(start, end));
            float[] probs = out.dup('c').data().asFloat();
            for (int i = 0; i < end - start; i++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (probs[i * classes + c] > probs[i * classes + best]) {
                        best = c;
                    }
                }
                int label = data.labels()[start + i];
                if (best == label) {
                    correct++;
                }
                lossSum -= Math.log(Math.max(probs[i * classes + label], 1e-12));
            }
        }
        return new Score((double) correct / (to - from), lossSum / (to - from));
    }
}
