package dev.shears.pruning.train;

import dev.shears.pruning.run.Threads;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.inner_product_backward_data;
import org.bytedeco.dnnl.inner_product_backward_weights;
import org.bytedeco.dnnl.inner_product_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;
import static org.bytedeco.dnnl.global.dnnl.algorithm;
import static org.bytedeco.dnnl.global.dnnl.prop_kind;

/**
 * The forward and backward passes of a convolutional layer chain (convolutions, max or average
 * pooling, dense layers, a softmax output) as oneDNN primitives, built once for one batch size and
 * run per batch. oneDNN is the library PyTorch runs convolutions with on CPUs; its primitives,
 * created once, run in the memory layouts it picks for this CPU (blocked channels), with a reorder
 * wherever two primitives want different layouts. Deeplearning4j's own layers compute im2col and a
 * product per layer, recompute the forward pass during backpropagation and allocate every step:
 * about ten times slower on these networks; its oneDNN helpers cannot load with nd4j-native
 * 1.0.0-M2 (they look the backend up under a class name that build no longer has).
 *
 * <p>Weights and biases are read straight from the network's parameter array and gradients written
 * into its gradient array, in DL4J's layouts, so {@link ParamUpdate} updates them as for the dense
 * step and the network stays a DL4J network throughout. The input is what DL4J's
 * {@code FeedForwardToCnnPreProcessor} makes of a flat row (NCHW), and a dense layer after a
 * convolution reads the activations in DL4J's flattening order (channel, row, column). The output
 * layer's softmax and cross-entropy gradient are computed by the caller from {@link #logits()}.
 */
final class ConvNet implements AutoCloseable {

    /** One primitive and its arguments, in the order the pass runs them. */
    private record Exec(primitive op, IntMemoryMap args) {
    }

    /** An activation or gradient: its memory and the layout it is in. */
    private record Tensor(memory mem, memory.desc desc) {
    }

    /** A layer's forward results the backward pass reads. */
    private record Kept(Tensor src, Tensor dst, org.bytedeco.dnnl.primitive_desc forward, memory weights, memory bias,
                        Window window, memory workspace) {
    }

    /** A convolution's or pooling's window: size, stride, padding before and after; the pooling algorithm. */
    private record Window(long[] kernel, long[] stride, long[] before, long[] after, algorithm pooling) {

        /**
         * Padding as DL4J's for Same mode (the excess split with the smaller half first); otherwise the
         * configured padding before and whatever makes the output size after.
         */
        static Window of(ConvolutionMode mode, int[] padding, int[] kernel, int[] stride, long[] in, long[] out,
                         algorithm pooling) {
            long[] before = new long[2];
            long[] after = new long[2];
            for (int i = 0; i < 2; i++) {
                long total = (out[2 + i] - 1) * stride[i] + kernel[i] - in[2 + i];
                before[i] = mode == ConvolutionMode.Same ? Math.max(total, 0) / 2 : padding[i];
                after[i] = total - before[i];
            }
            return new Window(longs(kernel), longs(stride), before, after, pooling);
        }
    }

    private static final ThreadLocal<Native> NATIVE = ThreadLocal.withInitial(Native::new);

    /** oneDNN's CPU engine and a stream per thread: a stream runs one primitive at a time, in order. */
    private static final class Native {
        final engine engine = new engine(org.bytedeco.dnnl.engine.kind.cpu, 0);
        final stream stream = new stream(engine);
    }

    private final Native dnnl = NATIVE.get();
    private final List<Pointer> owned = new ArrayList<>();
    private final List<Exec> forward = new ArrayList<>();
    private final List<Exec> backward = new ArrayList<>();
    private final int rows;
    private final int classes;
    private final FloatBuffer input;
    private final FloatBuffer logits;
    private FloatBuffer logitsGradient;

