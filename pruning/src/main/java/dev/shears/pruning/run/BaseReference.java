package dev.shears.pruning.run;

import java.io.Serializable;

/**
 * The dense base model's figures that every candidate is compared with.
 *
 * @param accuracy           on the test split (reported)
 * @param validationAccuracy on the validation split (what decisions compare with); NaN without one
 */
public record BaseReference(long paramsTotal, double accuracy, double validationAccuracy, long flops)
        implements Serializable {

    /** The reference from the base model's own {@link Measurement}. */
    public static BaseReference of(Metrics measured) {
        return new BaseReference(measured.paramsTotal(), measured.accuracy(), measured.valAccuracy(), measured.flops());
    }
}
