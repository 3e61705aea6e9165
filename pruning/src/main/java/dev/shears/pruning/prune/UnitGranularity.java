package dev.shears.pruning.prune;

import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import java.util.Optional;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Structural pruning of a layer's own output units of one kind, with everything coupled to them:
 * the {@link ChannelGroup} the layer is the first producer of (its bias, the other producers a
 * residual addition lines up with it, batch normalisation in between, and every input that reads
 * the units). A unit scores the sum of its weights' scores by default: the L1 norm with
 * {@code magnitude}, the squared L2 norm with {@code l2}. The output layer's units are the classes
 * and are never pruned; a group is pruned through its first producer only, so that it is ranked once.
 */
abstract class UnitGranularity implements Granularity {

    private final String name;
    private final PrunableLayer.Kind kind;

    UnitGranularity(String name, PrunableLayer.Kind kind) {
        this.name = name;
        this.kind = kind;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean appliesTo(PrunableLayer layer) {
        return layer.kind() == kind && !layer.output();
    }

    @Override
    public boolean appliesTo(PrunableLayer layer, Network net) {
        return appliesTo(layer) && group(net, layer).isPresent();
    }

    @Override
    public float[] groupScores(PrunableLayer layer, INDArray weightScores) {
        return Groups.sumAlong(weightScores, layer.unitAxis());
    }

    @Override
    public float[] groupScores(PrunableLayer layer, Network net, Function<String, INDArray> scores, GroupReduce reduce) {
        return group(net, layer).orElseThrow().scores(scores, reduce);
    }

    /** Producer weights per unit: global scope removes a share of the weights that compute units. */
    @Override
    public long groupSize(PrunableLayer layer, Network net) {
        return group(net, layer).orElseThrow().producers().stream()
                .filter(s -> s.key().endsWith("_W"))
                .mapToLong(s -> net.getParam(s.key()).length() / net.getParam(s.key()).size(s.axis()))
                .sum();
    }

    @Override
    public boolean structural() {
        return true;
    }

    @Override
    public void mask(PrunableLayer layer, boolean[] keep, Network net, MaskSet masks) {
        group(net, layer).orElseThrow().mask(keep, net::getParam, masks);
    }

    /** The group whose first producer is this layer. */
    static Optional<ChannelGroup> group(Network net, PrunableLayer layer) {
        return ChannelGroups.of(net).stream()
                .filter(g -> g.producers().get(0).key().equals(layer.weightKey()))
                .findFirst();
    }
}
