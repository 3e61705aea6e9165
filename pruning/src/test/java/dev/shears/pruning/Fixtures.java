package dev.shears.pruning;

import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.prune.MaskSet;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small generated data sets and helpers shared by the tests. */
public final class Fixtures {

    private Fixtures() {
    }

    /** Noisy copies of one random prototype per class: learnable in a few epochs by a tiny network. */
    public static LabeledData data(int rows, int[] shape, int classes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int width = 1;
        for (int s : shape) {
            width *= s;
        }
        SplittableRandom protoRandom = new SplittableRandom(42);
        float[][] prototypes = new float[classes][width];
        for (float[] p : prototypes) {
            for (int i = 0; i < width; i++) {
                p[i] = (float) protoRandom.nextDouble();
            }
        }
        float[] x = new float[rows * width];
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(classes);
            for (int j = 0; j < width; j++) {
                x[i * width + j] = prototypes[y[i]][j] + (float) (r.nextGaussian() * 0.35);
            }
        }
        return new LabeledData(x, y, classes, shape);
    }

    public static DataSplits splits(int train, int[] shape, int classes) {
        return new DataSplits(data(train, shape, classes, 1), data(train / 4, shape, classes, 2),
                data(train / 4, shape, classes, 3), "fixture");
    }

    /** A plan for the given method with small, fast settings. */
    public static PruningPlan plan(String scorer, String granularity, String layers, double ratio, String schedule,
                                   int epochs, Map<String, Object> options) {
        return new PruningPlan(scorer, granularity, "layerwise", layers, ratio, Map.of(), schedule, 3, epochs, 1e-3,
                32, 2, Tolerance.of(0.02), 7L, options);
    }

    /** Fills every parameter with seeded uniform values in [-1, 1). */
    public static void randomize(Network net, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray p = net.params();
        p.assign(Nd4j.rand(p.dataType(), p.shape()).muli(2).subi(1));
    }

    /** Whether every value a mask removes is exactly zero in the network. */
    public static boolean maskedAreZero(Network net, MaskSet masks) {
        for (Map.Entry<String, INDArray> e : masks.all().entrySet()) {
            INDArray removed = net.getParam(e.getKey()).mul(e.getValue().rsub(1));
            if (removed.amaxNumber().doubleValue() != 0) {
                return false;
            }
        }
        return true;
    }

    /** conv 3x3x6 - batch normalisation - max pooling - dense 10 - output 3, on 10x10 images. */
    public static MultiLayerNetwork batchNormChain() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .updater(new Adam(1e-3)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("conv").nOut(6).activation(Activation.RELU).build())
                .layer(new BatchNormalization.Builder().name("bn").build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().name("dense").nOut(10).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(10, 10, 1))
                .build());
        net.init();
        return net;
    }

    /**
     * The values' bits, the sign of a zero included: two arrays of these are equal only when the values are the
     * same floats, where {@code INDArray.equals} allows 1e-5.
     */
    public static int[] bits(INDArray a) {
        return bits(a.dup().data().asFloat());
    }

    public static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
