package dev.shears.pruning.train;

import dev.shears.pruning.model.Network;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.binary;
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
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;
import static org.bytedeco.dnnl.global.dnnl.algorithm;
import static org.bytedeco.dnnl.global.dnnl.normalization_flags;
import static org.bytedeco.dnnl.global.dnnl.prop_kind;

/**
 * The forward and backward passes of a convolutional network (a layer chain or a computation graph,
 * as {@link ConvGraph} reads it) as oneDNN primitives, built once for one batch size and run per
 * batch. oneDNN is the library PyTorch runs convolutions with on CPUs; its primitives, created once,
 * run in the memory layouts it picks for this CPU (blocked channels), with a reorder wherever two
 * primitives want different layouts. Deeplearning4j's own layers compute im2col and a product per
 * layer, recompute the forward pass during backpropagation and allocate every step: many times slower
 * on these networks (docs/benchmarks/convolution-profile.md); its oneDNN helpers cannot load with
 * nd4j-native 1.0.0-M2 (they look the backend up under a class name that build no longer has).
 *
 * <p>Weights and biases are read straight from the network's parameter array and gradients written
 * into its gradient array, in DL4J's layouts, so {@link ParamUpdate} updates them as for the dense
 * step and the network stays a DL4J network throughout. The input is what DL4J's
 * {@code FeedForwardToCnnPreProcessor} makes of a flat row (NCHW), and a dense layer after a
 * convolution reads the activations in DL4J's flattening order (channel, row, column). A tensor
 * several nodes read gets the sum of their gradients; the output layer's softmax and cross-entropy
 * gradient are computed in Java ({@link #backward}). Where oneDNN's kernels are slow ({@link ComputePath#bypass}), max
 * pooling's training passes run in Java too and a one-channel convolution's weight gradient as a forward convolution.
 */
final class ConvNet implements AutoCloseable {

    /**
     * One primitive and its arguments, or Java work ({@code java}), in the order the pass runs them; {@code node}
     * names the layer it is for.
     */
    private record Exec(primitive op, IntMemoryMap args, Runnable java, String node) {
    }

    /** An activation or gradient: its memory and the layout it is in. */
    private record Tensor(memory mem, memory.desc desc) {
    }

