package dev.shears.pruning.schedule;

import dev.shears.pruning.BadInputException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The registry of schedules by name. */
public final class Schedules {

    private static final Map<String, Supplier<PruningSchedule>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("oneshot", OneShotSchedule::new);
        REGISTRY.put("iterative", IterativeSchedule::new);
        REGISTRY.put("gradual", GradualSchedule::new);
        REGISTRY.put("adaptive", AdaptiveSchedule::new);
    }

    private Schedules() {
    }

    public static Set<String> names() {
        return Collections.unmodifiableSet(REGISTRY.keySet());
    }

    public static PruningSchedule create(String name) {
        Supplier<PruningSchedule> f = REGISTRY.get(name);
        if (f == null) {
            throw new BadInputException("schedule '" + name + "' is not known (allowed: " + String.join(", ", names()) + ")");
        }
        return f.get();
    }
}
