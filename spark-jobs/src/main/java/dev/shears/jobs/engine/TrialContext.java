package dev.shears.jobs.engine;

import dev.shears.pruning.data.DataLocation;
import dev.shears.pruning.run.BaseReference;
import java.io.Serializable;

/**
 * What every trial of a search shares, besides the base model's bytes.
 *
 * @param threadsPerTask ND4J threads a trial may use
 * @param trialTimeout   seconds a trial may run before it stops as TIMEOUT (0 = no limit)
 */
public record TrialContext(DataLocation data, BaseReference base, int threadsPerTask, double trialTimeout)
        implements Serializable {
}
