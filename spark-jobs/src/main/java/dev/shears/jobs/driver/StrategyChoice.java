package dev.shears.jobs.driver;

import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SearchSpec;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import dev.shears.search.GridStrategy;
import dev.shears.search.SearchStrategy;
import dev.shears.search.Strategies;
import dev.shears.search.StrategyConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The search strategy a spec names, made for its base model. */
final class StrategyChoice {

    private StrategyChoice() {
    }

    /**
     * The spec's strategy, its options completed from the base model where a strategy needs to know
     * it (sensitivity: which layers, how large, and the base accuracy its scan is compared with).
     */
    static SearchStrategy of(LoadedSpec spec, Network net, double baseAccuracy) {
        SearchSpec s = spec.spec();
        if (spec.spaces().size() > 1) {
            return new GridStrategy(spec.spaces(), s.search.budget, 0);
        }
        Map<String, Object> o = new LinkedHashMap<>(s.search.options);
        List<PrunableLayer> layers = net.prunable();
        Map<String, Object> derived = Map.of("layers", layers.stream().map(PrunableLayer::name).toList(),
                "layerSizes", layers.stream().map(l -> l.weights(net).length()).toList(),
                "baseAccuracy", baseAccuracy);
        // only what the strategy reads: it refuses options it does not know
        derived.forEach((k, v) -> {
            if (Strategies.options(s.search.strategy).contains(k)) {
                o.putIfAbsent(k, v);
            }
        });
        return Strategies.create(s.search.strategy, spec.space(), new StrategyConfig(s.search.budget, s.search.epochBudget,
                s.seed, 0, o, s.objective.constraints()));
    }
}
