package dev.shears.pruning.prune;

import dev.shears.pruning.model.PrunableLayer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How important each weight of a layer is: larger means keep. A scorer returns one score per
 * weight (same shape as the weight array); a {@link Granularity} then collapses the scores into
 * one per prunable group. Unit-level criteria (activation statistics) give every weight of a
 * unit that unit's score.
 */
public interface ImportanceScorer {

    /** The name used in specs and in the table's {@code scorer} column. */
    String name();

    INDArray score(PrunableLayer layer, ScoringContext context);
}
