package dev.shears.pruning.prune;

import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Removes input channels of a convolution, {@code W[:,c,:,:]}, together with the filters that
 * produce them and everything else coupled to them (their {@link ChannelGroup}): the same
 * structure as filter pruning of the producers, but judged by how the consuming layer uses each
 * channel. Needs a convolution whose inputs are one group of convolution filters.
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
    public boolean appliesTo(PrunableLayer layer, Network net) {
        return appliesTo(layer) && group(net, layer).isPresent();
    }

    @Override
    public float[] groupScores(PrunableLayer layer, INDArray weightScores) {
        return Groups.sumAlong(weightScores, layer.inputAxis());
    }

    /** The channel's score is this layer's use of it alone, whatever {@code reduce} says. */
    @Override
    public float[] groupScores(PrunableLayer layer, Network net, Function<String, INDArray> scores, GroupReduce reduce) {
        return groupScores(layer, scores.apply(layer.weightKey()));
    }

    @Override
    public long groupSize(PrunableLayer layer, Network net) {
        return layer.weights(net).length() / layer.inputs(net);
    }

    @Override
    public boolean structural() {
        return true;
    }

    @Override
    public void mask(PrunableLayer layer, boolean[] keep, Network net, MaskSet masks) {
        group(net, layer).orElseThrow().mask(keep, net::getParam, masks);
    }

    /** The group this layer reads all its inputs from, when its producers are convolutions. */
    private static Optional<ChannelGroup> group(Network net, PrunableLayer layer) {
        List<PrunableLayer> all = net.prunable();
        return ChannelGroups.of(net).stream()
                .filter(g -> g.consumers().stream().anyMatch(s -> s.key().equals(layer.weightKey())
                        && s.offset() == 0 && s.perChannel() == 1 && g.size() == layer.inputs(net)))
                .filter(g -> g.producers().stream().filter(s -> s.key().endsWith("_W"))
                        .allMatch(s -> all.stream().anyMatch(l -> l.weightKey().equals(s.key())
                                && l.kind() == PrunableLayer.Kind.CONVOLUTION)))
                .findFirst();
    }
}