    /**
     * Why this class cannot run {@code net}'s passes as DL4J's layers would, or null when it can: a
     * chain of 2D convolutions and pooling layers on a flat image input, then dense layers and a softmax
     * cross-entropy output, NCHW, with relu, tanh, sigmoid or no activations.
     */
    static String unsupported(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        int layers = net.getnLayers();
        if (layers < 2) {
            return "fewer than two layers";
        }
        if (!(conf.getInputPreProcess(0) instanceof FeedForwardToCnnPreProcessor)) {
            return "the input is not a flat image (InputType.convolutionalFlat)";
        }
        boolean flat = false;
        for (int l = 0; l < layers; l++) {
            org.deeplearning4j.nn.conf.layers.Layer layer = net.getLayer(l).conf().getLayer();
            InputPreProcessor pre = conf.getInputPreProcess(l);
            String why = null;
            if (l > 0 && pre != null && !(pre instanceof CnnToFeedForwardPreProcessor && !flat)) {
                why = "an input preprocessor " + pre.getClass().getSimpleName();
            } else if (layer.getClass() == ConvolutionLayer.class || layer.getClass() == SubsamplingLayer.class) {
                why = flat ? "a 2D layer after a dense one" : unsupported2d(layer);
            } else if (layer.getClass() == DenseLayer.class || layer.getClass() == OutputLayer.class) {
                if (!flat && l > 0 && !(pre instanceof CnnToFeedForwardPreProcessor p && p.getFormat() == CNN2DFormat.NCHW)) {
                    why = "a dense layer without the NCHW flattening preprocessor";
                }
                flat = true;
                FeedForwardLayer dense = (FeedForwardLayer) layer;
                if (layer instanceof OutputLayer out) {
                    if (l != layers - 1) {
                        why = "an output layer before the last";
                    } else if (!(out.getActivationFn() instanceof ActivationSoftmax)
                            || !(out.getLossFn() instanceof LossMCXENT loss) || loss.getWeights() != null) {
                        why = "an output other than softmax with unweighted multi-class cross-entropy";
                    }
                } else if (activation(dense.getActivationFn()) == null) {
                    why = "activation " + dense.getActivationFn();
                }
                if (why == null && (layer instanceof DenseLayer d && (!d.hasBias() || d.hasLayerNorm())
                        || layer instanceof OutputLayer o && !o.hasBias())) {
                    why = "no bias, or layer normalisation";
                }
            } else {
                why = layer.getClass().getSimpleName();
            }
            if (why == null && l == layers - 1 && !(layer instanceof OutputLayer)) {
                why = "the last layer is not an OutputLayer";
            }
            if (why == null) {
                why = ParamUpdate.unsupported(net.getLayer(l).conf());
            }
            if (why != null) {
                return "layer " + l + ": " + why;
            }
        }
        return null;
    }

    private static String unsupported2d(org.deeplearning4j.nn.conf.layers.Layer layer) {
        int[] dilation;
        ConvolutionMode mode;
        CNN2DFormat format;
        if (layer instanceof ConvolutionLayer conv) {
            if (!conv.hasBias()) {
                return "a convolution without bias";
            }
            if (activation(conv.getActivationFn()) == null) {
                return "activation " + conv.getActivationFn();
            }
            dilation = conv.getDilation();
            mode = conv.getConvolutionMode();
            format = conv.getCnn2dDataFormat();
        } else {
            SubsamplingLayer pool = (SubsamplingLayer) layer;
            if (pool.getPoolingType() != PoolingType.MAX && pool.getPoolingType() != PoolingType.AVG) {
                return "pooling " + pool.getPoolingType();
            }
            dilation = pool.getDilation();
            mode = pool.getConvolutionMode();
            format = pool.getCnn2dDataFormat();
        }
        if (dilation[0] != 1 || dilation[1] != 1) {
            return "dilation";
        }
        if (mode != ConvolutionMode.Truncate && mode != ConvolutionMode.Same && mode != ConvolutionMode.Strict) {
            return "convolution mode " + mode;
        }
        return format == CNN2DFormat.NCHW ? null : "data format " + format;
    }

    /** oneDNN's element-wise algorithm computing the activation, backward from its output; null where none. */
    private static algorithm activation(IActivation fn) {
        DenseForward.Hidden hidden = DenseForward.Hidden.of(fn);
        if (hidden == null) {
            return null;
        }
        return switch (hidden) {
            case RELU -> algorithm.eltwise_relu_use_dst_for_bwd;
            case TANH -> algorithm.eltwise_tanh_use_dst_for_bwd;
            case SIGMOID -> algorithm.eltwise_logistic_use_dst_for_bwd;
            case IDENTITY -> algorithm.undef;
        };
    }

