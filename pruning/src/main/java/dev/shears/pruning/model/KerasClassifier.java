package dev.shears.pruning.model;

import dev.shears.pruning.BadInputException;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * An imported Keras Sequential network made into the classifier the search fine-tunes: DL4J imports
 * Keras's last {@code Dense(softmax)} as a plain dense layer (Keras keeps the loss apart from the layers),
 * while training, pruning the output layer and the fast training step all need a softmax OutputLayer
 * with cross-entropy. The weights are kept as imported; the optimizer is Adam, as in the networks
 * Shears trains itself (the learning rate is the spec's).
 */
final class KerasClassifier {

    private KerasClassifier() {
    }

    static MultiLayerNetwork of(String location, MultiLayerNetwork imported) {
        MultiLayerConfiguration conf = imported.getLayerWiseConfigurations().clone();
        List<NeuralNetConfiguration> layers = conf.getConfs();
        if (endsInLinearDenseThenSoftmax(layers)) {
            // Dense(n) + Activation('softmax') computes what Dense(n, activation='softmax') does; the
            // activation layer has no parameters, so the imported parameters still line up
            layers.remove(layers.size() - 1);
            ((DenseLayer) layers.get(layers.size() - 1).getLayer()).setActivationFn(new ActivationSoftmax());
        }
        NeuralNetConfiguration lastConf = layers.get(layers.size() - 1);
        Layer last = lastConf.getLayer();
        if (!(last instanceof DenseLayer dense) || !(dense.getActivationFn() instanceof ActivationSoftmax)) {
            throw new BadInputException(location + ": the last layer is " + describe(last) + "; a classifier "
                    + "ending in Dense(activation='softmax') or Dense then Activation('softmax') is needed");
        }
        lastConf.setLayer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .name(dense.getLayerName())
                .nIn(dense.getNIn())
                .nOut(dense.getNOut())
                .activation(Activation.SOFTMAX)
                .hasBias(dense.hasBias())
                .weightInit(dense.getWeightInitFn())
                .biasInit(dense.getBiasInit())
                .regularization(dense.getRegularization())
                .regularizationBias(dense.getRegularizationBias())
                .gradientNormalization(dense.getGradientNormalization())
                .gradientNormalizationThreshold(dense.getGradientNormalizationThreshold())
                .build());
        for (NeuralNetConfiguration c : layers) {
            if (c.getLayer() instanceof BaseLayer layer) {
                layer.setIUpdater(new Adam());
                layer.setBiasUpdater(null);
            }
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init(imported.params().dup(), false);
        return net;
    }

    private static boolean endsInLinearDenseThenSoftmax(List<NeuralNetConfiguration> layers) {
        int n = layers.size();
        return n >= 2 && layers.get(n - 1).getLayer() instanceof ActivationLayer activation
                && activation.getActivationFn() instanceof ActivationSoftmax
                && layers.get(n - 2).getLayer() instanceof DenseLayer dense
                && dense.getActivationFn() instanceof ActivationIdentity;
    }

    private static String describe(Layer layer) {
        String kind = layer.getClass().getSimpleName();
        if (layer instanceof BaseLayer base && base.getActivationFn() != null) {
            kind += " with " + base.getActivationFn();
        }
        return "'" + layer.getLayerName() + "' (" + kind + ")";
    }
}
