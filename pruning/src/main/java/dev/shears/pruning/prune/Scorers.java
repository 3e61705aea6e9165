package dev.shears.pruning.prune;

import dev.shears.pruning.BadInputException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** The registry of importance scorers by name: a new scorer is one class plus one line here. */
public final class Scorers {

    private static final Map<String, Supplier<ImportanceScorer>> REGISTRY = new LinkedHashMap<>();

    static {
        register(new MagnitudeScorer().name(), MagnitudeScorer::new);
        register(new RandomScorer().name(), RandomScorer::new);
        register(new L2Scorer().name(), L2Scorer::new);
        register(new GradientScorer().name(), GradientScorer::new);
        register(new TaylorScorer().name(), TaylorScorer::new);
        register(new ActivationMeanScorer().name(), ActivationMeanScorer::new);
        register(new ApozScorer().name(), ApozScorer::new);
        register(new FisherScorer().name(), FisherScorer::new);
        register(new EntropyScorer().name(), EntropyScorer::new);
        register(new LampScorer().name(), LampScorer::new);
    }

    private Scorers() {
    }

    private static void register(String name, Supplier<ImportanceScorer> factory) {
        REGISTRY.put(name, factory);
    }

    public static Set<String> names() {
        return Collections.unmodifiableSet(REGISTRY.keySet());
    }

    public static ImportanceScorer create(String name) {
        Supplier<ImportanceScorer> f = REGISTRY.get(name);
        if (f == null) {
            throw new BadInputException("scorer '" + name + "' is not known (allowed: " + String.join(", ", names()) + ")");
        }
        return f.get();
    }
}
