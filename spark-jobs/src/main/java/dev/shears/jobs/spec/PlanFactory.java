package dev.shears.jobs.spec;

import dev.shears.pruning.plan.PruningPlan;
import dev.shears.search.Candidate;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a candidate's parameters, with the spec's defaults for the rest, into a pruning plan. */
public final class PlanFactory {

    private PlanFactory() {
    }

    /**
     * @param epochs fine-tuning epochs this trial runs (a continued trial runs only its extra epochs)
     */
    public static PruningPlan plan(Candidate c, SearchSpec spec, int epochs) {
        Map<String, Object> options = new LinkedHashMap<>();
        // only what the candidate sets: the pruning module's own defaults depend on the method (shrink, say)
        for (String name : Dimensions.planOptions()) {
            if (c.get(name) != null) {
                options.put(name, c.get(name));
            }
        }
        return new PruningPlan(
                (String) value(c, "scorer"),
                (String) value(c, "granularity"),
                (String) value(c, "scope"),
                (String) value(c, "layers"),
                number(c, "ratio"),
                layerRatios(c),
                (String) value(c, "schedule"),
                (int) number(c, "steps"),
                epochs,
                number(c, "learningRate"),
                spec.finetune.batchSize,
                spec.finetune.calibrationBatches,
                spec.objective.tolerance(),
                spec.seed,
                options);
    }

    /** The epochs a candidate asks for: its fidelity when a strategy set one, else its {@code epochs} value. */
    public static int requestedEpochs(Candidate c) {
        return c.fidelity() > 0 ? c.fidelity() : (int) number(c, "epochs");
    }

    public static Object value(Candidate c, String name) {
        Object v = c.get(name);
        return v != null ? v : Dimensions.fallback(name);
    }

    private static double number(Candidate c, String name) {
        return ((Number) value(c, name)).doubleValue();
    }

    /** The sensitivity strategy's allocation ({@code layerRatios}) and the {@code ratio.<layer>} dimensions. */
    @SuppressWarnings("unchecked")
    private static Map<String, Double> layerRatios(Candidate c) {
        Map<String, Double> out = new LinkedHashMap<>();
        c.params().forEach((name, r) -> {
            String layer = Dimensions.layer(name);
            if (layer != null) {
                out.put(layer, ((Number) r).doubleValue());
            }
        });
        // an allocation replaces the dimensions' first values, which the sensitivity strategy's candidates carry
        if (c.get("layerRatios") instanceof Map<?, ?> m) {
            ((Map<String, Number>) m).forEach((k, r) -> out.put(k, r.doubleValue()));
        }
        return out;
    }
}
