package dev.shears.pruning.train;

import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.MaskSet;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A training step for convolutional networks in place of DL4J's {@code fit}: the
 * forward and backward passes through {@link ConvNet}'s oneDNN primitives, the softmax cross-entropy
 * gradient in Java, then {@link ParamUpdate}'s update of the network's own parameters with the mask
 * held. The passes are built once per batch size in a fit (an epoch's last batch is usually shorter).
 */
final class ConvStep implements Trainer.Step {

    private final Network net;
    private final LabeledData data;
    private final float[] targets;
    private final INDArray gradients;
    private final ParamUpdate update;
    private final Map<Integer, ConvNet> passes = new HashMap<>();
    private float[] probabilities = new float[0];
    private float[] labels = new float[0];

    /**
     * @param targets soft targets in place of the labels, {@code data.size() x classes} row-major, or null
     * @param mask    values held at zero after every update, or null; read at every step, so it may change
     */
    ConvStep(Network net, LabeledData data, float[] targets, MaskSet mask) {
        this.net = net;
        this.data = data;
        this.targets = targets;
        gradients = net.gradientArray();
        update = new ParamUpdate(net, mask, DenseForward.flat(net.params()), DenseForward.flat(gradients));
    }

    @Override
    public void step(int[] order, int from, int to) {
        int rows = to - from;
        ConvNet pass = passes.computeIfAbsent(rows, r -> new ConvNet(net, r, gradients));
        int classes = pass.classes();
        if (labels.length < rows * classes) {
            labels = new float[rows * classes];
            probabilities = new float[rows * classes];
        }
        data.copyRows(order, from, to, targets, pass.input(), FloatBuffer.wrap(labels));
        pass.forward();
        pass.backward(labels, probabilities);
        update.apply(rows);
    }

    @Override
    public void changedOutside() {
        update.changedOutside();
    }

    @Override
    public void finish() {
        update.finish();
        passes.values().forEach(ConvNet::close);
        passes.clear();
    }
}
