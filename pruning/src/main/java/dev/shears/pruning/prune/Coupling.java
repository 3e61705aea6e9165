package dev.shears.pruning.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * How the output units of one weight layer (the producer) reach the next weight layer (the
 * consumer), which is what structural pruning must remove together. Unit j is read by the
 * consumer's input j (dense after dense, convolution after convolution, or dense after global
 * pooling), or by the consumer's rows {@code j*h*w .. (j+1)*h*w - 1} when a
 * {@link CnnToFeedForwardPreProcessor} flattens NCHW feature maps, which it does channel-major.
 * Only per-channel layers may sit in between (pooling, batch normalisation, activation, dropout),
 * so a unit's index is the same all the way.
 *
 * @param inputsPerUnit consumer inputs that read one producer unit ({@code h*w} after a flatten, else 1)
 * @param between       indices of the layers between producer and consumer
 */
public record Coupling(PrunableLayer producer, PrunableLayer consumer, int inputsPerUnit, List<Integer> between) {

    /** The coupling of a layer's output units, if they can be removed structurally. */
    public static Optional<Coupling> from(MultiLayerNetwork net, PrunableLayer producer) {
        if (producer.output() || !plain(conf(net, producer.index()), producer.kind(), false)) {
            return Optional.empty();
        }
        PrunableLayer consumer = Layers.prunable(net).stream()
                .filter(l -> l.index() > producer.index())
                .findFirst()
                .orElse(null);
        if (consumer == null || !plain(conf(net, consumer.index()), consumer.kind(), true)) {
            return Optional.empty();
        }
        MultiLayerConfiguration confs = net.getLayerWiseConfigurations();
        List<Integer> between = new ArrayList<>();
        for (int i = producer.index() + 1; i < consumer.index(); i++) {
            if (!perChannel(conf(net, i)) || confs.getInputPreProcess(i) != null) {
                return Optional.empty();
            }
            between.add(i);
        }
        long units = producer.units(net);
        long perUnit = 1;
        InputPreProcessor pre = confs.getInputPreProcess(consumer.index());
        if (pre instanceof CnnToFeedForwardPreProcessor flat && flat.getFormat() == CNN2DFormat.NCHW
                && flat.getNumChannels() == units) {
            perUnit = flat.getInputHeight() * flat.getInputWidth();
        } else if (pre != null) {
            return Optional.empty();
        }
        if (consumer.inputs(net) != units * perUnit) {
            return Optional.empty();
        }
        return Optional.of(new Coupling(producer, consumer, (int) perUnit, List.copyOf(between)));
    }

    /** The coupling whose consumer is this layer (its input channels are the previous layer's filters). */
    public static Optional<Coupling> into(MultiLayerNetwork net, PrunableLayer consumer) {
        return Layers.prunable(net).stream()
                .filter(l -> l.index() < consumer.index())
                .reduce((a, b) -> b)
                .flatMap(p -> from(net, p))
                .filter(c -> c.consumer().index() == consumer.index());
    }

    /** Masks the units not kept: their weights and bias in the producer and the consumer inputs reading them. */
    public void mask(MultiLayerNetwork net, boolean[] keep, MaskSet masks) {
        INDArray w = producer.weights(net);
        masks.put(producer.weightKey(), Groups.mask(w, producer.unitAxis(), keep));
        if (producer.hasBias(net)) {
            INDArray b = net.getParam(producer.biasKey());
            masks.put(producer.biasKey(), Groups.mask(b, b.rank() - 1, keep));
        }
        boolean[] keepInputs = new boolean[keep.length * inputsPerUnit];
        for (int i = 0; i < keepInputs.length; i++) {
            keepInputs[i] = keep[i / inputsPerUnit];
        }
        masks.put(consumer.weightKey(), Groups.mask(consumer.weights(net), consumer.inputAxis(), keepInputs));
    }

    /**
     * Which producer units the consumer still reads through some non-zero weight. The others
     * cannot change the network's outputs, whatever they compute, so they can be removed.
     */
    public boolean[] readUnits(MultiLayerNetwork net) {
        float[] inputs = Groups.sumAlong(Transforms.abs(consumer.weights(net), true), consumer.inputAxis());
        boolean[] read = new boolean[inputs.length / inputsPerUnit];
        for (int i = 0; i < inputs.length; i++) {
            read[i / inputsPerUnit] |= inputs[i] > 0;
        }
        return read;
    }

    private static Layer conf(MultiLayerNetwork net, int index) {
        return net.getLayer(index).conf().getLayer();
    }

    /**
     * Layers whose weight arrays have the documented shapes and whose units are independent of
     * each other: dense (without layer normalisation, which mixes units), output (as consumer) and
     * NCHW 2D convolution.
     */
    private static boolean plain(Layer conf, PrunableLayer.Kind kind, boolean asConsumer) {
        if (kind == PrunableLayer.Kind.CONVOLUTION) {
            return conf.getClass() == ConvolutionLayer.class
                    && ((ConvolutionLayer) conf).getCnn2dDataFormat() == CNN2DFormat.NCHW;
        }
        return conf instanceof DenseLayer dense ? !dense.hasLayerNorm()
                : asConsumer && conf.getClass() == OutputLayer.class;
    }

    /** Layers that treat every channel on its own, so channel j stays channel j. */
    private static boolean perChannel(Layer conf) {
        return conf instanceof SubsamplingLayer || conf instanceof BatchNormalization
                || conf instanceof ActivationLayer || conf instanceof DropoutLayer
                || conf instanceof GlobalPoolingLayer;
    }
}