    /**
     * What a node's backward pass reads from its forward pass: its inputs and output, the forward primitive's
     * descriptor, its parameters (weights and bias, or batch normalisation's scale and shift), its window, max
     * pooling's workspace, batch normalisation's batch mean and variance; max pooling run in Java.
     */
    private record Kept(Tensor[] src, Tensor dst, org.bytedeco.dnnl.primitive_desc forward, memory weights, memory bias,
                        Window window, memory workspace, memory mean, memory variance, MaxPooling pooled) {
        Kept(Tensor[] src, Tensor dst, org.bytedeco.dnnl.primitive_desc forward, memory weights, memory bias, Window window,
             memory workspace) {
            this(src, dst, forward, weights, bias, window, workspace, null, null, null);
        }
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
    /** Java work before the forward pass's primitives (inference statistics) and after the backward pass's. */
    private final List<Runnable> before = new ArrayList<>();
    private final List<Runnable> after = new ArrayList<>();
    private final Network net;
    private final INDArray gradients;
    private final prop_kind prop;
    private final int rows;
    private final List<ConvGraph.Node> nodes;
    private final Kept[] kept;
    private int bypassed;
    /** The node whose primitives are being added, named in their errors. */
    private String building = "the input";
    private final int classes;
    private final FloatBuffer input;
    private final FloatBuffer logits;
    private FloatBuffer logitsGradient;

    /** Why this class cannot run {@code net}'s passes as DL4J's layers would, or null when it can (see {@link ConvGraph}). */
    static String unsupported(Network net) {
        return ConvGraph.of(net, 1).unsupported;
    }

    /** oneDNN's element-wise algorithm computing the activation, backward from its output; null where none. */
    static algorithm activation(IActivation fn) {
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
    ConvNet(Network net, int rows, INDArray gradients) {
        ConvGraph graph = ConvGraph.of(net, rows);
        if (graph.unsupported != null) {
            throw new IllegalArgumentException(graph.unsupported);
        }
        this.net = net;
        this.rows = rows;
        this.gradients = gradients;
        // OpenMP keeps its thread count per thread, and the count may have been set since this thread's last pass
        Threads.openMpOnThisThread();
        prop = gradients != null ? prop_kind.forward_training : prop_kind.forward_inference;
        long[] in = graph.input;
        memory.desc inDesc = desc(new long[] {rows, in[0], in[1], in[2]}, memory.format_tag.nchw);
        Tensor x = allocate(inDesc);
        input = floats(x.mem, inDesc);
        nodes = graph.nodes;
        kept = new Kept[nodes.size()];
        for (int n = 0; n < nodes.size(); n++) {
            ConvGraph.Node node = nodes.get(n);
            building = "layer " + node.name() + " (forward)";
            Tensor[] src = new Tensor[node.inputs().length];
            for (int i = 0; i < src.length; i++) {
                src[i] = node.inputs()[i] < 0 ? x : kept[node.inputs()[i]].dst;
            }
            int first = node.inputs()[0];
            kept[n] = forward(node, src, first < 0 ? new long[] {rows, in[0], in[1], in[2]} : nodes.get(first).out(),
                    n == nodes.size() - 1);
        }
        Tensor out = kept[nodes.size() - 1].dst;
        classes = (int) nodes.get(nodes.size() - 1).out()[1];
        logits = floats(out.mem, out.desc);
        if (gradients != null) {
            buildBackward(nodes, kept);
        }
    }

    /** The input of the next pass: {@code rows x features} row-major, as {@code LabeledData.copyRows} writes it. */
    FloatBuffer input() {
        return input;
    }

    /** The class probabilities after {@link #forward()} into {@code out}: {@code rows x classes} row-major. */
    void probabilities(float[] out) {
        softmax(logits, rows, classes, out);
    }

    /** The output layer's values before its softmax, after {@link #forward()}, into {@code out}: {@code rows x classes}. */
    void logits(float[] out) {
        logits.get(0, out, 0, rows * classes);
    }

    int classes() {
        return classes;
    }

    /** How many of oneDNN's kernels the passes go around ({@link ComputePath#bypass}). */
    int bypassed() {
        return bypassed;
    }

    /**
     * The outputs of the named layers after the last {@link #forward()}, after their activation, in DL4J's shapes
     * and layouts (NCHW images, rows x units otherwise; the output layer's as probabilities): what DL4J's
     * {@code feedForward} gives for them.
     */
    Map<String, INDArray> outputs(Set<String> names) {
        Map<String, INDArray> out = new HashMap<>();
        for (int n = 0; n < nodes.size(); n++) {
            ConvGraph.Node node = nodes.get(n);
            if (!names.contains(node.name())) {
                continue;
            }
            long[] dims = node.conf() instanceof GlobalPoolingLayer ? new long[] {rows, node.out()[1]} : node.out();
            float[] values = new float[(int) java.util.Arrays.stream(dims).reduce(1, (a, b) -> a * b)];
            if (n == nodes.size() - 1) {
                probabilities(values);
            } else {
                memory.desc plain = desc(node.out(), node.out().length == 4 ? memory.format_tag.nchw : memory.format_tag.nc);
                try (memory copy = new memory(plain, dnnl.engine); reorder r = new reorder(kept[n].dst.mem, copy);
                     IntMemoryMap args = new IntMemoryMap()) {
                    args.put(DNNL_ARG_FROM, kept[n].dst.mem);
                    args.put(DNNL_ARG_TO, copy);
                    r.execute(dnnl.stream, args);
                    dnnl.stream._wait();
                    floats(copy, plain).get(0, values, 0, values.length);
                }
            }
            out.put(node.name(), Nd4j.create(values, dims, 'c'));
        }
        return out;
    }

    /** Row-wise softmax of {@code rows x classes} row-major values into {@code out}, in float as DL4J's. */
    private static void softmax(FloatBuffer values, int rows, int classes, float[] out) {
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

    void forward() {
        before.forEach(Runnable::run);
        run(forward);
    }

    /**
     * Gradients of every parameter for the summed softmax cross-entropy against {@code targets} ({@code rows x
     * classes} row-major), not divided by the batch size (the update divides, as DL4J's), into the gradient array;
     * after {@link #forward()}.
     *
     * @param scratch room for {@code rows x classes} values
     */
    void backward(float[] targets, float[] scratch) {
        int n = rows * classes;
        probabilities(scratch);
        for (int i = 0; i < n; i++) {
            scratch[i] -= targets[i];
        }
        logitsGradient.put(0, scratch, 0, n);
        run(backward);
        after.forEach(Runnable::run);
    }

    private void run(List<Exec> pass) {
        for (Exec e : pass) {
            if (e.java != null) {
                dnnl.stream._wait();
                e.java.run();
                continue;
            }
            try {
                e.op.execute(dnnl.stream, e.args);
            } catch (RuntimeException failed) {
                throw new IllegalStateException("oneDNN's " + e.op.getClass().getSimpleName() + " for " + e.node + ": "
                        + failed.getMessage(), failed);
            }
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

    // ---- the forward pass, node by node: each returns what its backward pass reads ----

    private Kept forward(ConvGraph.Node node, Tensor[] src, long[] in, boolean output) {
        Object conf = node.conf();
        String name = node.name();
        long[] out = node.out();
        if (conf instanceof ConvolutionLayer conv) {
            return convolution(conv, src[0], in, out, weights(name, new long[] {out[1], in[1], conv.getKernelSize()[0],
                    conv.getKernelSize()[1]}), conv.hasBias() ? bias(name, DefaultParamInitializer.BIAS_KEY, out[1]) : null);
        }
        if (conf instanceof SubsamplingLayer pool) {
            return pooling(Window.of(pool.getConvolutionMode(), pool.getPadding(), pool.getKernelSize(), pool.getStride(),
                    in, out, poolingAlgorithm(pool.getPoolingType(), pool.isAvgPoolIncludePadInDivisor())), src[0], out);
        }
        if (conf instanceof GlobalPoolingLayer global) {
            int[] whole = {(int) in[2], (int) in[3]};
            return pooling(Window.of(ConvolutionMode.Truncate, new int[2], whole, whole, in, out,
                    poolingAlgorithm(global.getPoolingType(), false)), src[0], out);
        }
        if (conf instanceof BatchNormalization bn) {
            return batchNormalization(name, bn, src[0], out[1]);
        }
        if (conf instanceof ActivationLayer act) {
            Tensor dst = allocate(src[0].desc);
            return new Kept(src, activate(act.getActivationFn(), src[0], dst), null, null, null, null, null);
        }
        if (conf instanceof ElementWiseVertex) {
            Tensor sum = src[0];
            for (int i = 1; i < src.length; i++) {
                sum = add(sum, src[i], forward);
            }
            return new Kept(src, sum, null, null, null, null, null);
        }
        if (conf instanceof MergeVertex) {
            return concatenate(src, out);
        }
        long[] w = in.length == 4 ? new long[] {out[1], in[1], in[2], in[3]} : new long[] {out[1], in[1]};
        return innerProduct((FeedForwardLayer) conf, src[0], out, weights(name, w),
                bias(name, DefaultParamInitializer.BIAS_KEY, out[1]), output);
    }

    /** @param bias null for a convolution without bias (as before a batch normalisation) */
    private Kept convolution(ConvolutionLayer conv, Tensor src, long[] in, long[] out, memory weights, memory bias) {
        Window w = Window.of(conv.getConvolutionMode(), conv.getPadding(), conv.getKernelSize(), conv.getStride(), in, out,
                null);
        // the source's layout left to oneDNN: one fixed to what the previous layer wrote can leave only its reference code
        convolution_forward.desc d = bias == null
                ? new convolution_forward.desc(prop, algorithm.convolution_direct, any(src.desc), any(weights), any(out),
                w.stride, w.before, w.after)
                : new convolution_forward.desc(prop, algorithm.convolution_direct, any(src.desc), any(weights), bias.get_desc(),
                any(out), w.stride, w.before, w.after);
        convolution_forward.primitive_desc pd = own(new convolution_forward.primitive_desc(own(d), dnnl.engine));
        Tensor source = new Tensor(as(src, pd.src_desc(), forward), pd.src_desc());
        Tensor dst = allocate(pd.dst_desc());
        add(forward, own(new convolution_forward(pd)), DNNL_ARG_SRC, source.mem, DNNL_ARG_WEIGHTS,
                as(new Tensor(weights, weights.get_desc()), pd.weights_desc(), forward), DNNL_ARG_BIAS, bias, DNNL_ARG_DST, dst.mem);
        return new Kept(new Tensor[] {source}, activate(conv.getActivationFn(), dst, dst), pd, weights, bias, w, null);
    }

    private Kept pooling(Window w, Tensor src, long[] out) {
        pooling_forward.primitive_desc pd = own(new pooling_forward.primitive_desc(own(new pooling_forward.desc(prop, w.pooling,
                src.desc, any(out), w.stride, w.kernel, w.before, w.after)), dnnl.engine));
        if (prop == prop_kind.forward_training && w.pooling == algorithm.pooling_max
                && ComputePath.bypass(pd.impl_info_str().getString())) {
            Kept java = javaMaxPooling(w, src, out);
            if (java != null) {
                return java;
            }
        }
        Tensor dst = allocate(pd.dst_desc());
        // where max pooling's backward pass finds which value each window passed on
        memory workspace = prop == prop_kind.forward_training && w.pooling == algorithm.pooling_max
                ? own(new memory(pd.workspace_desc(), dnnl.engine)) : null;
        add(forward, own(new pooling_forward(pd)), DNNL_ARG_SRC, src.mem, DNNL_ARG_DST, dst.mem, DNNL_ARG_WORKSPACE, workspace);
        return new Kept(new Tensor[] {src}, dst, pd, null, null, w, workspace);
    }

    /** Max pooling in Java on {@code src} as it is laid out, into the same layout; null where {@link Planes} cannot read it. */
    private Kept javaMaxPooling(Window w, Tensor src, long[] out) {
        long[] in = new LongDims(src.desc).values;
        Planes layout = Planes.of(src.desc, in);
        if (layout == null) {
            return null;
        }
        MaxPooling pool = new MaxPooling(layout.count(), (int) in[2], (int) in[3], layout.lanes(), (int) out[2],
                (int) out[3], ints(w.kernel), ints(w.stride), ints(w.before));
        Tensor dst = allocate(desc(out, layout.tag()));
        FloatBuffer from = floats(src.mem, src.desc);
        FloatBuffer to = floats(dst.mem, dst.desc);
        addJava(forward, () -> pool.forward(from, to));
        bypassed++;
        return new Kept(new Tensor[] {src}, dst, null, null, null, w, null, null, null, pool);
    }

    /**
     * An image tensor's layout as Java code reads it: {@code count} planes of rows of columns of {@code lanes} values,
     * {@code perImage} planes an image: NCHW (a plane per channel, one lane), NHWC (a plane per image, a lane per
     * channel) or oneDNN's channel blocks (a plane per block of 8 or 16 channels, the channels past the last zeros).
     */
    private record Planes(memory.format_tag tag, int count, int lanes, int perImage) {

        /** {@code d}'s layout, for a tensor of dimensions {@code dims}; null for any other. */
        static Planes of(memory.desc d, long[] dims) {
            int images = (int) dims[0];
            int channels = (int) dims[1];
            for (memory.format_tag tag : new memory.format_tag[] {memory.format_tag.nchw, memory.format_tag.nhwc,
                    memory.format_tag.aBcd8b, memory.format_tag.aBcd16b}) {
                if (desc(dims, tag).equals(d)) {
                    int lanes = tag == memory.format_tag.nchw ? 1 : tag == memory.format_tag.nhwc ? channels
                            : tag == memory.format_tag.aBcd8b ? 8 : 16;
                    int perImage = (channels + lanes - 1) / lanes;
                    return new Planes(tag, images * perImage, lanes, perImage);
                }
            }
            return null;
        }

        /** Every channel's sum over images, rows and columns of {@code values}, {@code size} rows x columns a plane. */
        void channelSums(float[] values, int size, double[] sums) {
            java.util.Arrays.fill(sums, 0);
            for (int p = 0; p < count; p++) {
                int base = p * size * lanes;
                int channel = (p % perImage) * lanes;
                for (int i = 0; i < size; i++) {
                    for (int l = 0; l < lanes; l++) {
                        sums[channel + l] += values[base + i * lanes + l];
                    }
                }
            }
        }
    }

    private Kept innerProduct(FeedForwardLayer layer, Tensor src, long[] out, memory weights, memory bias, boolean output) {
        // the output layer's values go to Java as they are: row-major, whatever layout oneDNN would prefer
        memory.desc dstDesc = output ? desc(out, memory.format_tag.nc) : any(out);
        inner_product_forward.primitive_desc pd = own(new inner_product_forward.primitive_desc(own(new inner_product_forward.desc(
                prop, any(src.desc), any(weights), bias.get_desc(), dstDesc)), dnnl.engine));
        Tensor source = new Tensor(as(src, pd.src_desc(), forward), pd.src_desc());
        Tensor dst = allocate(pd.dst_desc());
        add(forward, own(new inner_product_forward(pd)), DNNL_ARG_SRC, source.mem, DNNL_ARG_WEIGHTS,
                as(new Tensor(weights, weights.get_desc()), pd.weights_desc(), forward), DNNL_ARG_BIAS, bias, DNNL_ARG_DST, dst.mem);
        Tensor activated = output ? dst : activate(layer.getActivationFn(), dst, dst);
        return new Kept(new Tensor[] {source}, activated, pd, weights, bias, null, null);
    }

    /**
     * Batch normalisation as DL4J's layer computes it: in training the batch's mean and (biased) variance per
     * channel, in inference the running mean and deviation DL4J keeps as parameters ({@code log10stdev}, the
     * base-10 logarithm of the deviation, eps included), which oneDNN takes as a variance.
     */
    private Kept batchNormalization(String name, BatchNormalization bn, Tensor src, long channels) {
        long[] c = {channels};
        memory scale = over(name + "_" + BatchNormalizationParamInitializer.GAMMA, desc(c, memory.format_tag.x));
        memory shift = over(name + "_" + BatchNormalizationParamInitializer.BETA, desc(c, memory.format_tag.x));
        boolean training = prop == prop_kind.forward_training;
        int flags = normalization_flags.use_scale.value | normalization_flags.use_shift.value
                | (training ? 0 : normalization_flags.use_global_stats.value);
        batch_normalization_forward.primitive_desc pd = own(new batch_normalization_forward.primitive_desc(
                own(new batch_normalization_forward.desc(prop.value, src.desc, (float) bn.getEps(), flags)), dnnl.engine));
        Tensor dst = allocate(pd.dst_desc());
        memory mean = own(new memory(pd.mean_desc(), dnnl.engine));
        memory variance = own(new memory(pd.variance_desc(), dnnl.engine));
        add(forward, own(new batch_normalization_forward(pd)), DNNL_ARG_SRC, src.mem, DNNL_ARG_SCALE, scale,
                DNNL_ARG_SHIFT, shift, DNNL_ARG_MEAN, mean, DNNL_ARG_VARIANCE, variance, DNNL_ARG_DST, dst.mem);
        FloatBuffer globalMean = floats(name + "_" + BatchNormalizationParamInitializer.GLOBAL_MEAN);
        FloatBuffer globalLogStd = floats(name + "_" + BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
        FloatBuffer means = floats(mean, pd.mean_desc());
        FloatBuffer variances = floats(variance, pd.variance_desc());
        float eps = (float) bn.getEps();
        if (!training) {
            before.add(() -> {
                for (int i = 0; i < channels; i++) {
                    float std = (float) Math.pow(10, globalLogStd.get(i));
                    means.put(i, globalMean.get(i));
                    variances.put(i, std * std - eps);
                }
            });
        } else {
            runningStatistics(name, bn, channels, means, variances, globalMean, globalLogStd);
        }
        return new Kept(new Tensor[] {src}, dst, pd, scale, shift, null, null, mean, variance, null);
    }

    /**
     * DL4J's running statistics of a batch normalisation, as the "gradients" its NoOp updater subtracts from the
     * running mean and log deviation (not divided by the batch size): {@code mean - (decay mean + (1 - decay) m)}
     * and {@code log10(sqrt(s2 / (decay s2 + (1 - decay) (v + eps))))}, with s2 the running variance (the square of
     * the deviation), m and v the batch's mean and variance: the variance is averaged, not the deviation.
     */
    private void runningStatistics(String name, BatchNormalization bn, long channels, FloatBuffer means, FloatBuffer variances,
                                   FloatBuffer globalMean, FloatBuffer globalLogStd) {
        FloatBuffer meanChange = gradientFloats(name + "_" + BatchNormalizationParamInitializer.GLOBAL_MEAN);
        FloatBuffer logStdChange = gradientFloats(name + "_" + BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
        float decay = (float) bn.getDecay();
        float eps = (float) bn.getEps();
        after.add(() -> {
            for (int i = 0; i < channels; i++) {
                meanChange.put(i, (globalMean.get(i) - means.get(i)) * (1 - decay));
                float std = (float) Math.pow(10, globalLogStd.get(i));
                float variance = std * std;
                float updated = decay * variance + (1 - decay) * (variances.get(i) + eps);
                logStdChange.put(i, (float) (Math.log10(variance / updated) / 2));
            }
        });
    }

    /** Channel concatenation: each input copied into its channels of the output, which is plain NCHW. */
    private Kept concatenate(Tensor[] src, long[] out) {
        Tensor dst = allocate(desc(out, memory.format_tag.nchw));
        long offset = 0;
        for (Tensor s : src) {
            long[] dims = new LongDims(s.desc).values;
            memory part = part(dst, dims, offset);
            add(forward, own(new reorder(s.mem, part)), DNNL_ARG_FROM, s.mem, DNNL_ARG_TO, part);
            offset += dims[1];
        }
        return new Kept(src, dst, null, null, null, null, null);
    }

    /** The channels {@code offset..offset+dims[1]} of an NCHW tensor, as memory over the same values. */
    private memory part(Tensor whole, long[] dims, long offset) {
        memory.desc sub = whole.desc.submemory_desc(dims, new long[] {0, offset, 0, 0});
        return own(new memory(sub, dnnl.engine, whole.mem.get_data_handle()));
    }

    /** {@code a + b} into new memory in {@code a}'s layout, added to {@code pass}. */
    private Tensor add(Tensor a, Tensor b, List<Exec> pass) {
        memory other = as(b, a.desc, pass);
        binary.primitive_desc pd = own(new binary.primitive_desc(own(new binary.desc(algorithm.binary_add, a.desc, a.desc,
                a.desc)), dnnl.engine));
        Tensor sum = allocate(a.desc);
        add(pass, own(new binary(pd)), DNNL_ARG_SRC_0, a.mem, DNNL_ARG_SRC_1, other, DNNL_ARG_DST, sum.mem);
        return sum;
    }

    /** The activation of {@code t} into {@code dst} ({@code t} itself for in place); the backward pass reads the result. */
    private Tensor activate(IActivation fn, Tensor t, Tensor dst) {
        algorithm alg = activation(fn);
        if (alg == algorithm.undef) {
            return t;
        }
        eltwise_forward.primitive_desc pd = own(new eltwise_forward.primitive_desc(
                own(new eltwise_forward.desc(prop, alg, t.desc, 0f, 0f)), dnnl.engine));
        add(forward, own(new eltwise_forward(pd)), DNNL_ARG_SRC, t.mem, DNNL_ARG_DST, dst.mem);
        return dst;
    }

    // ---- the backward pass ----

    /**
     * The backward pass, node by node from the output: each node's output gradient (the sum over the nodes that
     * read it) gives its parameters' gradients and its inputs' gradients; the network's input gets none.
     */
    private void buildBackward(List<ConvGraph.Node> nodes, Kept[] kept) {
        Tensor[] diffs = new Tensor[nodes.size()];
        memory.desc gradDesc = desc(new long[] {rows, classes}, memory.format_tag.nc);
        diffs[nodes.size() - 1] = allocate(gradDesc);
        logitsGradient = floats(diffs[nodes.size() - 1].mem, gradDesc);
        for (int n = nodes.size() - 1; n >= 0; n--) {
            ConvGraph.Node node = nodes.get(n);
            building = "layer " + node.name() + " (backward)";
            Kept k = kept[n];
            Tensor[] inputDiffs = backward(node, k, diffs[n], node.inputs()[0] >= 0);
            for (int i = 0; i < inputDiffs.length; i++) {
                int from = node.inputs()[i];
                if (from >= 0 && inputDiffs[i] != null) {
                    diffs[from] = diffs[from] == null ? inputDiffs[i] : add(diffs[from], inputDiffs[i], backward);
                }
            }
        }
    }

    /** One node's backward pass: the gradients of its inputs (none where {@code needInput} is false). */
    private Tensor[] backward(ConvGraph.Node node, Kept k, Tensor diff, boolean needInput) {
        Object conf = node.conf();
        String name = node.name();
        if (conf instanceof ConvolutionLayer conv) {
            diff = activationGradient(conv.getActivationFn(), k.dst, diff);
            convolution_forward.primitive_desc pd = (convolution_forward.primitive_desc) k.forward;
            Window w = k.window;
            memory gradW = gradientView(name, DefaultParamInitializer.WEIGHT_KEY, k.weights);
            memory gradB = k.bias == null ? null : gradientView(name, DefaultParamInitializer.BIAS_KEY, k.bias);
            // the source's layout left to oneDNN here too: the forward pass's plain one can leave only its gemm code
            convolution_backward_weights.desc wd = gradB == null
                    ? new convolution_backward_weights.desc(algorithm.convolution_direct, any(k.src[0].desc), any(k.weights),
                    any(diff.desc), w.stride, w.before, w.after)
                    : new convolution_backward_weights.desc(algorithm.convolution_direct, any(k.src[0].desc), any(k.weights),
                    gradB.get_desc(), any(diff.desc), w.stride, w.before, w.after);
            convolution_backward_weights.primitive_desc wpd = own(new convolution_backward_weights.primitive_desc(own(wd),
                    dnnl.engine, pd));
            long[] in = new LongDims(k.src[0].desc).values;
            Planes diffLayout = Planes.of(diff.desc, new LongDims(diff.desc).values);
            // the batch read as one image's channels needs its images one after the other (NCHW)
            if (in[1] == 1 && w.stride[0] == 1 && w.stride[1] == 1 && diffLayout != null
                    && k.src[0].desc.equals(desc(in, memory.format_tag.nchw))
                    && ComputePath.bypass(wpd.impl_info_str().getString())) {
                singleChannelWeightGradients(k, diff, diffLayout, in, gradW, gradB);
            } else {
                weightGradients(own(new convolution_backward_weights(wpd)), as(k.src[0], wpd.src_desc(), backward),
                        as(diff, wpd.diff_dst_desc(), backward), wpd.diff_weights_desc(), gradW, gradB);
            }
            if (!needInput) {
                return new Tensor[1];
            }
            convolution_backward_data.primitive_desc dpd = own(new convolution_backward_data.primitive_desc(
                    own(new convolution_backward_data.desc(algorithm.convolution_direct, any(k.src[0].desc),
                            any(k.weights), any(diff.desc), w.stride, w.before, w.after)), dnnl.engine, pd));
            Tensor next = allocate(dpd.diff_src_desc());
            add(backward, own(new convolution_backward_data(dpd)), DNNL_ARG_DIFF_DST, as(diff, dpd.diff_dst_desc(), backward),
                    DNNL_ARG_WEIGHTS, as(new Tensor(k.weights, k.weights.get_desc()), dpd.weights_desc(), backward),
                    DNNL_ARG_DIFF_SRC, next.mem);
            return new Tensor[] {next};
        }
        if (k.pooled != null) {
            memory d = as(diff, k.dst.desc, backward);
            Tensor next = allocate(k.src[0].desc);
            FloatBuffer diffDst = floats(d, k.dst.desc);
            FloatBuffer diffSrc = floats(next.mem, next.desc);
            addJava(backward, () -> k.pooled.backward(diffDst, diffSrc));
            return new Tensor[] {next};
        }
        if (conf instanceof SubsamplingLayer || conf instanceof GlobalPoolingLayer) {
            Window w = k.window;
            pooling_backward.primitive_desc bpd = own(new pooling_backward.primitive_desc(own(new pooling_backward.desc(
                    w.pooling, any(k.src[0].desc), any(diff.desc), w.stride, w.kernel, w.before, w.after)), dnnl.engine,
                    (pooling_forward.primitive_desc) k.forward));
            Tensor next = allocate(bpd.diff_src_desc());
            add(backward, own(new pooling_backward(bpd)), DNNL_ARG_DIFF_DST, as(diff, bpd.diff_dst_desc(), backward),
                    DNNL_ARG_WORKSPACE, k.workspace, DNNL_ARG_DIFF_SRC, next.mem);
            return new Tensor[] {next};
        }
        if (conf instanceof BatchNormalization bn) {
            batch_normalization_forward.primitive_desc pd = (batch_normalization_forward.primitive_desc) k.forward;
            int flags = normalization_flags.use_scale.value | normalization_flags.use_shift.value;
            batch_normalization_backward.primitive_desc bpd = own(new batch_normalization_backward.primitive_desc(
                    own(new batch_normalization_backward.desc(prop_kind.backward.value, k.src[0].desc, k.src[0].desc,
                            (float) bn.getEps(), flags)), dnnl.engine, pd));
            Tensor next = allocate(bpd.diff_src_desc());
            add(backward, own(new batch_normalization_backward(bpd)), DNNL_ARG_SRC, k.src[0].mem,
                    DNNL_ARG_MEAN, k.mean, DNNL_ARG_VARIANCE, k.variance, DNNL_ARG_SCALE, k.weights, DNNL_ARG_SHIFT, k.bias,
                    DNNL_ARG_DIFF_DST, as(diff, bpd.diff_dst_desc(), backward), DNNL_ARG_DIFF_SRC, next.mem,
                    DNNL_ARG_DIFF_SCALE, gradientView(name, BatchNormalizationParamInitializer.GAMMA, k.weights),
                    DNNL_ARG_DIFF_SHIFT, gradientView(name, BatchNormalizationParamInitializer.BETA, k.bias));
            return new Tensor[] {next};
        }
        if (conf instanceof ActivationLayer act) {
            return new Tensor[] {activationGradient(act.getActivationFn(), k.dst, diff)};
        }
        if (conf instanceof ElementWiseVertex) {
            Tensor[] same = new Tensor[k.src.length];
            java.util.Arrays.fill(same, diff);
            return same;
        }
        if (conf instanceof MergeVertex) {
            Tensor whole = new Tensor(as(diff, k.dst.desc, backward), k.dst.desc);
            Tensor[] parts = new Tensor[k.src.length];
            long offset = 0;
            for (int i = 0; i < parts.length; i++) {
                long[] dims = new LongDims(k.src[i].desc).values;
                memory part = part(whole, dims, offset);
                parts[i] = allocate(k.src[i].desc);
                add(backward, own(new reorder(part, parts[i].mem)), DNNL_ARG_FROM, part, DNNL_ARG_TO, parts[i].mem);
                offset += dims[1];
            }
            return parts;
        }
        if (!(conf instanceof OutputLayer)) {
            diff = activationGradient(((FeedForwardLayer) conf).getActivationFn(), k.dst, diff);
        }
        inner_product_forward.primitive_desc pd = (inner_product_forward.primitive_desc) k.forward;
        memory gradW = gradientView(name, DefaultParamInitializer.WEIGHT_KEY, k.weights);
        memory gradB = gradientView(name, DefaultParamInitializer.BIAS_KEY, k.bias);
        inner_product_backward_weights.primitive_desc wpd = own(new inner_product_backward_weights.primitive_desc(
                own(new inner_product_backward_weights.desc(k.src[0].desc, any(k.weights), gradB.get_desc(), any(diff.desc))),
                dnnl.engine, pd));
        weightGradients(own(new inner_product_backward_weights(wpd)), k.src[0].mem, as(diff, wpd.diff_dst_desc(), backward),
                wpd.diff_weights_desc(), gradW, gradB);
        if (!needInput) {
            return new Tensor[1];
        }
        inner_product_backward_data.primitive_desc dpd = own(new inner_product_backward_data.primitive_desc(
                own(new inner_product_backward_data.desc(any(k.src[0].desc), any(k.weights), any(diff.desc))), dnnl.engine, pd));
        Tensor next = allocate(dpd.diff_src_desc());
        add(backward, own(new inner_product_backward_data(dpd)), DNNL_ARG_DIFF_DST, as(diff, dpd.diff_dst_desc(), backward),
                DNNL_ARG_WEIGHTS, as(new Tensor(k.weights, k.weights.get_desc()), dpd.weights_desc(), backward),
                DNNL_ARG_DIFF_SRC, next.mem);
        return new Tensor[] {next};
    }

    /**
     * The weight and bias gradients of a convolution of one input channel at stride 1, {@code in} its input's
     * dimensions, {@code layout} its output gradient's: the weight gradient is itself a convolution, of the batch's
     * images taken as the channels of one image by the output gradients taken as its kernels, which oneDNN runs with
     * every channel in use, where its weight-gradient kernels pad the one channel to a block of 8 or 16; the bias
     * gradient, each channel's sum of the output gradient, is summed in Java (oneDNN's reduction of blocked layouts
     * is its reference code).
     */
    private void singleChannelWeightGradients(Kept k, Tensor diff, Planes layout, long[] in, memory gradW, memory gradB) {
        bypassed++;
        long[] out = new LongDims(diff.desc).values;
        long[] kernel = new LongDims(k.weights.get_desc()).values;
        memory.desc images = k.src[0].desc.reshape(new long[] {1, in[0], in[2], in[3]});
        memory.desc kernels = diff.desc.permute_axes(new int[] {1, 0, 2, 3});
        long[] gradDims = {1, out[1], kernel[2], kernel[3]};
        convolution_forward.primitive_desc pd = own(new convolution_forward.primitive_desc(own(new convolution_forward.desc(
                prop_kind.forward_inference, algorithm.convolution_direct, any(images), any(kernels), any(gradDims),
                new long[] {1, 1}, k.window.before, k.window.after)), dnnl.engine));
        memory grad = view(gradW, desc(gradDims, memory.format_tag.nchw));
        memory into = pd.dst_desc().equals(grad.get_desc()) ? grad : own(new memory(pd.dst_desc(), dnnl.engine));
        add(backward, own(new convolution_forward(pd)),
                DNNL_ARG_SRC, as(new Tensor(view(k.src[0].mem, images), images), pd.src_desc(), backward),
                DNNL_ARG_WEIGHTS, as(new Tensor(view(diff.mem, kernels), kernels), pd.weights_desc(), backward),
                DNNL_ARG_DST, into);
        if (into != grad) {
            add(backward, own(new reorder(into, grad)), DNNL_ARG_FROM, into, DNNL_ARG_TO, grad);
        }
        if (gradB != null) {
            FloatBuffer from = floats(diff.mem, diff.desc);
            FloatBuffer to = floats(gradB, gradB.get_desc());
            float[] values = new float[from.capacity()];
            double[] sums = new double[layout.perImage() * layout.lanes()];
            int size = (int) (out[2] * out[3]);
            addJava(backward, () -> {
                from.get(0, values);
                layout.channelSums(values, size, sums);
                for (int c = 0; c < to.capacity(); c++) {
                    to.put(c, (float) sums[c]);
                }
            });
        }
    }

    /** {@code m}'s values under another descriptor of the same size. */
    private memory view(memory m, memory.desc as) {
        return own(new memory(as, dnnl.engine, m.get_data_handle()));
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

    /** A layer's weights as oneDNN memory over the network's own parameter array. */
    private memory weights(String layer, long[] dims) {
        return over(layer + "_" + DefaultParamInitializer.WEIGHT_KEY,
                desc(dims, dims.length == 4 ? memory.format_tag.oihw : memory.format_tag.oi));
    }

    private memory bias(String layer, String key, long n) {
        return over(layer + "_" + key, desc(new long[] {n}, memory.format_tag.x));
    }

    /** A parameter, by DL4J's key ({@code layer_W}), as memory over the network's parameter array. */
    private memory over(String key, memory.desc desc) {
        return over(net.params(), net.getParam(key), desc);
    }

    /**
     * Where the gradient of a layer's parameter goes, in the layout of {@code param}, the parameter's memory: the
     * gradient array at the parameter's offset in the parameter array.
     */
    private memory gradientView(String layer, String key, memory param) {
        return over(gradients, net.getParam(layer + "_" + key), param.get_desc());
    }

    /** A parameter's values, read in Java. */
    private FloatBuffer floats(String key) {
        return DenseForward.flat(net.params()).position(offset(net.getParam(key))).slice();
    }

    /** A parameter's gradient, written in Java. */
    private FloatBuffer gradientFloats(String key) {
        return DenseForward.flat(gradients).position(offset(net.getParam(key))).slice();
    }

    private int offset(INDArray view) {
        return (int) (view.offset() - net.params().offset());
    }

    /**
     * Memory over {@code target}'s native values at {@code view}'s offset in the parameter array: DL4J's parameter
     * views are contiguous (weights column-major [in, out] for dense layers, row-major [out, in, h, w] for
     * convolutions), which are oneDNN's oi and oihw layouts.
     */
    private memory over(INDArray target, INDArray view, memory.desc desc) {
        if (target.dataType() != DataType.FLOAT || view.length() * Float.BYTES != desc.get_size()) {
            throw new IllegalStateException("parameter of " + view.length() + " values for " + desc.get_size() + " bytes");
        }
        long at = target.data().addressPointer().address() + (target.offset() + offset(view)) * (long) Float.BYTES;
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


    private static algorithm poolingAlgorithm(PoolingType type, boolean includePadding) {
        if (type == PoolingType.MAX) {
            return algorithm.pooling_max;
        }
        return includePadding ? algorithm.pooling_avg_include_padding : algorithm.pooling_avg_exclude_padding;
    }

    private static int[] ints(long[] values) {
        return java.util.Arrays.stream(values).mapToInt(Math::toIntExact).toArray();
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
        pass.add(new Exec(op, map, null, building));
    }

    /** Appends Java work to {@code pass}: it runs once the primitives before it have finished. */
    private void addJava(List<Exec> pass, Runnable work) {
        pass.add(new Exec(null, null, work, building));
    }

    private <T extends Pointer> T own(T p) {
        owned.add(p);
        return p;
    }
}
