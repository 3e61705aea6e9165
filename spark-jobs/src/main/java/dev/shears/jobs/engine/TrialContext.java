package dev.shears.jobs.engine;

import dev.shears.pruning.data.DataLocation;
import dev.shears.pruning.run.BaseReference;
import java.io.Serializable;

/**
 * What every trial of a search shares, besides the base model's bytes.
 *
 * @param threadsPerTask ND4J threads a trial may use (0 = ND4J's default)
 */
public record TrialContext(DataLocation data, BaseReference base, int threadsPerTask)
        implements Serializable {
}
