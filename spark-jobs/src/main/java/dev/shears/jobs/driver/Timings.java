package dev.shears.jobs.driver;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.shears.jobs.spec.SpecLoader;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * How long a run's parts took, as run.json's {@code timings} records them (seconds to the hundredth); a part
 * that did not happen (latency not measured, a base model not trained here) is left out.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder(alphabetic = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class Timings {

    public Double dataSeconds;
    /** Whether the base model came from the trial cache (only for a base model the spec says to train). */
    public Boolean baseModelCached;
    public Double baseModelSeconds;
    public Double searchSeconds;
    /** This JVM's CPU time during the search: every trial's too on local Spark. */
    public Double searchCpuSeconds;
    public Integer trialsResumed;
    public Integer trialsCached;
    /** How busy the trial slots were during the search; absent when this run computed no trial. */
    public SlotUtilisation slotUtilisation;
    /** The base model timed alone before the search: the scale of every row's latency. */
    public Double baseLatencySeconds;
    public Double writeSeconds;
    /** With embedded Spark the trials run in this process too: then it is the whole search's peak. */
    public Long driverPeakResidentMb;

    /** The run's wall time: its timed parts added up (CPU time, a measure of another kind, left out). */
    public double wallSeconds() {
        return Stream.of(dataSeconds, baseModelSeconds, baseLatencySeconds, searchSeconds, writeSeconds)
                .filter(Objects::nonNull).mapToDouble(Double::doubleValue).sum();
    }

    /** A copy, for the same prepared search run again. */
    Timings copy() {
        return SpecLoader.JSON.convertValue(this, Timings.class);
    }
}
