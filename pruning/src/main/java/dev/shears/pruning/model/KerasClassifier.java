package dev.shears.pruning.model;

import dev.shears.pruning.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * An imported Keras network (Sequential or functional) made into the classifier the search fine-tunes: DL4J imports
 * Keras's last {@code Dense(softmax)} as a plain dense layer (Keras keeps the loss apart from the layers),
 * while training, pruning the output layer and the fast training step all need a softmax OutputLayer
 * with cross-entropy. Image layers become channels-first ({@link ChannelsFirst}). The weights are kept as
 * imported (but for the order of a flatten's readers' rows); the optimizer is Adam, as in the networks
 * Shears trains itself (the learning rate is the spec's).
 */
final class KerasClassifier {

    private KerasClassifier() {
    }

    /** @param image height, width and channels of the input images, or null for flat rows (see {@link KerasConfig#image}) */
    static MultiLayerNetwork of(String location, MultiLayerNetwork imported, long[] image) {
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
        lastConf.setLayer(outputLayer(dense));
        layers.forEach(c -> forFineTuning(c.getLayer()));
        ChannelsFirst layout = ChannelsFirst.chain(conf, image);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init(imported.params().dup(), false);
        layout.reorder(net);
        return net;
    }

    /** The same for a functional model: its output vertex becomes the softmax output layer. */
    static ComputationGraph of(String location, ComputationGraph imported, long[] image) {
        ComputationGraphConfiguration conf = imported.getConfiguration().clone();
        String output = conf.getNetworkOutputs().get(0);
        if (conf.getNetworkOutputs().size() == 1 && linearDense(conf, input(conf, output)) && softmax(conf, output)) {
            // Dense then Activation('softmax'): the dense vertex becomes the output, as for Sequential models
            String dense = input(conf, output);
            bypass(conf, output);
            conf.setNetworkOutputs(new ArrayList<>(List.of(dense)));
            ((DenseLayer) layer(conf, dense)).setActivationFn(new ActivationSoftmax());
            output = dense;
        }
        Layer last = layer(conf, output);
        if (conf.getNetworkOutputs().size() != 1 || !(last instanceof DenseLayer dense)
                || !(dense.getActivationFn() instanceof ActivationSoftmax)) {
            throw new BadInputException(location + ": the output is " + (last == null ? "'" + output + "'" : describe(last))
                    + "; a classifier with one output, Dense(activation='softmax') or Dense then Activation('softmax'), "
                    + "is needed");
        }
        ((LayerVertex) conf.getVertices().get(output)).getLayerConf().setLayer(outputLayer(dense));
        conf.getVertices().values().forEach(v -> forFineTuning(v instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null));
        ChannelsFirst layout = ChannelsFirst.graph(conf, image);
        ComputationGraph net = new ComputationGraph(conf);
        net.init(imported.params().dup(), false);
        layout.reorder(net);
        return net;
    }

    /** Takes a vertex of one input out of the graph: what read it reads its input. */
    static void bypass(ComputationGraphConfiguration conf, String vertex) {
        String from = input(conf, vertex);
        conf.getVertices().remove(vertex);
        conf.getVertexInputs().remove(vertex);
        conf.getVertexInputs().replaceAll((name, inputs) -> inputs.stream().map(i -> i.equals(vertex) ? from : i)
                .collect(Collectors.toCollection(ArrayList::new)));
        // the graph would run in the order computed before, with the vertex in it
        conf.setTopologicalOrder(null);
        conf.setTopologicalOrderStr(null);
    }

    private static String input(ComputationGraphConfiguration conf, String vertex) {
        List<String> inputs = conf.getVertexInputs().get(vertex);
        return inputs == null || inputs.size() != 1 ? null : inputs.get(0);
    }

    private static Layer layer(ComputationGraphConfiguration conf, String vertex) {
        return vertex != null && conf.getVertices().get(vertex) instanceof LayerVertex lv ? lv.getLayerConf().getLayer()
                : null;
    }

    private static boolean linearDense(ComputationGraphConfiguration conf, String vertex) {
        return layer(conf, vertex) instanceof DenseLayer dense && dense.getActivationFn() instanceof ActivationIdentity;
    }

    private static boolean softmax(ComputationGraphConfiguration conf, String vertex) {
        return layer(conf, vertex) instanceof ActivationLayer activation
                && activation.getActivationFn() instanceof ActivationSoftmax;
    }

    /** A softmax output layer with cross-entropy holding what the dense layer held. */
    private static OutputLayer outputLayer(DenseLayer dense) {
        // the builder's setters return its base type, so build() gives a Layer
        return (OutputLayer) new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
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
                .build();
    }

    /**
     * Adam, and no dropout where DL4J's import set one that drops nothing (a retain probability of 1 on every
     * layer): it would change no result, but keep the network off the fast paths, which train without dropout.
     */
    private static void forFineTuning(Layer layer) {
        if (layer != null && layer.getIDropout() instanceof Dropout d && d.getPSchedule() == null && d.getP() == 1.0) {
            layer.setIDropout(null);
        }
        if (layer instanceof BaseLayer base) {
            base.setIUpdater(new Adam());
            base.setBiasUpdater(null);
        }
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