    /**
     * The passes for batches of {@code rows} rows.
     *
     * @param gradients where the backward pass writes the gradients summed over the batch (the network's
     *                  flattened gradient array), or null for the forward pass alone
     */
    ConvNet(MultiLayerNetwork net, int rows, INDArray gradients) {
        String why = unsupported(net);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        this.rows = rows;
        // OpenMP keeps its thread count per thread, and the count may have been set since this thread's last pass
        Threads.openMpOnThisThread();
        boolean training = gradients != null;
        prop_kind prop = training ? prop_kind.forward_training : prop_kind.forward_inference;
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        FeedForwardToCnnPreProcessor in = (FeedForwardToCnnPreProcessor) conf.getInputPreProcess(0);
        List<InputType> types = conf.getLayerActivationTypes(
                InputType.convolutionalFlat(in.getInputHeight(), in.getInputWidth(), in.getNumChannels()));
        INDArray params = net.params();
        int layers = net.getnLayers();

        memory.desc inDesc = desc(new long[] {rows, in.getNumChannels(), in.getInputHeight(), in.getInputWidth()},
                memory.format_tag.nchw);
        Tensor x = new Tensor(own(new memory(inDesc, dnnl.engine)), inDesc);
        input = floats(x.mem, inDesc);
        Kept[] kept = new Kept[layers];
        Tensor current = x;
        long[] shape = {rows, in.getNumChannels(), in.getInputHeight(), in.getInputWidth()};
        for (int l = 0; l < layers; l++) {
            org.deeplearning4j.nn.conf.layers.Layer layer = net.getLayer(l).conf().getLayer();
            long[] out = dims(types.get(l), rows);
            String name = String.valueOf(l);
            if (layer instanceof ConvolutionLayer conv) {
                kept[l] = convolution(conv, current, shape, out, prop, weights(net, params, name, ConvolutionParamInitializer.WEIGHT_KEY,
                        new long[] {out[1], shape[1], conv.getKernelSize()[0], conv.getKernelSize()[1]}),
                        bias(net, params, name, ConvolutionParamInitializer.BIAS_KEY, out[1]));
            } else if (layer instanceof SubsamplingLayer pool) {
                kept[l] = pooling(pool, current, shape, out, prop);
            } else {
                long[] w = shape.length == 4 ? new long[] {out[1], shape[1], shape[2], shape[3]} : new long[] {out[1], shape[1]};
                kept[l] = innerProduct((FeedForwardLayer) layer, current, out, prop,
                        weights(net, params, name, DefaultParamInitializer.WEIGHT_KEY, w),
                        bias(net, params, name, DefaultParamInitializer.BIAS_KEY, out[1]), l == layers - 1);
            }
            current = kept[l].dst;
            shape = out;
        }
        classes = (int) shape[1];
        logits = floats(current.mem, current.desc);
        if (training) {
            buildBackward(net, gradients, kept);
        }
    }

    /** The input of the next pass: {@code rows x features} row-major, as {@code LabeledData.copyRows} writes it. */
    FloatBuffer input() {
        return input;
    }

    /** The output layer's pre-softmax values after {@link #forward()}: {@code rows x classes} row-major. */
    FloatBuffer logits() {
        return logits;
    }

    /** Where the caller writes the loss gradient of the logits before {@link #backward()}: row-major. */
    FloatBuffer logitsGradient() {
        return logitsGradient;
    }

    int rows() {
        return rows;
    }

    /** Row-wise softmax of {@code rows x classes} row-major values into {@code out}, in float as DL4J's. */
    static void softmax(FloatBuffer values, int rows, int classes, float[] out) {
        values.get(0, out, 0, rows * classes);
        for (int r = 0; r < rows; r++) {
            int at = r * classes;
            float max = out[at];
            for (int c = 1; c < classes; c++) {
                max = Math.max(max, out[at + c]);
            }
            float sum = 0f;
            for (int c = 0; c < classes; c++) {
                out[at + c] = (float) Math.exp(out[at + c] - max);
                sum += out[at + c];
            }
            for (int c = 0; c < classes; c++) {
                out[at + c] /= sum;
            }
        }
    }

