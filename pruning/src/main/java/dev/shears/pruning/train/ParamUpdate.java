package dev.shears.pruning.train;

import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.MaskSet;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.OptimizationAlgorithm;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.NoOpUpdater;
import org.nd4j.linalg.learning.SgdUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The update half of a lean training step ({@link DenseStep}, {@link ConvStep}): from the gradient the
 * step summed over a batch into native memory, DL4J's update of every parameter (the division by the batch
 * size, Adam or SGD, parameters minus update, then the mask) as one pass of plain Java over the flattened
 * parameters. ND4J runs Adam and the mask as several native passes, and its square root is not
 * vectorised, so those cost about as much as the products, while HotSpot's C2 vectorises the pass
 * ({@link dev.shears.pruning.run.JitPolicy} keeps C2 for such loops in trial JVMs). The pass does
 * DL4J's float32 arithmetic in the same order, Adam's bias correction included, with the network's
 * updater settings, state and iteration count. The updater state is written back to the network at
 * the end of the fit, so a later DL4J fit continues where this one stopped; parameters are written
 * back every step, so the network is trained in place and a hook sees it as DL4J's fit would leave it.
 */
final class ParamUpdate {

    /**
     * One of the network's updater blocks: a range of the flattened parameters sharing one updater
     * configuration. Adam's moving averages (the M and V halves of DL4J's state view for the block)
     * are held in the step's Java arrays during the fit and written back by {@link #writeState}.
     */
    private static final class Block {
        private final int from;
        private final int to;
        private final IUpdater config;
        private final INDArray mView;
        private final INDArray vView;
        /**
         * A block whose "gradient" is the change itself: batch normalisation's running mean and deviation, which DL4J
         * updates through a NoOp updater, neither divided by the batch size nor scaled.
         */
        private final boolean change;

        /** @param m, v the step's moment arrays over all parameters: this block's range is filled from its state */
        Block(UpdaterBlock block, float[] m, float[] v) {
            from = block.getParamOffsetStart();
            to = block.getParamOffsetEnd();
            GradientUpdater<?> updater = block.getGradientUpdater();
            config = updater.getConfig();
            UpdaterBlock.ParamState first = block.getLayersAndVariablesInBlock().get(0);
            change = updater instanceof NoOpUpdater && !first.getLayer().updaterDivideByMinibatch(first.getParamName());
            if (updater instanceof NoOpUpdater && !change) {
                throw new IllegalStateException("a NoOp updater for " + first.getParamName());
            }
            if (updater instanceof AdamUpdater adam) {
                mView = adam.getM();
                vView = adam.getV();
                DenseForward.flat(mView).get(0, m, from, to - from);
                DenseForward.flat(vView).get(0, v, from, to - from);
            } else if (updater instanceof SgdUpdater || updater instanceof NoOpUpdater) {
                mView = null;
                vView = null;
            } else {
                throw new IllegalStateException("updater " + updater.getClass().getSimpleName());
            }
        }

