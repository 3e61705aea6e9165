package dev.shears.pruning.prune;

import dev.shears.pruning.model.PrunableLayer;

/**
 * Removes convolution filters: {@code W[j,:,:,:]}, its bias, and the next layer's input channel j
 * (or, after a flatten, the dense rows that read feature map j).
 */
public final class FilterGranularity extends UnitGranularity {

    public FilterGranularity() {
        super("filter", PrunableLayer.Kind.CONVOLUTION);
    }
}