    int classes() {
        return classes;
    }

    void forward() {
        run(forward);
    }

    /** Gradients of every parameter, summed over the batch, into the gradient array; after {@link #forward()}. */
    void backward() {
        run(backward);
    }

    private void run(List<Exec> pass) {
        for (Exec e : pass) {
            e.op.execute(dnnl.stream, e.args);
        }
        dnnl.stream._wait();
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }

    // ---- the forward pass, layer by layer: each returns what its backward pass reads ----

    private Kept convolution(ConvolutionLayer conv, Tensor src, long[] in, long[] out, prop_kind prop, memory weights,
                             memory bias) {
        Window w = Window.of(conv.getConvolutionMode(), conv.getPadding(), conv.getKernelSize(), conv.getStride(), in, out,
                null);
        // the source's layout left to oneDNN: one fixed to what the previous layer wrote can leave only its reference code
        convolution_forward.primitive_desc pd = own(new convolution_forward.primitive_desc(own(new convolution_forward.desc(prop,
                algorithm.convolution_direct, any(src.desc), any(weights), bias.get_desc(), any(out), w.stride, w.before, w.after)),
                dnnl.engine));
        Tensor source = new Tensor(as(src, pd.src_desc(), forward), pd.src_desc());
        Tensor dst = allocate(pd.dst_desc());
        add(forward, own(new convolution_forward(pd)), DNNL_ARG_SRC, source.mem, DNNL_ARG_WEIGHTS,
                as(new Tensor(weights, weights.get_desc()), pd.weights_desc(), forward), DNNL_ARG_BIAS, bias, DNNL_ARG_DST, dst.mem);
        return new Kept(source, activate(conv.getActivationFn(), dst, prop), pd, weights, bias, w, null);
    }

    private Kept pooling(SubsamplingLayer pool, Tensor src, long[] in, long[] out, prop_kind prop) {
        Window w = Window.of(pool.getConvolutionMode(), pool.getPadding(), pool.getKernelSize(), pool.getStride(), in, out,
                poolingAlgorithm(pool));
        algorithm alg = w.pooling;
        pooling_forward.primitive_desc pd = own(new pooling_forward.primitive_desc(own(new pooling_forward.desc(prop, alg,
                src.desc, any(out), w.stride, w.kernel, w.before, w.after)), dnnl.engine));
        Tensor dst = allocate(pd.dst_desc());
        // where max pooling's backward pass finds which value each window passed on
        memory workspace = prop == prop_kind.forward_training && alg == algorithm.pooling_max
                ? own(new memory(pd.workspace_desc(), dnnl.engine)) : null;
        add(forward, own(new pooling_forward(pd)), DNNL_ARG_SRC, src.mem, DNNL_ARG_DST, dst.mem, DNNL_ARG_WORKSPACE, workspace);
        return new Kept(src, dst, pd, null, null, w, workspace);
    }

    private Kept innerProduct(FeedForwardLayer layer, Tensor src, long[] out, prop_kind prop, memory weights, memory bias,
                              boolean output) {
        // the output layer's values go to Java as they are: row-major, whatever layout oneDNN would prefer
        memory.desc dstDesc = output ? desc(out, memory.format_tag.nc) : any(out);
        inner_product_forward.primitive_desc pd = own(new inner_product_forward.primitive_desc(own(new inner_product_forward.desc(
                prop, any(src.desc), any(weights), bias.get_desc(), dstDesc)), dnnl.engine));
        Tensor source = new Tensor(as(src, pd.src_desc(), forward), pd.src_desc());
        Tensor dst = allocate(pd.dst_desc());
        add(forward, own(new inner_product_forward(pd)), DNNL_ARG_SRC, source.mem, DNNL_ARG_WEIGHTS,
                as(new Tensor(weights, weights.get_desc()), pd.weights_desc(), forward), DNNL_ARG_BIAS, bias, DNNL_ARG_DST, dst.mem);
        Tensor activated = output ? dst : activate(layer.getActivationFn(), dst, prop);
        return new Kept(source, activated, pd, weights, bias, null, null);
    }