        /**
         * DL4J's update of this block, in its float32 order, from the gradient summed over the batch:
         * {@code g = sum / rows} as DL4J divides it, then SGD {@code u = g lr}, or Adam (as ND4J's
         * adam_updater) {@code m = b1 m + g (1 - b1)},
         * {@code v = b2 v + g g (1 - b2)}, {@code u = m alpha / (sqrt(v) + eps)} with
         * {@code alpha = lr sqrt(1 - b2^t) / (1 - b1^t)}, t the iteration count plus one; then
         * {@code p = (p - u) keep}. The loops have no branch and a single index, the form the
         * JIT's C2 compiler vectorises.
         */
        void update(float[] param, float[] gradient, float rows, float[] m, float[] v, float[] keep, int iteration,
                    int epoch) {
            if (change) {
                for (int i = from; i < to; i++) {
                    param[i] = (param[i] - gradient[i]) * keep[i];
                }
                return;
            }
            float lr = (float) config.getLearningRate(iteration, epoch);
            if (mView == null) {
                for (int i = from; i < to; i++) {
                    param[i] = (param[i] - gradient[i] / rows * lr) * keep[i];
                }
                return;
            }
            Adam adam = (Adam) config;
            float beta1 = (float) adam.getBeta1();
            float beta2 = (float) adam.getBeta2();
            float epsilon = (float) adam.getEpsilon();
            float t = iteration + 1;
            float beta1T = (float) Math.pow(beta1, t);
            float beta2T = (float) Math.pow(beta2, t);
            float alpha = (float) (lr * (float) Math.sqrt((float) (1.0 - beta2T)) / (1.0 - beta1T));
            if (!Float.isFinite(alpha) || alpha == 0) {
                alpha = epsilon;
            }
            float oneMinusBeta1 = 1 - beta1;
            float oneMinusBeta2 = 1 - beta2;
            for (int i = from; i < to; i++) {
                float g = gradient[i] / rows;
                float mi = beta1 * m[i] + g * oneMinusBeta1;
                float vi = beta2 * v[i] + g * g * oneMinusBeta2;
                m[i] = mi;
                v[i] = vi;
                param[i] = (param[i] - mi * alpha / ((float) Math.sqrt(vi) + epsilon)) * keep[i];
            }
        }

        void writeState(float[] m, float[] v) {
            if (mView != null) {
                DenseForward.flat(mView).put(0, m, from, to - from);
                DenseForward.flat(vView).put(0, v, from, to - from);
            }
        }
    }

    /**
     * The update's arrays over every parameter, kept per thread for the next fit of as many
     * parameters: a trial's fit allocates and clears none of its megabytes. Every value a fit reads
     * it first writes (the moments from the updater's state, the parameters and gradients every step,
     * the keep factors from the mask). A fit started while another on the same thread has not
     * finished (a hook that trains) gets arrays of its own.
     */
    private static final class Vectors {
        private static final ThreadLocal<Vectors> KEPT = new ThreadLocal<>();
        /**
         * Larger networks get arrays per fit: a thread holding five arrays of their size would keep
         * hundreds of megabytes of heap, and their fits are long enough for allocation not to matter.
         */
        private static final int MAX_KEPT = 2_000_000;

        final float[] param;
        final float[] gradient;
        final float[] m;
        final float[] v;
        final float[] keep;
        boolean inUse;

        private Vectors(int n) {
            param = new float[n];
            gradient = new float[n];
            m = new float[n];
            v = new float[n];
            keep = new float[n];
        }

        static Vectors take(int n) {
            if (n > MAX_KEPT) {
                return new Vectors(n);
            }
            Vectors kept = KEPT.get();
            if (kept == null || kept.inUse || kept.param.length != n) {
                kept = new Vectors(n);
                KEPT.set(kept);
            }
            kept.inUse = true;
            return kept;
        }
    }

    private final Network net;
    private final MaskSet mask;
    private final FloatBuffer paramData;
    private final FloatBuffer gradientData;
    /** The flattened parameters and gradients, copied out of native memory for the update pass. */
    private final float[] param;
    /**
     * Whether {@link #param} holds the network's parameters: the update writes them back every step, so
     * they are read again only at the first step and after a hook, which may have changed them (pruning does).
     */
    private boolean paramCurrent;
    private final float[] gradient;
    /** Adam's moments per flattened parameter (unused where a block is SGD). */
    private final float[] m;
    private final float[] v;
    private final List<Block> blocks = new ArrayList<>();
    /**
     * Per flattened parameter: 1 to keep, 0 to hold at zero; all ones without a mask, since
     * {@code x * 1} is {@code x} exactly and one loop without a branch is what the JIT vectorises.
     */
    private final float[] keep;
    /** The mask arrays {@link #keep} was built from, by key: masks are replaced, never changed in place. */
    private Map<String, INDArray> keepSource = Map.of();
    private final Vectors vectors;

