package dev.shears.pruning.schedule;

import dev.shears.pruning.Registry;
import java.util.Set;

/** The schedules by name: a new schedule is one class plus one line here. */
public final class Schedules {

    private static final Registry<PruningSchedule> REGISTRY = new Registry<PruningSchedule>("schedule")
            .register("oneshot", OneShotSchedule::new)
            .register("iterative", IterativeSchedule::new)
            .register("gradual", GradualSchedule::new)
            .register("adaptive", AdaptiveSchedule::new);

    private Schedules() {
    }

    public static Set<String> names() {
        return REGISTRY.names();
    }

    public static PruningSchedule create(String name) {
        return REGISTRY.create(name);
    }
}
