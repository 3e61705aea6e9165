package dev.shears.pruning.prune;

import dev.shears.pruning.Registry;
import java.util.Set;

/** The importance scorers by name: a new scorer is one class plus one line here. */
public final class Scorers {

    private static final Registry<ImportanceScorer> REGISTRY = new Registry<ImportanceScorer>("scorer")
            .register("magnitude", MagnitudeScorer::new)
            .register("random", RandomScorer::new)
            .register("l2", L2Scorer::new)
            .register("gradient", GradientScorer::new)
            .register("taylor", TaylorScorer::new)
            .register("activation-mean", ActivationMeanScorer::new)
            .register("apoz", ApozScorer::new)
            .register("fisher", FisherScorer::new)
            .register("entropy", EntropyScorer::new)
            .register("lamp", LampScorer::new)
            .register("fpgm", FpgmScorer::new);

    private Scorers() {
    }

    public static Set<String> names() {
        return REGISTRY.names();
    }

    public static ImportanceScorer create(String name) {
        return REGISTRY.create(name);
    }
}
