package dev.shears.pruning.train;

import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import dev.shears.pruning.prune.MaskSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Which code trains a network, runs its forward pass (evaluation, latency) and computes the gradients the
 * gradient-based scorers read: the one place that decides.
 * Deeplearning4j's own layers run any network; the fast paths run the networks they accept, with the
 * same results within float rounding (for dense chains, bit for bit on the default native build):
 * {@link #DENSE}, ND4J's products around Java loops, and {@link #CONV}, oneDNN's primitives.
 * {@value #PROPERTY}{@code =off} (or the environment variable {@value #ENV}) sends every network to
 * Deeplearning4j's layers. Training and inference accept the same networks: what only training needs
 * (a supported updater, no dropout or regularisation) keeps a network's evaluation on Deeplearning4j's
 * layers too, so a network is never trained on one path and measured on another.
 */
public enum ComputePath {
    /** Deeplearning4j's {@code fit} and {@code output}. */
    DL4J,
    /** Dense layer chains: {@link DenseStep} and {@link DenseForward}. */
    DENSE,
    /** Convolutional layer chains and graphs: {@link ConvStep} and {@link ConvNet} (see {@link ConvGraph}). */
    CONV;

    /** {@code off} turns the fast paths off in this JVM; the environment variable says the same. */
    public static final String PROPERTY = "shears.fastPath";
    public static final String ENV = "SHEARS_FAST_PATH";

    /** The path that runs {@code net}: the first fast path that accepts it, unless they are switched off. */
    public static ComputePath of(Network net) {
        if (!enabled()) {
            return DL4J;
        }
        for (ComputePath path : new ComputePath[] {DENSE, CONV}) {
            if (path.unsupported(net) == null) {
                return path;
            }
        }
        return DL4J;
    }

    /** Whether the fast paths may run: not when {@value #PROPERTY} or {@value #ENV} says {@code off} or {@code false}. */
    public static boolean enabled() {
        String value = System.getProperty(PROPERTY, System.getenv(ENV));
        if (value == null) {
            return true;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        return !v.equals("off") && !v.equals("false");
    }

    /**
     * Whether the convolutional path goes around oneDNN's kernels where they are slow: {@code auto} (the default)
     * as {@link #bypass} says, {@code on} on every CPU, {@code off} on none.
     */
    public static final String BYPASS_PROPERTY = "shears.convBypass";

    /**
     * Whether the convolutional path goes around oneDNN's kernel {@code impl} (as oneDNN names it: {@code jit:avx2},
     * {@code jit:avx512_core}, ...) for the two things oneDNN 2.5's AVX2 kernels do slowly: max pooling's training
     * passes, which {@link MaxPooling} does in Java (the AVX2 kernel takes about 0.2 microseconds a window keeping
     * the workspace the backward pass reads), and the weight gradient of a convolution of one input channel, which
     * is computed as a convolution of the batch (the weight-gradient kernel pads the one channel to a block of 8).
     * Unless told otherwise ({@value #BYPASS_PROPERTY}), where the kernel is not an AVX-512 one: on an AVX2 CPU the
     * two took over half of LeNet-5's training step (docs/benchmarks/convolution-profile.md); the AVX-512 kernels
     * were not measured against the bypasses.
     */
    static boolean bypass(String impl) {
        String v = System.getProperty(BYPASS_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> !impl.contains("avx512");
        };
    }

    /** Why this path cannot run {@code net} as Deeplearning4j's layers would, or null when it can. */
    public String unsupported(Network net) {
        return switch (this) {
            case DL4J -> null;
            case DENSE -> net.chain().isEmpty() ? "the dense path runs layer chains, not graphs"
                    : DenseStep.unsupported(net.chain().get());
            case CONV -> ConvNet.unsupported(net);
        };
    }

    /** One forward pass, run again and again on the same input: what latency is timed on. */
    public interface Pass extends AutoCloseable {
        void run();

        @Override
        void close();
    }

    /**
     * A forward pass of {@code net} over {@code rows} rows of {@code input} (row-major, the network's inputs per
     * row) on this path, arrays and primitives made once; {@code net} must be one the path accepts.
     */
    public Pass pass(Network net, int rows, float[] input) {
        requireAccepted(net);
        return switch (this) {
            case CONV -> {
                ConvNet conv = new ConvNet(net, rows, null);
                conv.input().put(0, input, 0, input.length);
                yield pass(conv::forward, conv::close);
            }
            case DENSE -> {
                DenseForward dense = new DenseForward(net.chain().orElseThrow());
                DenseForward.Activations act = dense.activations(rows);
                act.xData.put(0, input, 0, input.length);
                yield pass(() -> dense.run(act), dense::close);
            }
            case DL4J -> {
                INDArray x = Nd4j.create(input, new long[] {rows, input.length / rows}, 'c');
                yield pass(() -> net.output(x), () -> { });
            }
        };
    }

    private static Pass pass(Runnable run, Runnable close) {
        return new Pass() {
            @Override
            public void run() {
                run.run();
            }

            @Override
            public void close() {
                close.run();
            }
        };
    }

    /**
     * The gradient of the summed loss of {@code batch} for every parameter, by DL4J's parameter key (as DL4J's
     * {@code computeGradientAndScore} leaves it: not divided by the batch size); views that the next call may
     * overwrite. What the gradient-based scorers read.
     */
    public Map<String, INDArray> gradient(Network net, DataSet batch) {
        if (this != CONV) {
            return net.gradient(batch).gradientForVariable();
        }
        int rows = batch.numExamples();
        INDArray gradients = net.gradientArray();
        try (ConvNet pass = new ConvNet(net, rows, gradients)) {
            float[] features = batch.getFeatures().dup('c').data().asFloat();
            float[] labels = batch.getLabels().dup('c').data().asFloat();
            pass.input().put(0, features, 0, features.length);
            pass.forward();
            pass.backward(labels, new float[labels.length]);
        }
        Map<String, INDArray> byKey = new LinkedHashMap<>();
        long base = net.params().offset();
        for (Map.Entry<String, INDArray> p : net.paramTable().entrySet()) {
            INDArray view = p.getValue();
            long from = view.offset() - base;
            byKey.put(p.getKey(), gradients.get(NDArrayIndex.point(0), NDArrayIndex.interval(from, from + view.length()))
                    .reshape(view.ordering(), view.shape()));
        }
        return byKey;
    }

    /**
     * The outputs of the network's prunable layers, after their activation, in inference mode (DL4J's
     * {@code feedForward}): what the activation-based scorers read.
     */
    public Map<String, INDArray> activations(Network net, INDArray features) {
        if (this != CONV) {
            return net.activations(features);
        }
        int rows = (int) features.size(0);
        try (ConvNet pass = new ConvNet(net, rows, null)) {
            float[] x = features.dup('c').data().asFloat();
            pass.input().put(0, x, 0, x.length);
            pass.forward();
            return pass.outputs(net.prunable().stream().map(PrunableLayer::key).collect(Collectors.toSet()));
        }
    }

    /** A training step on this path; {@code net} must be one it accepts. */
    Trainer.Step step(Network net, LabeledData data, float[] targets, MaskSet mask) {
        requireAccepted(net);
        return switch (this) {
            case DENSE -> new DenseStep(net.chain().orElseThrow(), data, targets, mask);
            case CONV -> new ConvStep(net, data, targets, mask);
            case DL4J -> Trainer.dl4jStep(net, data, targets, mask);
        };
    }

    /** The dense path's classes do not check what they are given again: a network they cannot run is stopped here. */
    private void requireAccepted(Network net) {
        String why = unsupported(net);
        if (why != null) {
            throw new IllegalArgumentException("the " + this + " path cannot run this network: " + why);
        }
    }
}
