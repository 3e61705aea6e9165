package dev.shears.search;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings every strategy may read.
 *
 * @param budget       the most trials to propose (for halving: the candidates of its first rung)
 * @param epochBudget  the most fine-tuning epochs to spend over all trials, or 0 for no limit
 * @param seed         seeds every random choice, so a search is reproducible
 * @param fidelity     fine-tuning epochs of a trial where the strategy does not set them itself (0: the candidate's own)
 * @param options      strategy-specific settings by name (for example {@code eta}, {@code population})
 * @param constraints  the limits a trial must keep to be ranked among the good ones or promoted
 */
public record StrategyConfig(long budget, long epochBudget, long seed, int fidelity, Map<String, Object> options,
                             Constraints constraints) implements Serializable {

    public StrategyConfig {
        if (budget < 1) {
            throw new IllegalArgumentException("budget must be >= 1, got " + budget);
        }
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        constraints = constraints == null ? Constraints.NONE : constraints;
    }

    /** Settings without constraints. */
    public StrategyConfig(long budget, long epochBudget, long seed, int fidelity, Map<String, Object> options) {
        this(budget, epochBudget, seed, fidelity, options, Constraints.NONE);
    }

    public double option(String name, double fallback) {
        Object v = options.get(name);
        return v instanceof Number n ? n.doubleValue() : fallback;
    }

    public int option(String name, int fallback) {
        Object v = options.get(name);
        return v instanceof Number n ? n.intValue() : fallback;
    }
}
