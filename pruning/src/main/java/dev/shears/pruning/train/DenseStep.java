package dev.shears.pruning.train;

import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.MaskSet;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
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
 * with no temporary array), writing the gradients into the network's own gradient views;
 * {@link ParamUpdate} then updates the parameters as DL4J's updater would, so the results are DL4J's
 * bit for bit on the default nd4j-native build, the network is trained in place and it saves as a DL4J
 * model file. {@link #unsupported} names what it does not handle; {@link ComputePath} alone decides
 * which networks come here, and sends the others to DL4J's fit.
 */
final class DenseStep implements Trainer.Step {

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
    private final FloatBuffer gradientData;
    private final DenseForward forward;
    private final INDArray[] gradW;
    private final ParamUpdate update;
    private final BoundOp.PerArrays<Buffers> backward = new BoundOp.PerArrays<>(this::backwardOps);

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
        this.net = net;
        this.data = data;
        this.targets = targets;
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
        gradientData = DenseForward.flat(net.getFlattenedGradients());
        update = new ParamUpdate(Network.of(net), mask, forward.paramData, gradientData);
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
        return ParamUpdate.unsupported(conf);
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
        update.apply(rows);
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
        update.changedOutside();
    }

    @Override
    public void finish() {
        update.finish();
        backward.close();
        forward.close();
    }
}