    /** The activation in place on {@code t}: the backward pass computes its gradient from the result. */
    private Tensor activate(IActivation fn, Tensor t, prop_kind prop) {
        algorithm alg = activation(fn);
        if (alg != algorithm.undef) {
            eltwise_forward.primitive_desc pd = own(new eltwise_forward.primitive_desc(
                    own(new eltwise_forward.desc(prop, alg, t.desc, 0f, 0f)), dnnl.engine));
            add(forward, own(new eltwise_forward(pd)), DNNL_ARG_SRC, t.mem, DNNL_ARG_DST, t.mem);
        }
        return t;
    }

    // ---- the backward pass ----

    private void buildBackward(MultiLayerNetwork net, INDArray gradients, Kept[] kept) {
        memory.desc gradDesc = desc(new long[] {rows, classes}, memory.format_tag.nc);
        Tensor diff = allocate(gradDesc);
        logitsGradient = floats(diff.mem, gradDesc);
        for (int l = kept.length - 1; l >= 0; l--) {
            org.deeplearning4j.nn.conf.layers.Layer layer = net.getLayer(l).conf().getLayer();
            Kept k = kept[l];
            boolean first = l == 0;
            String name = String.valueOf(l);
            if (layer instanceof ConvolutionLayer conv) {
                diff = activationGradient(conv.getActivationFn(), k.dst, diff);
                convolution_forward.primitive_desc pd = (convolution_forward.primitive_desc) k.forward;
                memory weights = k.weights;
                Window w = k.window;
                memory gradW = gradientView(net, gradients, name, DefaultParamInitializer.WEIGHT_KEY, weights);
                memory gradB = gradientView(net, gradients, name, DefaultParamInitializer.BIAS_KEY, k.bias);
                convolution_backward_weights.primitive_desc wpd = own(new convolution_backward_weights.primitive_desc(
                        own(new convolution_backward_weights.desc(algorithm.convolution_direct, k.src.desc, any(weights),
                                gradB.get_desc(), any(diff.desc), w.stride, w.before, w.after)), dnnl.engine, pd));
                weightGradients(own(new convolution_backward_weights(wpd)), k.src.mem, as(diff, wpd.diff_dst_desc(), backward),
                        wpd.diff_weights_desc(), gradW, gradB);
                if (!first) {
                    convolution_backward_data.primitive_desc dpd = own(new convolution_backward_data.primitive_desc(
                            own(new convolution_backward_data.desc(algorithm.convolution_direct, any(k.src.desc),
                                    any(weights), any(diff.desc), w.stride, w.before, w.after)), dnnl.engine, pd));
                    Tensor next = allocate(dpd.diff_src_desc());
                    add(backward, own(new convolution_backward_data(dpd)), DNNL_ARG_DIFF_DST, as(diff, dpd.diff_dst_desc(), backward),
                            DNNL_ARG_WEIGHTS, as(new Tensor(weights, weights.get_desc()), dpd.weights_desc(), backward),
                            DNNL_ARG_DIFF_SRC, next.mem);
                    diff = next;
                }
            } else if (layer instanceof SubsamplingLayer) {
                pooling_forward.primitive_desc pd = (pooling_forward.primitive_desc) k.forward;
                Window w = k.window;
                pooling_backward.primitive_desc bpd = own(new pooling_backward.primitive_desc(own(new pooling_backward.desc(
                        w.pooling, any(k.src.desc), any(diff.desc), w.stride, w.kernel, w.before, w.after)), dnnl.engine, pd));
                Tensor next = allocate(bpd.diff_src_desc());
                add(backward, own(new pooling_backward(bpd)), DNNL_ARG_DIFF_DST, as(diff, bpd.diff_dst_desc(), backward),
                        DNNL_ARG_WORKSPACE, k.workspace, DNNL_ARG_DIFF_SRC, next.mem);
                diff = next;
            } else {
                if (!(layer instanceof OutputLayer)) {
                    diff = activationGradient(((FeedForwardLayer) layer).getActivationFn(), k.dst, diff);
                }
                inner_product_forward.primitive_desc pd = (inner_product_forward.primitive_desc) k.forward;
                memory weights = k.weights;
                memory gradW = gradientView(net, gradients, name, DefaultParamInitializer.WEIGHT_KEY, weights);
                memory gradB = gradientView(net, gradients, name, DefaultParamInitializer.BIAS_KEY, k.bias);
                inner_product_backward_weights.primitive_desc wpd = own(new inner_product_backward_weights.primitive_desc(
                        own(new inner_product_backward_weights.desc(k.src.desc, any(weights), gradB.get_desc(), any(diff.desc))),
                        dnnl.engine, pd));
                weightGradients(own(new inner_product_backward_weights(wpd)), k.src.mem, as(diff, wpd.diff_dst_desc(), backward),
                        wpd.diff_weights_desc(), gradW, gradB);
                if (!first) {
                    inner_product_backward_data.primitive_desc dpd = own(new inner_product_backward_data.primitive_desc(
                            own(new inner_product_backward_data.desc(any(k.src.desc), any(weights), any(diff.desc))),
                            dnnl.engine, pd));
                    Tensor next = allocate(dpd.diff_src_desc());
                    add(backward, own(new inner_product_backward_data(dpd)), DNNL_ARG_DIFF_DST, as(diff, dpd.diff_dst_desc(), backward),
                            DNNL_ARG_WEIGHTS, as(new Tensor(weights, weights.get_desc()), dpd.weights_desc(), backward),
                            DNNL_ARG_DIFF_SRC, next.mem);
                    diff = next;
                }
            }
        }
    }

