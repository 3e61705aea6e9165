package dev.shears.pruning;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Named implementations of one kind (scorers, granularities, schedules), created fresh on each
 * use. An unknown name is bad input that lists the known ones.
 */
public final class Registry<T> {

    private final String kind;
    private final Map<String, Supplier<T>> factories = new LinkedHashMap<>();

    /** @param kind what is registered, as a spec calls it ("scorer", "schedule", ...) */
    public Registry(String kind) {
        this.kind = kind;
    }

    public Registry<T> register(String name, Supplier<T> factory) {
        factories.put(name, factory);
        return this;
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(factories.keySet());
    }

    public Optional<T> find(String name) {
        Supplier<T> f = factories.get(name);
        return f == null ? Optional.empty() : Optional.of(f.get());
    }

    public T create(String name) {
        return find(name).orElseThrow(() -> new BadInputException(kind + " '" + name + "' is not known (allowed: "
                + String.join(", ", names()) + ")"));
    }
}
