package dev.shears.pruning.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.model.CnnFactory;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.ResNetFactory;
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

    static Stream<Arguments> graphMethods() {
        Stream<Arguments> scorers = Scorers.names().stream()
                .flatMap(s -> Stream.of("weight", "filter", "channel").map(g -> Arguments.of(s, g, "oneshot")));
        Stream<Arguments> schedules = Schedules.names().stream().map(sc -> Arguments.of("taylor", "filter", sc));
        return Stream.concat(scorers, schedules);
    }

    /** The same on a residual graph, whose filter groups span additions, batch normalisation and a concatenation. */
    @ParameterizedTest(name = "resnet-small: {0} x {1}, {2}")
    @MethodSource("graphMethods")
    void maskedValuesOfAGraphStayZeroAfterFineTuning(String scorer, String granularity, String schedule) {
        Network net = Network.of(ResNetFactory.resnetSmall(12, 12, 1, 3, 1e-2, 1));
        String layers = granularity.equals("channel") ? "b1_conv2+b2_conv2" : "all";
        PruningSession s = new PruningSession(net, Fixtures.plan(scorer, granularity, layers, 0.5, schedule, 1,
                Map.of("groupScore", "mean")), IMAGES, new MaskSet());
        Schedules.create(schedule).run(s);
        assertFalse(s.masks().isEmpty());
        assertTrue(Fixtures.maskedAreZero(net, s.masks()), "a masked value moved");
    }
}
