package dev.shears.jobs.driver;

import dev.shears.jobs.output.OutputLocation;
import dev.shears.jobs.result.PastRow;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.data.DataLocation;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.run.BaseReference;
import dev.shears.pruning.run.Metrics;
import java.util.List;

/**
 * A search checked and ready ({@link SearchJob#prepare}): its data read, the base model trained or loaded and
 * measured, its output location staged.
 *
 * @param previous an earlier run to report changes against, or null
 */
public record Prepared(LoadedSpec spec, OutputLocation out, DataLocation dataLocation, DataSplits data,
                       byte[] baseModel, Metrics baseMetrics, BaseReference base, Timings timings,
                       Checkpoints checkpoints, Previous previous, TrialCache cache, String baseModelHash) {

    /** An earlier run to report changes against: its output location and ranked rows. */
    public record Previous(String out, List<PastRow> rows) {
    }

    /** The same prepared search writing to another output (to run it again on another engine). */
    public Prepared elsewhere(String otherOut) {
        OutputLocation location = new OutputLocation(SpecLoader.toUri(otherOut));
        location.create();
        Checkpoints other = new Checkpoints(location);
        other.saveBase(baseModel, spec.sha256());
        return new Prepared(spec, location, dataLocation, data, baseModel, baseMetrics, base,
                timings.copy(), other, previous, cache, baseModelHash);
    }
}
