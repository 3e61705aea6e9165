package dev.shears.search;

import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;

/**
 * Draws the points of new candidates one after another (draw 0, 1, 2, ...) and may learn from their
 * results: {@code random} ({@link PointSampler}) ignores them, {@code tpe} ({@link TpeSampler}) models them.
 * A strategy tells it each draw's result by the draw's number, in whatever order results arrive.
 */
interface Sampler {

    /** The option of {@code asha} that names its sampler. */
    String OPTION = "sampler";

    /** How many distinct points {@link #fresh()} can return. */
    long capacity();

    /** False while the next draw must wait for the result of an earlier one. */
    default boolean ready() {
        return true;
    }

    /** A point not drawn before, now marked drawn; empty once a discrete space is exhausted. */
    Optional<Map<String, Object>> fresh();

    /** The result of draw number {@code draw}. */
    default void tell(int draw, TrialResult result) {
        // a sampler that does not learn ignores results
    }

    /** The sampler option {@code sampler} names: {@code random} (the default) or {@code tpe}. */
    static Sampler of(Options options, SearchSpace space, long seed, SelectionMetric metric) {
        String name = options.text(OPTION, "random");
        switch (name) {
            case "tpe":
                return new TpeSampler(space, seed, metric, options);
            case "random":
                for (String tpeOption : new TreeSet<>(TpeSampler.OPTIONS)) {
                    if (options.has(tpeOption)) {
                        throw new IllegalArgumentException("option '" + tpeOption + "' is read only with sampler: tpe");
                    }
                }
                return new PointSampler(space, new Random(seed));
            default:
                throw Options.invalid(OPTION, "random or tpe", name);
        }
    }
}
