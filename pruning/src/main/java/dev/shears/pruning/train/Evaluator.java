package dev.shears.pruning.train;

import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.Network;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/** Accuracy and mean cross-entropy of a classifier on a split. */
public final class Evaluator {

    private static final int BATCH = 1000;
    /**
     * Rows per pass on the convolutional path: its passes keep every layer's output, so 1,000 rows of a small
     * residual network hold a lot of memory per trial, while 250 run as fast per row.
     */
    static final int CONV_BATCH = 250;
    /**
     * The lean pass's arrays for full batches of the last network evaluated on this thread: a trial's
     * two evaluations, and the next trial's, reuse them instead of allocating megabytes of native memory.
     */
    private static final ThreadLocal<DenseForward.Activations> FULL_BATCH = new ThreadLocal<>();

    private Evaluator() {
    }

    /**
     * @param correct the rows predicted right, numbered from the first row scored: what a paired comparison of
     *                two networks on the same rows needs
     */
    public record Score(double accuracy, double loss, BitSet correct) {
        public boolean finite() {
            return Double.isFinite(loss) && Double.isFinite(accuracy);
        }
    }

    /** Class probabilities of consecutive rows, row-major. */
    @FunctionalInterface
    private interface Probabilities {
        float[] of(int from, int to);
    }

    public static Score evaluate(Network net, LabeledData data) {
        return evaluate(net, data, 0, data.size());
    }

    /**
     * The score on rows [from, to) of {@code data} alone (NaN for no rows), through the forward pass of
     * the path {@link ComputePath#of} chooses: {@link DenseForward} (DL4J's operations into arrays
     * allocated once), {@link ConvNet}'s oneDNN primitives, or DL4J's {@code output}.
     */
    public static Score evaluate(Network net, LabeledData data, int from, int to) {
        if (to <= from) {
            return new Score(Double.NaN, Double.NaN, new BitSet());
        }
        int batch = Math.min(BATCH, to - from);
        return switch (ComputePath.of(net)) {
            case DENSE -> {
                try (DenseForward lean = new DenseForward(net.chain().orElseThrow())) {
                    yield score(dense(lean, data, batch), data, from, to, BATCH);
                }
            }
            case CONV -> {
                try (Passes passes = new Passes(net)) {
                    yield score(passes.probabilities(data), data, from, to, CONV_BATCH);
                }
            }
            case DL4J -> score((start, end) -> net.output(data.featureRows(start, end)).dup('c').data().asFloat(), data,
                    from, to, BATCH);
        };
    }

    /** {@link ConvNet}'s inference passes, one per batch size met (full batches and a shorter last one). */
    static final class Passes implements AutoCloseable {
        private final Network net;
        private final Map<Integer, ConvNet> bySize = new HashMap<>();

        Passes(Network net) {
            this.net = net;
        }

        Probabilities probabilities(LabeledData data) {
            return (start, end) -> outputs(data, start, end, false);
        }

        /** Rows [start, end) of {@code data} through the network: class probabilities, or the logits before them. */
        float[] outputs(LabeledData data, int start, int end, boolean logits) {
            int rows = end - start;
            int width = data.width();
            ConvNet pass = bySize.computeIfAbsent(rows, r -> new ConvNet(net, r, null));
            pass.input().put(0, data.features(), start * width, rows * width);
            pass.forward();
            float[] out = new float[rows * pass.classes()];
            if (logits) {
                pass.logits(out);
            } else {
                pass.probabilities(out);
            }
            return out;
        }

        @Override
        public void close() {
            bySize.values().forEach(ConvNet::close);
        }
    }

    private static Score score(Probabilities probabilities, LabeledData data, int from, int to, int batch) {
        BitSet correct = new BitSet(to - from);
        double lossSum = 0;
        int classes = data.numClasses();
        for (int start = from; start < to; start += batch) {
            TrialDeadline.check();
            int end = Math.min(to, start + batch);
            float[] probs = probabilities.of(start, end);
            for (int i = 0; i < end - start; i++) {
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (probs[i * classes + c] > probs[i * classes + best]) {
                        best = c;
                    }
                }
                int label = data.labels()[start + i];
                if (best == label) {
                    correct.set(start - from + i);
                }
                lossSum -= Math.log(Math.max(probs[i * classes + label], 1e-12));
            }
        }
        return new Score((double) correct.cardinality() / (to - from), lossSum / (to - from), correct);
    }

    /** Through the lean forward pass: arrays for full batches reused, for a shorter last batch made for it. */
    private static Probabilities dense(DenseForward forward, LabeledData data, int batch) {
        DenseForward.Activations reused = forward.reuse(FULL_BATCH.get(), batch, forward::activations);
        FULL_BATCH.set(reused);
        int width = data.width();
        int classes = forward.classes();
        int last = forward.layers() - 1;
        float[] columns = new float[batch * classes];
        return (start, end) -> {
            int rows = end - start;
            DenseForward.Activations act = rows == batch ? reused : forward.activations(rows);
            act.xData.put(0, data.features(), start * width, rows * width);
            forward.run(act);
            act.aData[last].get(0, columns, 0, rows * classes);
            float[] probs = new float[rows * classes];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < classes; c++) {
                    probs[r * classes + c] = columns[c * rows + r];
                }
            }
            return probs;
        };
    }
}
