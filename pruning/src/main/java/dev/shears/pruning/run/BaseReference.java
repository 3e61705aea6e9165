package dev.shears.pruning.run;

import java.io.Serializable;
import java.util.Map;

/**
 * The dense base model's figures that every candidate is compared with.
 *
 * @param accuracy           on the test split (reported)
 * @param validationAccuracy on the validation split (what decisions compare with); NaN without one
 */
public record BaseReference(long paramsTotal, double accuracy, double validationAccuracy, long flops)
        implements Serializable {

    /** The reference from the base model's own {@link Measurement}. */
    public static BaseReference of(Map<String, Object> measured) {
        return new BaseReference(number(measured, "params_total").longValue(), number(measured, "accuracy").doubleValue(),
                number(measured, "val_accuracy").doubleValue(), number(measured, "flops").longValue());
    }

    private static Number number(Map<String, Object> measured, String key) {
        return (Number) measured.get(key);
    }
}
