package dev.shears.pruning.train;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SigmoidDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.TanhDerivative;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The forward pass of a dense network the lean step trains ({@link DenseStep#unsupported}): for
 * each layer the product into a column-major pre-activation, as DL4J's products leave it, then the
 * bias and the activation, softmax last: DL4J's arithmetic (the bias and relu as Java loops, the
 * rest as the ND4J operations DL4J's layers run), so the outputs are DL4J's bit for bit, but for
 * the sign of a zero ({@link #relu}). Arrays are allocated once per batch size ({@link Activations})
 * instead of once per layer and batch. The parameters are read from the network's own arrays at every pass,
 * so a pass sees the network as it is.
 */
final class DenseForward implements AutoCloseable {

    /**
     * Hidden-layer activations, by the operations DL4J's activation functions run; relu has none
     * here, since {@link #relu} and {@code DenseStep.reluBackward} compute it in Java.
     */
    enum Hidden {
        RELU(null, null),
        TANH((z, a) -> Nd4j.exec(new Tanh(z, a)), (z, gradA, gradZ) -> Nd4j.exec(new TanhDerivative(z, gradA, gradZ))),
        SIGMOID((z, a) -> Nd4j.exec(new Sigmoid(z, a)),
                (z, gradA, gradZ) -> Nd4j.exec(new SigmoidDerivative(z, gradA, gradZ))),
        IDENTITY((z, a) -> a.assign(z), (z, gradA, gradZ) -> gradZ.assign(gradA));

        /** {@code a = f(z)}. */
        interface Forward {
            void apply(INDArray z, INDArray a);
        }

        /** {@code gradZ = f'(z) gradA}. */
        interface Backward {
            void apply(INDArray z, INDArray gradA, INDArray gradZ);
        }

        private final Forward forward;
        private final Backward backward;

        Hidden(Forward forward, Backward backward) {
            this.forward = forward;
            this.backward = backward;
        }

        void forward(INDArray z, INDArray a) {
            forward.apply(z, a);
        }

        void backward(INDArray z, INDArray gradA, INDArray gradZ) {
            backward.apply(z, gradA, gradZ);
        }

        static Hidden of(IActivation fn) {
            if (fn instanceof ActivationReLU r) {
                boolean plain = r.getMax() == null && (r.getThreshold() == null || r.getThreshold() == 0)
                        && (r.getNegativeSlope() == null || r.getNegativeSlope() == 0);
                return plain ? RELU : null;
            }
            if (fn instanceof ActivationTanH) {
                return TANH;
            }
            if (fn instanceof ActivationSigmoid) {
                return SIGMOID;
            }
            return fn instanceof ActivationIdentity ? IDENTITY : null;
        }
    }

    /** The input, pre-activations and activations of one batch size (column-major but the input). */
    static class Activations {
        final int rows;
        private final int[] widths;
        final INDArray x;
        final FloatBuffer xData;
        final INDArray[] z;
        final INDArray[] a;
        final FloatBuffer[] zData;
        final FloatBuffer[] aData;
        /**
         * Each layer's pre-activations, bias added, for Java loops over them. A relu hidden layer's
         * stay only here (its native {@code z} holds the product alone); other layers' are also in
         * {@code z}, for the native activation functions.
         */
        final float[][] zValues;
        /** Room for the widest layer's values. */
        final float[] scratch;

        Activations(int rows, int[] widths) {
            int layers = widths.length - 1;
            this.rows = rows;
            this.widths = widths.clone();
            x = Nd4j.create(DataType.FLOAT, rows, widths[0]);
            xData = x.data().asNioFloat();
            z = new INDArray[layers];
            a = new INDArray[layers];
            zData = new FloatBuffer[layers];
            aData = new FloatBuffer[layers];
            zValues = new float[layers][];
            scratch = new float[rows * Arrays.stream(widths, 1, widths.length).max().orElse(0)];
            for (int l = 0; l < layers; l++) {
                z[l] = Nd4j.create(DataType.FLOAT, new long[] {rows, widths[l + 1]}, 'f');
                a[l] = Nd4j.create(DataType.FLOAT, new long[] {rows, widths[l + 1]}, 'f');
                zData[l] = z[l].data().asNioFloat();
                zValues[l] = new float[rows * widths[l + 1]];
                aData[l] = a[l].data().asNioFloat();
            }
        }

        /** Whether these arrays serve a batch of {@code rows} rows of a network of these layer widths. */
        boolean fits(int rows, int[] widths) {
            return this.rows == rows && Arrays.equals(this.widths, widths);
        }
    }

    final int[] widths;
    final Hidden[] hidden;
    final INDArray[] w;
    /** Where each layer's bias starts in the flattened parameters (and gradients). */
    final int[] biasOffset;
    /** The network's flattened parameters. */
    final FloatBuffer paramData;
    /** Room for the widest layer's bias (or its gradient). */
    final float[] bias;
    /** The pass's operations, bound once per activation arrays. */
    private final BoundOp.PerArrays<Activations> bound = new BoundOp.PerArrays<>(this::ops);

    /** @param net a network {@link ComputePath#DENSE} accepts (not checked again here) */
    DenseForward(MultiLayerNetwork net) {
        int layers = net.getnLayers();
        widths = new int[layers + 1];
        hidden = new Hidden[layers - 1];
        w = new INDArray[layers];
        biasOffset = new int[layers];
        INDArray params = net.params();
        for (int l = 0; l < layers; l++) {
            Layer layer = net.getLayer(l);
            w[l] = layer.getParam(DefaultParamInitializer.WEIGHT_KEY);
            biasOffset[l] = (int) (layer.getParam(DefaultParamInitializer.BIAS_KEY).offset() - params.offset());
            widths[l] = (int) w[l].size(0);
            widths[l + 1] = (int) w[l].size(1);
            if (l < layers - 1) {
                hidden[l] = Hidden.of(((BaseLayer) layer.conf().getLayer()).getActivationFn());
            }
        }
        paramData = flat(params);
        bias = new float[Arrays.stream(widths).max().orElse(0)];
    }

    int layers() {
        return w.length;
    }

    int classes() {
        return widths[widths.length - 1];
    }

    Activations activations(int rows) {
        return new Activations(rows, widths);
    }

    /**
     * {@code kept} when it serves {@code rows} rows of this network, else what {@code make} makes for
     * them, outside any workspace the caller may have open: arrays kept are used beyond its scope.
     */
    <A extends Activations> A reuse(A kept, int rows, IntFunction<A> make) {
        if (kept != null && kept.fits(rows, widths)) {
            return kept;
        }
        try (MemoryWorkspace none = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return make.apply(rows);
        }
    }

    /** From {@code act.x} to the softmax probabilities in {@code act.a[last]}. */
    void run(Activations act) {
        int last = w.length - 1;
        BoundOp[] ops = bound.of(act);
        for (int l = 0; l <= last; l++) {
            ops[l].run();
            addBias(act, l);
            if (reluHidden(l)) {
                relu(act, l);
            } else if (l < last) {
                hidden[l].forward(act.z[l], act.a[l]);
            }
        }
        ops[last + 1].run();
    }

    /**
     * The pass's native operations on {@code act}: each layer's product ({@code Nd4j.gemm(in, w, z)}'s
     * operation) and the softmax.
     */
    private List<CustomOp> ops(Activations act) {
        List<CustomOp> ops = new ArrayList<>();
        INDArray in = act.x;
        for (int l = 0; l < w.length; l++) {
            ops.add(product(in, w[l], act.z[l], false));
            in = act.a[l];
        }
        int last = w.length - 1;
        ops.add(new SoftMax(act.z[last], act.a[last]));
        return ops;
    }

    /** {@code c = a b}, or {@code a}'s transpose times {@code b}: the operation {@code Nd4j.gemm} runs. */
    static CustomOp product(INDArray a, INDArray b, INDArray c, boolean transposeA) {
        return new Mmul(a, b, c, 1.0, 0.0, MMulTranspose.builder().transposeA(transposeA).transposeB(false).build());
    }

    /** Frees the native contexts of the pass's operations. */
    @Override
    public void close() {
        bound.close();
    }

    /** Whether layer {@code l} is a relu hidden layer, whose pre-activations stay in Java ({@link Activations#zValues}). */
    boolean reluHidden(int l) {
        return l < w.length - 1 && hidden[l] == Hidden.RELU;
    }

    /**
     * {@code z += b} for every row, as addiRowVector computes it, as a Java loop down the columns of
     * the column-major z: ND4J broadcasts a row over a column-major array one value at a time. The
     * sums stay in {@code act.zValues[l]}, and go back to native memory only for layers whose
     * activation ND4J computes.
     */
    private void addBias(Activations act, int l) {
        int rows = act.rows;
        int width = widths[l + 1];
        paramData.get(biasOffset[l], bias, 0, width);
        float[] z = act.zValues[l];
        act.zData[l].get(0, z, 0, rows * width);
        for (int i = 0; i < width; i++) {
            float bi = bias[i];
            for (int r = i * rows; r < (i + 1) * rows; r++) {
                z[r] += bi;
            }
        }
        if (!reluHidden(l)) {
            act.zData[l].put(0, z, 0, rows * width);
        }
    }

    /**
     * The relu of the pre-activations {@link #addBias} left in {@code act.zValues[l]}, as one loop C2
     * vectorises instead of another pass of native calls. {@code max(z, 0)} is ND4J's
     * {@code z < 0 ? 0 : z} for every value but -0, which ND4J passes through and this makes +0: a
     * difference no product or sum downstream can show but in the sign of a zero.
     */
    private void relu(Activations act, int l) {
        int n = act.rows * widths[l + 1];
        float[] z = act.zValues[l];
        float[] a = act.scratch;
        for (int i = 0; i < n; i++) {
            a[i] = Math.max(z[i], 0f);
        }
        act.aData[l].put(0, a, 0, n);
    }

    /** A contiguous array's values as a buffer over its native memory, index 0 at its first value. */
    static FloatBuffer flat(INDArray a) {
        if (a.ordering() != 'c' && a.rows() != 1 || a.elementWiseStride() != 1) {
            throw new IllegalStateException("expected a contiguous array, got " + a.shapeInfoToString());
        }
        FloatBuffer all = a.data().asNioFloat();
        return all.position((int) a.offset()).slice();
    }
}
