package dev.shears.pruning.prune;

import dev.shears.pruning.model.PrunableLayer;

/** Removes dense neurons: a column of W, its bias, and the next layer's row reading it. */
public final class NeuronGranularity extends UnitGranularity {

    public NeuronGranularity() {
        super("neuron", PrunableLayer.Kind.DENSE);
    }
}
