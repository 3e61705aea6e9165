package dev.shears.pruning.prune;

import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What is removed together: single weights, a neuron's weights, a convolution filter, an N:M block.
 * A granularity groups per-weight scores into one score per group, picks the groups to keep, and
 * writes the masks that remove a group everywhere it lives (weights, bias, coupled inputs).
 */
public interface Granularity {

    /** The name used in specs and in the table's {@code granularity} column. */
    String name();

    /** Whether this granularity can prune the layer (filters need a convolution layer). */
    boolean appliesTo(PrunableLayer layer);

    /** Whether this granularity can prune the layer within this network (structures coupled to the next layer need one). */
    default boolean appliesTo(PrunableLayer layer, Network net) {
        return appliesTo(layer);
    }

    /** One score per group of the layer, from its per-weight scores. */
    float[] groupScores(PrunableLayer layer, INDArray weightScores);

    /**
     * One score per group of the layer, for granularities whose groups reach other layers (a
     * residual addition's filters, the next layer's inputs): they combine those layers' scores too.
     *
     * @param scores per-weight scores of any prunable layer, by weight key
     * @param reduce how a channel group combines its members' scores
     */
    default float[] groupScores(PrunableLayer layer, Network net, Function<String, INDArray> scores, GroupReduce reduce) {
        return groupScores(layer, scores.apply(layer.weightKey()));
    }

    /** Weights in one group of the layer: global scope removes a share of weights, not of groups. */
    long groupSize(PrunableLayer layer, Network net);

    /** Which groups to keep when pruning {@code ratio} of the layer on its own. */
    default boolean[] selectLayerwise(float[] groupScores, double ratio) {
        return Selection.keepAllButLowest(groupScores, (int) Math.round(ratio * groupScores.length));
    }

    /** The same, for granularities whose choice depends on where groups sit in the weight array. */
    default boolean[] selectLayerwise(PrunableLayer layer, Network net, float[] groupScores, double ratio) {
        return selectLayerwise(groupScores, ratio);
    }

    /** Whether groups of different layers can be ranked against each other (global scope). */
    default boolean supportsGlobalScope() {
        return true;
    }

    /** Whether groups are whole units (neurons, filters, channels), which a layer must keep some of. */
    default boolean structural() {
        return false;
    }

    /** The sparsity a pruning step at {@code requested} actually aims for (N:M fixes its own). */
    default double effectiveRatio(double requested) {
        return requested;
    }

    /** Adds the masks that remove the groups not kept. */
    void mask(PrunableLayer layer, boolean[] keep, Network net, MaskSet masks);
}