    /**
     * @param mask         values held at zero after every update, or null; read at every step, so it may change
     * @param paramData    the network's flattened parameters ({@code net.params()}'s native memory)
     * @param gradientData where the step leaves the gradient summed over the batch, in the same order
     */
    ParamUpdate(Network net, MaskSet mask, FloatBuffer paramData, FloatBuffer gradientData) {
        this.net = net;
        this.mask = mask;
        this.paramData = paramData;
        this.gradientData = gradientData;
        vectors = Vectors.take((int) net.params().length());
        param = vectors.param;
        gradient = vectors.gradient;
        m = vectors.m;
        v = vectors.v;
        keep = vectors.keep;
        Arrays.fill(keep, 1f);
        for (UpdaterBlock block : net.updater().getUpdaterBlocks()) {
            block.init();
            blocks.add(new Block(block, m, v));
        }
    }

    /**
     * Why the update cannot train a layer of this configuration as DL4J's fit would (its updater, regularisation,
     * dropout, constraints, gradient normalisation, optimiser), or null when it can. Layers without parameters
     * pass unless they drop out.
     */
    static String unsupported(NeuralNetConfiguration conf) {
        org.deeplearning4j.nn.conf.layers.Layer layer = conf.getLayer();
        if (layer.getIDropout() != null) {
            return "dropout";
        }
        if (!(layer instanceof BaseLayer base)) {
            return null;
        }
        if (base.getWeightNoise() != null) {
            return "weight noise";
        }
        if (base.getConstraints() != null && !base.getConstraints().isEmpty()) {
            return "constraints";
        }
        if (!base.getRegularization().isEmpty() || !base.getRegularizationBias().isEmpty()) {
            return "regularization";
        }
        if (base.getGradientNormalization() != null && base.getGradientNormalization() != GradientNormalization.None) {
            return "gradient normalization";
        }
        for (String key : base.initializer().paramKeys(base)) {
            IUpdater u = base.getUpdaterByParam(key);
            // NoOp: batch normalisation's running statistics, which the layer itself moves
            if (u.getClass() != Adam.class && u.getClass() != Sgd.class && u.getClass() != NoOp.class) {
                return "updater " + u.getClass().getSimpleName() + ", not Adam or Sgd";
            }
        }
        if (!conf.isMiniBatch() || conf.getOptimizationAlgo() != OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT
                || conf.getStepFunction() != null) {
            return "not plain mini-batch gradient descent";
        }
        return null;
    }

    /** Updates the parameters from the gradient of a batch of {@code rows} rows and counts the iteration. */
    void apply(int rows) {
        gradientData.get(0, gradient, 0, gradient.length);
        if (!paramCurrent) {
            paramData.get(0, param, 0, param.length);
            paramCurrent = true;
        }
        updateKeep();
        int iteration = net.iterationCount();
        int epoch = net.epochCount();
        for (Block block : blocks) {
            block.update(param, gradient, rows, m, v, keep, iteration, epoch);
        }
        paramData.put(0, param, 0, param.length);
        net.iterationCount(iteration + 1);
    }

    /** The network's parameters may have been changed outside the step (by a hook). */
    void changedOutside() {
        paramCurrent = false;
    }

    /** Writes the updater state back to the network and frees the arrays for the thread's next fit. */
    void finish() {
        blocks.forEach(b -> b.writeState(m, v));
        vectors.inUse = false;
    }

    /** Rebuilds {@link #keep} from the current masks when one was replaced. */
    private void updateKeep() {
        Map<String, INDArray> current = mask == null ? Map.of() : mask.all();
        boolean same = current.size() == keepSource.size();
        for (Map.Entry<String, INDArray> e : current.entrySet()) {
            same &= keepSource.get(e.getKey()) == e.getValue();
        }
        if (same) {
            return;
        }
        Arrays.fill(keep, 1f);
        INDArray params = net.params();
        for (Map.Entry<String, INDArray> e : current.entrySet()) {
            INDArray view = net.getParam(e.getKey());
            float[] values = e.getValue().castTo(DataType.FLOAT).dup(view.ordering()).data().asFloat();
            System.arraycopy(values, 0, keep, (int) (view.offset() - params.offset()), values.length);
        }
        keepSource = Map.copyOf(current);
    }
}
