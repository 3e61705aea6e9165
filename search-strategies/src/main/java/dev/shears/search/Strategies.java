package dev.shears.search;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/** The registry of strategies by name: adding a strategy is one class plus one line here. */
public final class Strategies {

    private static final Map<String, BiFunction<SearchSpace, StrategyConfig, SearchStrategy>> REGISTRY =
            new LinkedHashMap<>();

    static {
        REGISTRY.put("grid", (space, cfg) -> new GridStrategy(space, cfg.budget(), cfg.fidelity()));
        REGISTRY.put("random", RandomStrategy::new);
        REGISTRY.put("halving", HalvingStrategy::new);
        REGISTRY.put("nsga2", Nsga2Strategy::new);
        REGISTRY.put("sensitivity", SensitivityStrategy::new);
    }

    private Strategies() {
    }

    public static Set<String> names() {
        return Collections.unmodifiableSet(REGISTRY.keySet());
    }

    public static SearchStrategy create(String name, SearchSpace space, StrategyConfig config) {
        BiFunction<SearchSpace, StrategyConfig, SearchStrategy> factory = REGISTRY.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("unknown strategy '" + name + "' (allowed: " + String.join(", ", names()) + ")");
        }
        return factory.apply(space, config);
    }
}
