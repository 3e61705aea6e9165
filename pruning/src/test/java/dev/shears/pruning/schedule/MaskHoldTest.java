package dev.shears.pruning.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.model.CnnFactory;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.Granularities;
import dev.shears.pruning.prune.MaskSet;
import dev.shears.pruning.prune.Scorers;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Fine-tuning must not bring back anything a mask removed, whatever chose it. */
class MaskHoldTest {

    private static final DataSplits VECTORS = Fixtures.splits(64, new int[] {12}, 3);
    private static final DataSplits IMAGES = Fixtures.splits(64, new int[] {12, 12, 1}, 3);
    private static final List<String> GRANULARITIES = List.of("weight", "neuron", "2:4", "filter", "channel");

    static Stream<Arguments> methods() {
        return Scorers.names().stream().flatMap(s -> GRANULARITIES.stream().map(g -> Arguments.of(s, g)));
    }

    @ParameterizedTest(name = "{0} x {1}")
    @MethodSource("methods")
    void maskedValuesStayZeroAfterFineTuning(String scorer, String granularity) {
        boolean convolutional = granularity.equals("filter") || granularity.equals("channel");
        Network net = convolutional
                ? Network.of(CnnFactory.build(12, 12, 1, new int[] {4, 8}, 3, new int[] {8}, 3, 1e-2, 1))
                : Network.of(MlpFactory.build(12, List.of(8, 8), 3, 1e-2, 1));
        PruningSession s = new PruningSession(net, Fixtures.plan(scorer, granularity, "all", 0.5, "oneshot", 2,
                Map.of()), convolutional ? IMAGES : VECTORS, new MaskSet());
        Schedules.create("oneshot").run(s);
        assertFalse(s.masks().isEmpty());
        assertTrue(Fixtures.maskedAreZero(net, s.masks()), "a masked value moved");
        assertEquals(2, s.epochsSpent());
        assertEquals(Granularities.create(granularity).effectiveRatio(0.5), s.currentRatio(), 1e-12);
    }
}
