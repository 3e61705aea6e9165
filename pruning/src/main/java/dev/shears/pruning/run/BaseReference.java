package dev.shears.pruning.run;

import java.io.Serializable;

/** The dense base model's figures that every candidate is compared with. */
public record BaseReference(long paramsTotal, double accuracy, long flops) implements Serializable {
}
