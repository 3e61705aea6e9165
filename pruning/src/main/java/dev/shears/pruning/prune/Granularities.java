package dev.shears.pruning.prune;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.Registry;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The granularities by name. Besides the fixed names, any {@code N:M} with 0 &lt; N &lt; M is
 * accepted ({@link NmGranularity}); {@link #names()} lists the common ones.
 */
public final class Granularities {

    private static final Registry<Granularity> REGISTRY = new Registry<Granularity>("granularity")
            .register("weight", WeightGranularity::new)
            .register("neuron", NeuronGranularity::new)
            .register("filter", FilterGranularity::new)
            .register("channel", ChannelGranularity::new);
    private static final List<String> NM_EXAMPLES = List.of("2:4", "1:4");

    private Granularities() {
    }

    /** The fixed names plus the common N:M patterns (any other N:M is accepted too). */
    public static Set<String> names() {
        Set<String> names = new LinkedHashSet<>(REGISTRY.names());
        names.addAll(NM_EXAMPLES);
        return Collections.unmodifiableSet(names);
    }

    public static Granularity create(String name) {
        return REGISTRY.find(name).or(() -> NmGranularity.parse(name)).orElseThrow(() -> new BadInputException(
                "granularity '" + name + "' is not known (allowed: " + String.join(", ", REGISTRY.names())
                        + ", or N:M with 0 < N < M such as " + String.join(", ", NM_EXAMPLES) + ")"));
    }
}