    /** The gradient of an activation's input from its output's gradient, computed from its output. */
    private Tensor activationGradient(IActivation fn, Tensor dst, Tensor diff) {
        algorithm alg = activation(fn);
        if (alg == algorithm.undef) {
            return diff;
        }
        memory diffMem = as(diff, dst.desc, backward);
        eltwise_forward.primitive_desc hint = own(new eltwise_forward.primitive_desc(
                own(new eltwise_forward.desc(prop_kind.forward_training, alg, dst.desc, 0f, 0f)), dnnl.engine));
        eltwise_backward.primitive_desc pd = own(new eltwise_backward.primitive_desc(
                own(new eltwise_backward.desc(alg, dst.desc, dst.desc, 0f, 0f)), dnnl.engine, hint));
        Tensor out = allocate(pd.diff_src_desc());
        add(backward, own(new eltwise_backward(pd)), DNNL_ARG_DIFF_DST, diffMem, DNNL_ARG_DST, dst.mem, DNNL_ARG_DIFF_SRC, out.mem);
        return out;
    }

    /** A weight-gradient primitive writing into the network's gradient array, through a reorder where layouts differ. */
    private void weightGradients(primitive op, memory src, memory diffDst, memory.desc gradDesc, memory gradW, memory gradB) {
        memory into = gradDesc.equals(gradW.get_desc()) ? gradW : own(new memory(gradDesc, dnnl.engine));
        add(backward, op, DNNL_ARG_SRC, src, DNNL_ARG_DIFF_DST, diffDst, DNNL_ARG_DIFF_WEIGHTS, into, DNNL_ARG_DIFF_BIAS, gradB);
        if (into != gradW) {
            add(backward, own(new reorder(into, gradW)), DNNL_ARG_FROM, into, DNNL_ARG_TO, gradW);
        }
    }

    // ---- memory ----

    /** {@code t} in the layout {@code want}: itself, or a copy a reorder added to {@code pass} makes. */
    private memory as(Tensor t, memory.desc want, List<Exec> pass) {
        if (t.desc.equals(want)) {
            return t.mem;
        }
        memory copy = own(new memory(want, dnnl.engine));
        add(pass, own(new reorder(t.mem, copy)), DNNL_ARG_FROM, t.mem, DNNL_ARG_TO, copy);
        return copy;
    }

    private Tensor allocate(memory.desc desc) {
        return new Tensor(own(new memory(desc, dnnl.engine)), desc);
    }

