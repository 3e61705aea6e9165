package dev.shears.pruning.prune;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Structural pruning of a layer's own output units of one kind, with their bias and the next
 * layer's inputs that read them (see {@link Coupling}). A unit scores the sum of its weights'
 * scores: the L1 norm with {@code magnitude}, the squared L2 norm with {@code l2}. The output
 * layer's units are the classes and are never pruned.
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
    public boolean appliesTo(PrunableLayer layer, MultiLayerNetwork net) {
        return appliesTo(layer) && Coupling.from(net, layer).isPresent();
    }

    @Override
    public float[] groupScores(PrunableLayer layer, INDArray weightScores) {
        return Groups.sumAlong(weightScores, layer.unitAxis());
    }

    @Override
    public long groupSize(PrunableLayer layer, MultiLayerNetwork net) {
        return layer.weights(net).length() / layer.units(net);
    }

    @Override
    public boolean structural() {
        return true;
    }

    @Override
    public void mask(PrunableLayer layer, boolean[] keep, MultiLayerNetwork net, MaskSet masks) {
        Coupling.from(net, layer).orElseThrow().mask(net, keep, masks);
    }
}
