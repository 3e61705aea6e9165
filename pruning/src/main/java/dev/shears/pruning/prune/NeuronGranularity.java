package dev.shears.pruning.prune;

/** Removes dense neurons: a column of W, its bias, and the next layer's row reading it. */
public final class NeuronGranularity extends UnitGranularity {

    public NeuronGranularity() {
        super("neuron", PrunableLayer.Kind.DENSE);
    }
}
