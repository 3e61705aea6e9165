package dev.shears.search;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Offspring operators over a space's params: uniform crossover, then per-dimension mutation. */
final class Variation {

    /** Standard deviation of a range mutation, as a fraction of the range (in log space for log ranges). */
    private static final double RANGE_STEP = 0.1;

    private final SearchSpace space;
    private final Random random;
    /** One mutation per child on average, whatever the number of dimensions. */
    private final double mutationRate;

    Variation(SearchSpace space, Random random) {
        this.space = space;
        this.random = random;
        this.mutationRate = 1.0 / Math.max(1, space.dimensions().size());
    }

    /** Each param from either parent with equal chance, then possibly mutated. */
    Map<String, Object> child(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Object> child = new LinkedHashMap<>();
        for (Dimension d : space.dimensions()) {
            Object inherited = random.nextBoolean() ? a.get(d.name()) : b.get(d.name());
            child.put(d.name(), random.nextDouble() < mutationRate ? mutate(d, inherited) : inherited);
        }
        return child;
    }

    private Object mutate(Dimension dimension, Object value) {
        if (dimension instanceof Dimension.Choice c) {
            List<Object> values = c.values();
            if (values.size() < 2) {
                return value;
            }
            // another value, each as likely: skip over the current one
            int current = values.indexOf(value);
            int other = random.nextInt(values.size() - 1);
            return values.get(other >= current ? other + 1 : other);
        }
        Dimension.Range r = (Dimension.Range) dimension;
        double u = r.fractionOf(((Number) value).doubleValue());
        return r.at(u + RANGE_STEP * random.nextGaussian());
    }
}
