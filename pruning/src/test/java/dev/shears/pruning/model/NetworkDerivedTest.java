package dev.shears.pruning.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link Network#derived} finds once what derives from the structure, and again after keepWhole changes. */
class NetworkDerivedTest {

    @Test
    void foundOnceAndAgainWhenKeepWholeChanges() {
        Network net = Network.of(MlpFactory.build(20, List.of(16, 8), 4, 1e-2, 3));
        AtomicInteger finds = new AtomicInteger();
        Function<Network, Set<String>> keptWhole = n -> {
            finds.incrementAndGet();
            return n.keepWhole();
        };
        assertEquals(Set.of(), net.derived(keptWhole));
        assertEquals(Set.of(), net.derived(keptWhole));
        assertEquals(1, finds.get());
        net.keepWhole(Set.of("0"));
        assertEquals(Set.of("0"), net.derived(keptWhole));
        assertEquals(2, finds.get());
        assertEquals(Set.of("0"), net.copy().derived(keptWhole));
        assertEquals(3, finds.get(), "a copy finds its own");
    }
}
