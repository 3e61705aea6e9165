package dev.shears.search;

import java.io.Serializable;
import java.util.List;
import java.util.Random;

/**
 * One axis of a search space: either a list of choices or a continuous range.
 * Continuous ranges are sampled by random-style strategies; the grid needs choices.
 */
public sealed interface Dimension extends Serializable permits Dimension.Choice, Dimension.Range {

    String name();

    /** A value drawn from this dimension. */
    Object sample(Random random);

    /** A finite list of choices. */
    record Choice(String name, List<Object> values) implements Dimension {
        public Choice {
            if (values == null || values.isEmpty()) {
                throw new IllegalArgumentException("dimension '" + name + "' needs at least one value");
            }
            values = List.copyOf(values);
        }

        @Override
        public Object sample(Random random) {
            return values.get(random.nextInt(values.size()));
        }

        /** As a spec would write it, e.g. {@code ratio: [0.5, 0.9]}. */
        @Override
        public String toString() {
            return name + ": " + values;
        }
    }

    record Range(String name, double min, double max, boolean log) implements Dimension {
        public Range {
            if (!(min <= max)) {
                throw new IllegalArgumentException(
                        "dimension '" + name + "': min " + min + " must not exceed max " + max);
            }
            if (log && min <= 0) {
                throw new IllegalArgumentException("dimension '" + name + "': a log range needs min > 0");
            }
        }

        @Override
        public Object sample(Random random) {
            return at(random.nextDouble());
        }

        /** The value at fraction {@code u} of the way from min to max (log-spaced where log). */
        public double at(double u) {
            double t = Math.max(0, Math.min(1, u));
            return log ? Math.exp(Math.log(min) + t * (Math.log(max) - Math.log(min))) : min + t * (max - min);
        }

        /** The inverse of {@link #at}: how far {@code value} lies from min towards max (0 when min equals max). */
        public double fractionOf(double value) {
            if (max == min) {
                return 0;
            }
            return log
                    ? (Math.log(value) - Math.log(min)) / (Math.log(max) - Math.log(min))
                    : (value - min) / (max - min);
        }

        /** As a spec would write it, e.g. {@code learningRate: {min: 1.0E-4, max: 0.01, log: true}}. */
        @Override
        public String toString() {
            return name + ": {min: " + min + ", max: " + max + (log ? ", log: true" : "") + "}";
        }
    }
}
