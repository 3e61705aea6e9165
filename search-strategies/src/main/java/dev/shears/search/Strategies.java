package dev.shears.search;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/** The registry of strategies by name: adding a strategy is one class plus one line here. */
public final class Strategies {

    /** A strategy's constructor and the options it reads. */
    private record Entry(BiFunction<SearchSpace, StrategyConfig, SearchStrategy> factory, Set<String> options) {
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("grid", new Entry((space, cfg) -> new GridStrategy(space, cfg.budget(), cfg.fidelity()), Set.of()));
        REGISTRY.put("random", new Entry(RandomStrategy::new, Set.of()));
        REGISTRY.put("halving", new Entry(HalvingStrategy::new, HalvingStrategy.OPTIONS));
        REGISTRY.put("asha", new Entry(AshaStrategy::new, AshaStrategy.OPTIONS));
        REGISTRY.put("tpe", new Entry(TpeStrategy::new, TpeStrategy.OPTIONS));
        REGISTRY.put("nsga2", new Entry(Nsga2Strategy::new, Nsga2Strategy.OPTIONS));
        REGISTRY.put("sensitivity", new Entry(SensitivityStrategy::new, SensitivityStrategy.OPTIONS));
    }

    private Strategies() {
    }

    public static Set<String> names() {
        return Collections.unmodifiableSet(REGISTRY.keySet());
    }

    /** The options strategy {@code name} reads (an unknown strategy has none). */
    public static Set<String> options(String name) {
        Entry e = REGISTRY.get(name);
        return e == null ? Set.of() : e.options();
    }

    /** Refuses an option strategy {@code name} does not read: a misspelling, or another strategy's option. */
    public static void checkOptions(String name, Collection<String> given) {
        Set<String> allowed = options(name);
        for (String option : given) {
            if (!allowed.contains(option)) {
                throw new IllegalArgumentException("unknown option '" + option + "' of strategy " + name + " (allowed: "
                        + (allowed.isEmpty() ? "none" : String.join(", ", new TreeSet<>(allowed))) + ")");
            }
        }
    }

    /**
     * The strategy {@code name} with its settings; an option it does not read (a misspelling, another
     * strategy's option) is refused rather than silently ignored.
     */
    public static SearchStrategy create(String name, SearchSpace space, StrategyConfig config) {
        Entry e = REGISTRY.get(name);
        if (e == null) {
            throw new IllegalArgumentException("unknown strategy '" + name + "' (allowed: " + String.join(", ", names()) + ")");
        }
        checkOptions(name, config.options().keySet());
        return e.factory().apply(space, config);
    }
}
