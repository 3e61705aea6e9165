package dev.shears.pruning.model;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds small convolutional base models: 2D convolutions with ReLU, each followed by 2x2 max
 * pooling, then ReLU dense layers and a softmax output. Inputs are flat rows
 * ({@code InputType.convolutionalFlat}), as {@link dev.shears.pruning.data.LabeledData} holds them.
 */
public final class CnnFactory {

    private CnnFactory() {
    }

    /**
     * LeNet-5's shape: conv 5x5x6 padded to keep the input's size (LeNet-5 read 28x28 digits padded to
     * 32x32), pool, conv 5x5x16, pool, dense 120, dense 84, output.
     */
    public static MultiLayerNetwork lenet5(int height, int width, int channels, int classes, double learningRate,
                                           long seed) {
        return init(lenet5Conf(height, width, channels, classes, learningRate, seed));
    }

    public static MultiLayerConfiguration lenet5Conf(int height, int width, int channels, int classes,
                                                     double learningRate, long seed) {
        return conf(height, width, channels, new int[] {6, 16}, 5, new int[] {120, 84}, classes, learningRate, seed,
                true);
    }

    /** A smaller variant for quick runs: conv 3x3x4, pool, conv 3x3x8, pool, dense 32, output. */
    public static MultiLayerNetwork small(int height, int width, int channels, int classes, double learningRate,
                                         long seed) {
        return init(smallConf(height, width, channels, classes, learningRate, seed));
    }

    public static MultiLayerConfiguration smallConf(int height, int width, int channels, int classes,
                                                    double learningRate, long seed) {
        return conf(height, width, channels, new int[] {4, 8}, 3, new int[] {32}, classes, learningRate, seed, false);
    }

    /**
     * @param filters filters of each convolution (each one followed by 2x2 max pooling)
     * @param kernel  square kernel size of every convolution
     * @param hidden  units of each dense layer before the output
     */
    public static MultiLayerNetwork build(int height, int width, int channels, int[] filters, int kernel, int[] hidden,
                                          int classes, double learningRate, long seed) {
        return init(conf(height, width, channels, filters, kernel, hidden, classes, learningRate, seed, false));
    }

    /**
     * The configuration {@link #build} initialises: what {@link MemoryEstimate} sizes before anything is allocated.
     *
     * @param padFirst the first convolution is padded to keep its input's size; the others are valid
     */
    public static MultiLayerConfiguration conf(int height, int width, int channels, int[] filters, int kernel,
                                               int[] hidden, int classes, double learningRate, long seed,
                                               boolean padFirst) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(learningRate))
                .weightInit(WeightInit.RELU)
                .list();
        for (int i = 0; i < filters.length; i++) {
            list.layer(new ConvolutionLayer.Builder(kernel, kernel).name("conv" + i).nOut(filters[i])
                    .convolutionMode(padFirst && i == 0 ? ConvolutionMode.Same : ConvolutionMode.Truncate)
                    .activation(Activation.RELU).build());
            list.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).name("pool" + i)
                    .kernelSize(2, 2).stride(2, 2).build());
        }
        for (int i = 0; i < hidden.length; i++) {
            list.layer(new DenseLayer.Builder().name("dense" + i).nOut(hidden[i]).activation(Activation.RELU).build());
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output").nOut(classes)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build());
        return list.setInputType(InputType.convolutionalFlat(height, width, channels)).build();
    }

    private static MultiLayerNetwork init(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }
}