    /** A parameter of layer {@code layer} as oneDNN memory over the network's own parameter array. */
    private memory weights(MultiLayerNetwork net, INDArray params, String layer, String key, long[] dims) {
        return over(params, params, net.getParam(layer + "_" + key),
                desc(dims, dims.length == 4 ? memory.format_tag.oihw : memory.format_tag.oi));
    }

    private memory bias(MultiLayerNetwork net, INDArray params, String layer, String key, long n) {
        return over(params, params, net.getParam(layer + "_" + key), desc(new long[] {n}, memory.format_tag.x));
    }

    /**
     * Where the gradient of a layer's parameter goes, in the layout of {@code param}, the parameter's memory: the
     * gradient array at the parameter's offset in the parameter array. Convolutions and dense layers name their
     * weights and biases alike ({@code W}, {@code b}).
     */
    private memory gradientView(MultiLayerNetwork net, INDArray gradients, String layer, String key, memory param) {
        return over(gradients, net.params(), net.getParam(layer + "_" + key), param.get_desc());
    }

    /**
     * Memory over {@code target}'s native values at {@code view}'s offset in {@code base}: DL4J's parameter
     * views are contiguous (weights column-major [in, out] for dense layers, row-major [out, in, h, w] for
     * convolutions), which are oneDNN's oi and oihw layouts.
     */
    private memory over(INDArray target, INDArray base, INDArray view, memory.desc desc) {
        if (target.dataType() != DataType.FLOAT || view.length() * Float.BYTES != desc.get_size()) {
            throw new IllegalStateException("parameter of " + view.length() + " values for " + desc.get_size() + " bytes");
        }
        long at = target.data().addressPointer().address() + (target.offset() + view.offset() - base.offset()) * Float.BYTES;
        return own(new memory(desc, dnnl.engine, new Pointer() {
            {
                address = at;
            }
        }));
    }

    private static FloatBuffer floats(memory mem, memory.desc desc) {
        return new FloatPointer(mem.get_data_handle()).capacity(desc.get_size() / Float.BYTES).asBuffer();
    }

    private static memory.desc desc(long[] dims, memory.format_tag tag) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    private static memory.desc any(long[] dims) {
        return desc(dims, memory.format_tag.any);
    }

    private static memory.desc any(memory m) {
        return any(m.get_desc());
    }

    private static memory.desc any(memory.desc d) {
        LongDims dims = new LongDims(d);
        return any(dims.values);
    }

    /** A memory descriptor's dimensions. */
    private record LongDims(long[] values) {
        LongDims(memory.desc d) {
            this(read(d));
        }

        private static long[] read(memory.desc d) {
            org.bytedeco.javacpp.LongPointer p = d.dims();
            long[] v = new long[(int) p.limit()];
            p.get(v);
            return v;
        }
    }

    private static long[] dims(InputType type, int rows) {
        if (type instanceof InputType.InputTypeConvolutional c) {
            return new long[] {rows, c.getChannels(), c.getHeight(), c.getWidth()};
        }
        return new long[] {rows, ((InputType.InputTypeFeedForward) type).getSize()};
    }

    private static algorithm poolingAlgorithm(SubsamplingLayer pool) {
        if (pool.getPoolingType() == PoolingType.MAX) {
            return algorithm.pooling_max;
        }
        return pool.isAvgPoolIncludePadInDivisor() ? algorithm.pooling_avg_include_padding : algorithm.pooling_avg_exclude_padding;
    }

    private static long[] longs(int[] values) {
        long[] l = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            l[i] = values[i];
        }
        return l;
    }

    /** Appends {@code op} to {@code pass} with its arguments, pairs of an argument kind and memory (none where null). */
    private void add(List<Exec> pass, primitive op, Object... args) {
        IntMemoryMap map = own(new IntMemoryMap());
        for (int i = 0; i < args.length; i += 2) {
            if (args[i + 1] != null) {
                map.put((Integer) args[i], (memory) args[i + 1]);
            }
        }
        pass.add(new Exec(op, map));
    }

    private <T extends Pointer> T own(T p) {
        owned.add(p);
        return p;
    }
}
