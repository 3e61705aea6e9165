package dev.shears.pruning.prune;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Removes input channels of a convolution, {@code W[:,c,:,:]}, together with the previous
 * convolution's filter c that produces them: the same structure as filter pruning of the previous
 * layer, but judged by how the consuming layer uses the channel. Needs a convolution before the layer.
 */
public final class ChannelGranularity implements Granularity {

    @Override
    public String name() {
        return "channel";
    }

    @Override
    public boolean appliesTo(PrunableLayer layer) {
        return layer.kind() == PrunableLayer.Kind.CONVOLUTION;
    }

    @Override
    public boolean appliesTo(PrunableLayer layer, MultiLayerNetwork net) {
        return appliesTo(layer) && Coupling.into(net, layer)
                .filter(c -> c.producer().kind() == PrunableLayer.Kind.CONVOLUTION)
                .isPresent();
    }

    @Override
    public float[] groupScores(PrunableLayer layer, INDArray weightScores) {
        return Groups.sumAlong(weightScores, layer.inputAxis());
    }

    @Override
    public long groupSize(PrunableLayer layer, MultiLayerNetwork net) {
        return layer.weights(net).length() / layer.inputs(net);
    }

    @Override
    public boolean structural() {
        return true;
    }

    @Override
    public void mask(PrunableLayer layer, boolean[] keep, MultiLayerNetwork net, MaskSet masks) {
        Coupling.into(net, layer).orElseThrow().mask(net, keep, masks);
    }
}
