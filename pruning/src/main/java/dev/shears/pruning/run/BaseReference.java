package dev.shears.pruning.run;

import dev.shears.pruning.metrics.LatencyComparison;
import java.io.Serializable;
import java.util.BitSet;

/**
 * The dense base model's figures that every candidate is compared with.
 *
 * @param accuracy           on the test split (reported)
 * @param validationAccuracy on the validation split (what decisions compare with); NaN without one
 * @param latency            the base timed alone, the scale of every candidate's latency; null when latency is not
 *                           measured (then trials time nothing)
 * @param correct            the test rows the base predicts right, which each candidate's drop is paired with
 * @param validationCorrect  the same on the validation rows
 */
public record BaseReference(long paramsTotal, double accuracy, double validationAccuracy, long flops,
                            LatencyComparison.Timing latency, BitSet correct, BitSet validationCorrect)
        implements Serializable {
}
