package dev.shears.pruning.prune;

import dev.shears.pruning.BadInputException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The registry of granularities by name. Besides the fixed names, any {@code N:M} with
 * 0 &lt; N &lt; M is accepted ({@link NmGranularity}); {@link #names()} lists the common ones.
 */
public final class Granularities {

    private static final Map<String, Supplier<Granularity>> REGISTRY = new LinkedHashMap<>();
    private static final List<String> NM_EXAMPLES = List.of("2:4", "1:4");

    static {
        REGISTRY.put("weight", WeightGranularity::new);
        REGISTRY.put("neuron", NeuronGranularity::new);
        REGISTRY.put("filter", FilterGranularity::new);
        REGISTRY.put("channel", ChannelGranularity::new);
    }

    private Granularities() {
    }

    /** The fixed names plus the common N:M patterns (any other N:M is accepted too). */
    public static Set<String> names() {
        Set<String> names = new LinkedHashSet<>(REGISTRY.keySet());
        names.addAll(NM_EXAMPLES);
        return Collections.unmodifiableSet(names);
    }

    public static Granularity create(String name) {
        Supplier<Granularity> f = REGISTRY.get(name);
        if (f != null) {
            return f.get();
        }
        return NmGranularity.parse(name).orElseThrow(() -> new BadInputException("granularity '" + name
                + "' is not known (allowed: " + String.join(", ", REGISTRY.keySet())
                + ", or N:M with 0 < N < M such as " + String.join(", ", NM_EXAMPLES) + ")"));
    }
}
