package dev.shears.pruning.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds a small residual network, the smallest graph with every coupling structural pruning
 * meets in ResNets: an identity shortcut (the stem's filters and block 1's second convolution's
 * must go together), a projection shortcut (block 2's second convolution and its 1x1 projection),
 * and a concatenation of two branches (each branch's filters sit at their own offset in what the
 * next layer reads). Convolutions use {@link ConvolutionMode#Same} so that the additions line up.
 * Inputs are flat rows ({@code InputType.convolutionalFlat}), as
 * {@link dev.shears.pruning.data.LabeledData} holds them.
 *
 * <pre>
 * input - stem conv 3x3x8 - bn - relu ------------------------+
 *                      +- b1_conv1 3x3x8 - bn - relu - b1_conv2 3x3x8 - bn - add(+stem) - relu
 *   - b2_conv1 3x3x16 /2 - bn - relu - b2_conv2 3x3x16 - bn -+- add - relu
 *   - b2_proj 1x1x16 /2 - bn --------------------------------+
 *   - b3_a 1x1x8 - bn - relu  -+- concat(8+12) - global average pooling - softmax output
 *   - b3_b 3x3x12 - bn - relu -+
 * </pre>
 */
public final class ResNetFactory {

    /** Filters of the stem and block 1, of block 2, and of the concatenated branches. */
    static final int STEM = 8;
    static final int WIDE = 16;
    static final int BRANCH_A = 8;
    static final int BRANCH_B = 12;

    private ResNetFactory() {
    }

    /** The network above, with batch normalisation and the concatenating block (about 8,000 parameters). */
    public static ComputationGraph resnetSmall(int height, int width, int channels, int classes, double learningRate,
                                               long seed) {
        return build(height, width, channels, classes, learningRate, seed, true, true);
    }

    /** The configuration {@link #resnetSmall} initialises: what {@link MemoryEstimate} sizes before anything is allocated. */
    public static ComputationGraphConfiguration resnetSmallConf(int height, int width, int channels, int classes,
                                                                double learningRate, long seed) {
        return conf(height, width, channels, classes, learningRate, seed, true, true, true);
    }

    /**
     * @param batchNorm with a batch normalisation after every convolution
     * @param branches  with block 3, the concatenation of two branches; else block 2 feeds the pooling
     */
    public static ComputationGraph build(int height, int width, int channels, int classes, double learningRate,
                                         long seed, boolean batchNorm, boolean branches) {
        return build(height, width, channels, classes, learningRate, seed, batchNorm, branches, true);
    }

    /**
     * @param biasBeforeNorm whether a convolution a batch normalisation follows has a bias of its own (which the
     *                       normalisation cancels; torchvision's ResNets have none)
     */
    public static ComputationGraph build(int height, int width, int channels, int classes, double learningRate,
                                         long seed, boolean batchNorm, boolean branches, boolean biasBeforeNorm) {
        ComputationGraph net = new ComputationGraph(conf(height, width, channels, classes, learningRate, seed, batchNorm,
                branches, biasBeforeNorm));
        net.init();
        return net;
    }

    private static ComputationGraphConfiguration conf(int height, int width, int channels, int classes,
                                                      double learningRate, long seed, boolean batchNorm,
                                                      boolean branches, boolean biasBeforeNorm) {
        Graph g = Graph.of(height, width, channels, learningRate, seed, batchNorm, !batchNorm || biasBeforeNorm);

        String stem = g.relu("stem_relu", g.conv("stem", 3, 1, STEM, "input"));

        String b1 = g.conv("b1_conv2", 3, 1, STEM, g.relu("b1_relu1", g.conv("b1_conv1", 3, 1, STEM, stem)));
        String block1 = g.relu("b1_relu", g.add("b1_add", b1, stem));

        String b2 = g.conv("b2_conv2", 3, 1, WIDE, g.relu("b2_relu1", g.conv("b2_conv1", 3, 2, WIDE, block1)));
        String projection = g.conv("b2_proj", 1, 2, WIDE, block1);
        String last = g.relu("b2_relu", g.add("b2_add", b2, projection));

        if (branches) {
            String a = g.relu("b3_a_relu", g.conv("b3_a", 1, 1, BRANCH_A, last));
            String b = g.relu("b3_b_relu", g.conv("b3_b", 3, 1, BRANCH_B, last));
            g.builder.addVertex("b3_cat", new MergeVertex(), a, b);
            last = "b3_cat";
        }
        return g.classifier(last, classes);
    }

    /** Filters of ResNet-8's first stage; the second and third have twice and four times as many. */
    public static final int RESNET8_WIDTH = 24;

    /**
     * A ResNet-8 in the style of the CIFAR ResNets (He et al. 2016), wide enough to be worth pruning: a 3x3 stem,
     * three stages of one basic block each ({@link #RESNET8_WIDTH}, twice and four times as many filters; the
     * second and third halve the resolution and double the width, their shortcut a strided 1x1 convolution), global
     * average pooling and a softmax layer; batch normalisation after every convolution (about 175,000
     * parameters). Every coupling of a deep ResNet is here: identity shortcuts, projections, stage changes.
     */
    public static ComputationGraphConfiguration resnet8Conf(int height, int width, int channels, int classes,
                                                            double learningRate, long seed) {
        Graph g = Graph.of(height, width, channels, learningRate, seed, true, true);
        String last = g.relu("stem_relu", g.conv("stem", 3, 1, RESNET8_WIDTH, "input"));
        last = g.block("s1", last, RESNET8_WIDTH, 1);
        last = g.block("s2", last, 2 * RESNET8_WIDTH, 2);
        last = g.block("s3", last, 4 * RESNET8_WIDTH, 2);
        return g.classifier(last, classes);
    }

    /** Adds named vertices; each method returns the name of the vertex that carries its result. */
    private record Graph(ComputationGraphConfiguration.GraphBuilder builder, boolean batchNorm, boolean bias) {

        /** A graph of flat image rows, Adam, ReLU initialisation and Same convolutions; its input is {@code input}. */
        static Graph of(int height, int width, int channels, double learningRate, long seed, boolean batchNorm,
                        boolean bias) {
            return new Graph(new NeuralNetConfiguration.Builder()
                    .seed(seed)
                    .updater(new Adam(learningRate))
                    .weightInit(WeightInit.RELU)
                    .convolutionMode(ConvolutionMode.Same)
                    .graphBuilder()
                    .addInputs("input")
                    .setInputTypes(InputType.convolutionalFlat(height, width, channels)), batchNorm, bias);
        }

        /** A convolution without activation, then (optionally) its batch normalisation, named {@code name_bn}. */
        String conv(String name, int kernel, int stride, int filters, String input) {
            builder.addLayer(name, new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).nOut(filters)
                    .activation(Activation.IDENTITY).hasBias(bias).build(), input);
            if (!batchNorm) {
                return name;
            }
            builder.addLayer(name + "_bn", new BatchNormalization.Builder().build(), name);
            return name + "_bn";
        }

        String relu(String name, String input) {
            builder.addLayer(name, new ActivationLayer.Builder().activation(Activation.RELU).build(), input);
            return name;
        }

        String add(String name, String a, String b) {
            builder.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), a, b);
            return name;
        }

        /** Global average pooling of {@code last}, then a softmax layer of {@code classes} units: the finished graph. */
        ComputationGraphConfiguration classifier(String last, int classes) {
            builder.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last)
                    .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                            .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "pool")
                    .setOutputs("output");
            return builder.build();
        }

        /**
         * A basic residual block: two 3x3 convolutions, the first with {@code stride}, added to the input, or to
         * its strided 1x1 projection when the block changes the resolution and width ({@code stride} 2).
         */
        String block(String name, String input, int filters, int stride) {
            String a = relu(name + "_relu1", conv(name + "_conv1", 3, stride, filters, input));
            String b = conv(name + "_conv2", 3, 1, filters, a);
            String shortcut = stride == 1 ? input : conv(name + "_proj", 1, stride, filters, input);
            return relu(name + "_relu", add(name + "_add", b, shortcut));
        }
    }
}
