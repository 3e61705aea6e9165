package dev.shears.pruning.prune;

import dev.shears.pruning.BadInputException;
import java.util.Arrays;
import java.util.Locale;

/** Where the ratio applies: each layer on its own, or one threshold across all selected layers. */
public enum Scope {
    LAYERWISE, GLOBAL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Scope of(String name) {
        for (Scope s : values()) {
            if (s.label().equals(name)) {
                return s;
            }
        }
        throw new BadInputException("scope '" + name + "' is not known (allowed: "
                + String.join(", ", Arrays.stream(values()).map(Scope::label).toList()) + ")");
    }
}
