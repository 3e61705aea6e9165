package dev.shears.pruning.train;

import dev.shears.pruning.BadInputException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the learning rate moves over one fine-tuning phase, epoch by epoch. A decayed rate ends a
 * phase near a minimum instead of bouncing around one at full rate (learning-rate rewinding,
 * Renda et al. 2020, fine-tunes this way).
 */
public enum RateSchedule {

    /** The plan's rate throughout. */
    CONSTANT,
    /** From the plan's rate down a half cosine, never quite 0 (the last epoch still learns). */
    COSINE;

    /** The rate of epoch {@code e} (0-based) of a phase of {@code epochs}. */
    public double rate(double rate, int e, int epochs) {
        return this == CONSTANT ? rate : rate * 0.5 * (1 + Math.cos(Math.PI * e / epochs));
    }

    /**
     * The rate of epoch {@code e} (0-based) of a phase of {@code epochs} whose first {@code hold} share of epochs
     * (rounded) runs at the full rate and the rest along this schedule.
     */
    public double rate(double rate, int e, int epochs, double hold) {
        int held = (int) Math.round(hold * epochs);
        return e < held ? rate : rate(rate, e - held, epochs - held);
    }

    /** The names specs use: constant, cosine. */
    public static Set<String> names() {
        return Arrays.stream(values()).map(v -> v.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    public static RateSchedule of(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInputException("options.rateSchedule: '" + name + "' is not known (allowed: "
                    + String.join(", ", names()) + ")");
        }
    }
}
