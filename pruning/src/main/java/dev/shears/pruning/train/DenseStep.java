package dev.shears.pruning.train;

import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.prune.MaskSet;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.OptimizationAlgorithm;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.SgdUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * A training step for dense networks (dense hidden layers, a softmax output layer with
 * cross-entropy loss) in place of {@link MultiLayerNetwork#fit}, into arrays allocated once per
 * fit. DL4J's step recomputes every layer's pre-activations during backpropagation, allocates its
 * activations, gradients and batch each step and computes the score; at the batch sizes of a pruning
 * search that overhead costs more than the arithmetic.
 *
 * <p>The forward and backward passes are the ND4J operations DL4J's layers run, on arrays of the
 * same layouts (a product's rounding depends on its operands' layouts: pre-activations and
 * activations are column-major, as DL4J's products leave them, so the products write into them
 * with no temporary array), writing the gradients into the network's own gradient views. The
 * update (the division by the batch size, Adam or SGD, parameters minus update, then the mask) is
 * one pass of plain Java over the flattened parameters: ND4J runs Adam and the mask as several
 * native passes, and its square root is not vectorised, so those cost about as much as the
 * products, while HotSpot's C2 vectorises the pass ({@link dev.shears.pruning.run.JitPolicy}
 * keeps C2 for such loops in trial JVMs). The pass does DL4J's float32
 * arithmetic in the same order, Adam's bias correction included, with the network's updater
 * settings, state and iteration count, so the results are DL4J's bit for bit on the default
 * nd4j-native build. The updater state is written back to the network at the end of the fit, so a
 * later DL4J fit continues where this one stopped; parameters are written back every step, so the
 * network is trained in place, a hook sees it as DL4J's fit would leave it, and it saves as a DL4J
 * model file. {@link #unsupported} names what it does not handle; {@link Trainer} uses DL4J's fit
 * for those.
 */
final class DenseStep implements Trainer.Step {

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

        /** @param m, v the step's moment arrays over all parameters: this block's range is filled from its state */
        Block(UpdaterBlock block, float[] m, float[] v) {
            from = block.getParamOffsetStart();
            to = block.getParamOffsetEnd();
            GradientUpdater<?> updater = block.getGradientUpdater();
            config = updater.getConfig();
            if (updater instanceof AdamUpdater adam) {
                mView = adam.getM();
                vView = adam.getV();
                DenseForward.flat(mView).get(0, m, from, to - from);
                DenseForward.flat(vView).get(0, v, from, to - from);
            } else if (updater instanceof SgdUpdater) {
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

    /** The activations and gradients of one batch size, allocated once. */
    private static final class Buffers extends DenseForward.Activations {
        final INDArray y;
        final FloatBuffer yData;
        /** Gradient with respect to a hidden layer's activations, as the transpose of a column-major array. */
        final INDArray[] gradA;
        final INDArray[] gradZ;
        /** Transposed views of gradA and gradZ, made once: a view is a new shape buffer. */
        final INDArray[] gradAT;
        final INDArray[] gradZT;
        /** Native memory of gradA (row-major) and gradZ, and room for the widest layer's gradients. */
        final FloatBuffer[] gradAData;
        final FloatBuffer[] gradZData;
        final float[] scratchG;

        Buffers(int rows, int[] widths) {
            super(rows, widths);
            int layers = widths.length - 1;
            y = Nd4j.create(DataType.FLOAT, rows, widths[layers]);
            yData = y.data().asNioFloat();
            gradA = new INDArray[layers];
            gradZ = new INDArray[layers];
            gradAT = new INDArray[layers];
            gradZT = new INDArray[layers];
            gradAData = new FloatBuffer[layers];
            gradZData = new FloatBuffer[layers];
            scratchG = new float[scratch.length];
            for (int l = 0; l < layers; l++) {
                gradA[l] = Nd4j.create(DataType.FLOAT, new long[] {widths[l + 1], rows}, 'f').transpose();
                gradZ[l] = Nd4j.create(DataType.FLOAT, rows, widths[l + 1]);
                gradAT[l] = gradA[l].transpose();
                gradZT[l] = gradZ[l].transpose();
                gradAData[l] = gradA[l].data().asNioFloat();
                gradZData[l] = gradZ[l].data().asNioFloat();
            }
        }
    }

    private final MultiLayerNetwork net;
    private final LabeledData data;
    private final float[] targets;
    private final MaskSet mask;
    private final DenseForward forward;
    private final INDArray[] gradW;
    private final FloatBuffer gradientData;
    /** The flattened parameters and gradients, copied out of the network for the update pass. */
    private final float[] param;
    /**
     * Whether {@link #param} holds the network's parameters: the step writes them back after every update, so
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
    private final BoundOp.PerArrays<Buffers> backward = new BoundOp.PerArrays<>(this::backwardOps);

    /**
     * The step's arrays over every parameter, kept per thread for the next fit of as many
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

    /**
     * Per thread, buffers by batch size, kept across fits: a trial's fit of a network of the same
     * widths allocates none. A fit runs on one thread, one step at a time.
     */
    private static final ThreadLocal<Map<Integer, Buffers>> BUFFERS = ThreadLocal.withInitial(HashMap::new);

    /**
     * @param targets soft targets in place of the labels, {@code data.size() x classes} row-major, or null
     * @param mask    values held at zero after every update, or null; read at every step, so it may change
     */
    DenseStep(MultiLayerNetwork net, LabeledData data, float[] targets, MaskSet mask) {
        String why = unsupported(net);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        this.net = net;
        this.data = data;
        this.targets = targets;
        this.mask = mask;
        forward = new DenseForward(net);
        int layers = forward.layers();
        gradW = new INDArray[layers];
        if (net.getFlattenedGradients() == null) {
            net.initGradientsView();
        }
        for (int l = 0; l < layers; l++) {
            Layer layer = net.getLayer(l);
            gradW[l] = DefaultParamInitializer.getInstance()
                    .getGradientsFromFlattened(layer.conf(), layer.getGradientsViewArray())
                    .get(DefaultParamInitializer.WEIGHT_KEY);
        }
        if (data.width() != forward.widths[0] || data.numClasses() != forward.classes()) {
            throw new IllegalArgumentException("the data has " + data.width() + " features and " + data.numClasses()
                    + " classes, the network " + forward.widths[0] + " inputs and " + forward.classes() + " outputs");
        }
        INDArray params = net.params();
        gradientData = DenseForward.flat(net.getFlattenedGradients());
        vectors = Vectors.take((int) params.length());
        param = vectors.param;
        gradient = vectors.gradient;
        m = vectors.m;
        v = vectors.v;
        keep = vectors.keep;
        Arrays.fill(keep, 1f);
        for (UpdaterBlock block : ((BaseMultiLayerUpdater<?>) net.getUpdater()).getUpdaterBlocks()) {
            block.init();
            blocks.add(new Block(block, m, v));
        }
    }

    /** Why the step cannot train {@code net} exactly as DL4J's fit would, or null when it can. */
    static String unsupported(MultiLayerNetwork net) {
        if (net.getLayerWiseConfigurations().getBackpropType() != BackpropType.Standard) {
            return "truncated backpropagation";
        }
        if (net.getListeners() != null && !net.getListeners().isEmpty()) {
            return "training listeners";
        }
        if (net.params() == null || net.params().dataType() != DataType.FLOAT) {
            return "parameters that are not float32";
        }
        int layers = net.getnLayers();
        if (layers < 1) {
            return "no layers";
        }
        for (int l = 0; l < layers; l++) {
            NeuralNetConfiguration conf = net.getLayer(l).conf();
            String why = unsupported(conf, l == layers - 1);
            if (why == null && net.getLayerWiseConfigurations().getInputPreProcess(l) != null) {
                why = "an input preprocessor";
            }
            if (why != null) {
                return "layer " + l + ": " + why;
            }
        }
        return null;
    }

    private static String unsupported(NeuralNetConfiguration conf, boolean last) {
        org.deeplearning4j.nn.conf.layers.Layer layer = conf.getLayer();
        if (last) {
            if (layer.getClass() != OutputLayer.class) {
                return "the last layer is " + layer.getClass().getSimpleName() + ", not a dense OutputLayer";
            }
            OutputLayer out = (OutputLayer) layer;
            if (!(out.getActivationFn() instanceof ActivationSoftmax)) {
                return "output activation " + out.getActivationFn() + ", not softmax";
            }
            if (!(out.getLossFn() instanceof LossMCXENT loss) || loss.getWeights() != null) {
                return "loss " + out.getLossFn() + ", not unweighted multi-class cross-entropy";
            }
            if (!out.hasBias()) {
                return "no bias";
            }
        } else {
            if (layer.getClass() != DenseLayer.class) {
                return layer.getClass().getSimpleName() + ", not a DenseLayer";
            }
            DenseLayer dense = (DenseLayer) layer;
            if (DenseForward.Hidden.of(dense.getActivationFn()) == null) {
                return "activation " + dense.getActivationFn();
            }
            if (!dense.hasBias() || dense.hasLayerNorm()) {
                return "no bias, or layer normalisation";
            }
        }
        BaseLayer base = (BaseLayer) layer;
        if (base.getIDropout() != null || base.getWeightNoise() != null) {
            return "dropout or weight noise";
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
        for (String key : List.of(DefaultParamInitializer.WEIGHT_KEY, DefaultParamInitializer.BIAS_KEY)) {
            IUpdater u = base.getUpdaterByParam(key);
            if (u.getClass() != Adam.class && u.getClass() != Sgd.class) {
                return "updater " + u.getClass().getSimpleName() + ", not Adam or Sgd";
            }
        }
        if (!conf.isMiniBatch() || conf.getOptimizationAlgo() != OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT
                || conf.getStepFunction() != null) {
            return "not plain mini-batch gradient descent";
        }
        return null;
    }

    @Override
    public void step(int[] order, int from, int to) {
        int rows = to - from;
        Map<Integer, Buffers> kept = BUFFERS.get();
        Buffers old = kept.get(rows);
        Buffers buf = forward.reuse(old, rows, n -> new Buffers(n, forward.widths));
        if (buf != old) {
            kept.put(rows, buf);
        }
        data.copyRows(order, from, to, targets, buf.xData, buf.yData);
        forward.run(buf);
        int last = forward.layers() - 1;
        BoundOp[] ops = backward.of(buf);
        ops[0].run();
        for (int l = last; l >= 0; l--) {
            ops[1 + l].run();
            // reluBackward left a relu layer's gradZ in scratchG
            sumRows(buf, l, forward.reluHidden(l));
            if (l > 0) {
                ops[1 + last + l].run();
                if (forward.reluHidden(l - 1)) {
                    reluBackward(buf, l - 1);
                } else {
                    forward.hidden[l - 1].backward(buf.z[l - 1], buf.gradA[l - 1], buf.gradZ[l - 1]);
                }
            }
        }
        gradientData.get(0, gradient, 0, gradient.length);
        if (!paramCurrent) {
            forward.paramData.get(0, param, 0, param.length);
            paramCurrent = true;
        }
        updateKeep();
        int iteration = net.getIterationCount();
        int epoch = net.getEpochCount();
        for (Block block : blocks) {
            block.update(param, gradient, rows, m, v, keep, iteration, epoch);
        }
        forward.paramData.put(0, param, 0, param.length);
        net.setIterationCount(iteration + 1);
    }

    /**
     * relu_bp's {@code z > 0 ? gradA : 0} as a Java loop: ND4J runs it through a function call per
     * value when, as here, z is column-major and the gradients row-major.
     */
    private void reluBackward(Buffers buf, int l) {
        int rows = buf.rows;
        int width = forward.widths[l + 1];
        float[] z = buf.zValues[l];
        float[] g = buf.scratchG;
        buf.gradAData[l].get(0, g, 0, rows * width);
        // down z's columns: z read in order, the gradients a row apart (faster here than row by row or in blocks)
        for (int i = 0; i < width; i++) {
            for (int r = 0; r < rows; r++) {
                g[r * width + i] = z[i * rows + r] > 0 ? g[r * width + i] : 0f;
            }
        }
        buf.gradZData[l].put(0, g, 0, rows * width);
    }

    /**
     * The bias gradient, {@code gradZ} summed over the batch's rows, as ND4J's sum along dimension 0
     * adds them (row by row, in float), written into the network's gradient view.
     *
     * @param inScratch whether {@code buf.scratchG} holds gradZ already
     */
    private void sumRows(Buffers buf, int l, boolean inScratch) {
        int rows = buf.rows;
        int width = forward.widths[l + 1];
        float[] g = buf.scratchG;
        float[] sum = forward.bias;
        if (!inScratch) {
            buf.gradZData[l].get(0, g, 0, rows * width);
        }
        Arrays.fill(sum, 0, width, 0f);
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < width; i++) {
                sum[i] += g[r * width + i];
            }
        }
        gradientData.put(forward.biasOffset[l], sum, 0, width);
    }

    /**
     * The backward pass's native operations on {@code buf}: the output layer's gradient
     * ({@code a.sub(y, gradZ)}'s operation); each layer {@code l}'s weight gradient
     * ({@code Nd4j.gemm(in, gradZ, gradW, true, false)}'s) at {@code 1 + l}; and, above the first
     * layer, the gradient of layer {@code l}'s input ({@code w gradZT} into {@code gradAT}, which DL4J's
     * layer computes with {@code mmuli}) at {@code 1 + last + l}.
     */
    private List<CustomOp> backwardOps(Buffers buf) {
        int last = forward.layers() - 1;
        List<CustomOp> ops = new ArrayList<>();
        ops.add(new SubOp(buf.a[last], buf.y, buf.gradZ[last]));
        for (int l = 0; l <= last; l++) {
            ops.add(DenseForward.product(l == 0 ? buf.x : buf.a[l - 1], buf.gradZ[l], gradW[l], true));
        }
        for (int l = 1; l <= last; l++) {
            ops.add(DenseForward.product(forward.w[l], buf.gradZT[l], buf.gradAT[l - 1], false));
        }
        return ops;
    }

    @Override
    public void changedOutside() {
        paramCurrent = false;
    }

    @Override
    public void finish() {
        blocks.forEach(b -> b.writeState(m, v));
        vectors.inUse = false;
        backward.close();
        forward.close();
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
