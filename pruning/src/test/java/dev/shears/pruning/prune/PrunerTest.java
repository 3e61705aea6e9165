package dev.shears.pruning.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrunerTest {

    private static final LabeledData DATA = Fixtures.data(16, new int[] {20}, 2, 1);

    private static double sparsity(Network net, String key) {
        double[] w = net.getParam(key).dup().data().asDouble();
        long zeros = java.util.Arrays.stream(w).filter(x -> x == 0).count();
        return (double) zeros / w.length;
    }

    @Test
    void perLayerRatiosRampWithTheScheduleTowardTheReferenceRatio() {
        Network net = Network.of(MlpFactory.build(20, List.of(30, 10), 2, 1e-3, 1));
        Fixtures.randomize(net, 3);
        Pruner pruner = new Pruner(Scorers.create("magnitude"), Granularities.create("weight"), Scope.LAYERWISE,
                Map.of("dense0", 0.9), KeptUnits.atLeast(1), 0.6);
        MaskSet masks = new MaskSet();
        ScoringContext context = new ScoringContext(net, DATA, 1, 16, 1);
        List<PrunableLayer> layers = Layers.select(net, "hidden");

        pruner.prune(layers, 0.3, context, masks);
        assertEquals(0.45, sparsity(net, "0_W"), 0.002, "half way to the reference: half the override");
        assertEquals(0.3, sparsity(net, "1_W"), 0.004, "layers without an override follow the step ratio");

        pruner.prune(layers, 0.6, context, masks);
        assertEquals(0.9, sparsity(net, "0_W"), 0.002);
        assertEquals(0.6, sparsity(net, "1_W"), 0.004);
    }

    @Test
    void withoutAReferenceRatioOverridesHoldInFull() {
        Network net = Network.of(MlpFactory.build(20, List.of(30, 10), 2, 1e-3, 1));
        Fixtures.randomize(net, 3);
        new Pruner(Scorers.create("magnitude"), Granularities.create("weight"), Scope.LAYERWISE, Map.of("dense0", 0.9))
                .prune(Layers.select(net, "hidden"), 0.3, new ScoringContext(net, DATA, 1, 16, 1), new MaskSet());
        assertEquals(0.9, sparsity(net, "0_W"), 0.002);
    }
}
