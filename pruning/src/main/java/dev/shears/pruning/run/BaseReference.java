package dev.shears.pruning.run;

import dev.shears.pruning.metrics.LatencyComparison;
import java.io.Serializable;

/**
 * The dense base model's figures that every candidate is compared with.
 *
 * @param accuracy           on the test split (reported)
 * @param validationAccuracy on the validation split (what decisions compare with); NaN without one
 * @param latency            the base timed alone, the scale of every candidate's latency; null when latency is not
 *                           measured (then trials time nothing)
 */
public record BaseReference(long paramsTotal, double accuracy, double validationAccuracy, long flops,
                            LatencyComparison.Timing latency) implements Serializable {

    /** The reference from the base model's own {@link Measurement}. */
    public static BaseReference of(Metrics measured) {
        Metrics.Latency l = measured.latency();
        return new BaseReference(measured.paramsTotal(), measured.accuracy(), measured.valAccuracy(), measured.flops(),
                l == null ? null : new LatencyComparison.Timing(l.b1Ms(), l.b64Ms()));
    }
}
