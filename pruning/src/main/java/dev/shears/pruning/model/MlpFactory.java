package dev.shears.pruning.model;

import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Builds the dense base models a spec can describe: ReLU hidden layers, softmax output. */
public final class MlpFactory {

    private MlpFactory() {
    }

    public static MultiLayerNetwork build(int inputs, List<Integer> hidden, int classes, double learningRate, long seed) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf(inputs, hidden, classes, learningRate, seed));
        net.init();
        return net;
    }

    /** The configuration {@link #build} initialises: what {@link MemoryEstimate} sizes before anything is allocated. */
    public static MultiLayerConfiguration conf(int inputs, List<Integer> hidden, int classes, double learningRate,
                                               long seed) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(learningRate))
                .weightInit(WeightInit.RELU)
                .list();
        int nIn = inputs;
        for (int i = 0; i < hidden.size(); i++) {
            list.layer(new DenseLayer.Builder().name("dense" + i).nIn(nIn).nOut(hidden.get(i))
                    .activation(Activation.RELU).build());
            nIn = hidden.get(i);
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("output")
                .nIn(nIn).nOut(classes).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build());
        return list.build();
    }
}
