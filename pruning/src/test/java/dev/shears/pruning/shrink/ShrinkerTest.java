package dev.shears.pruning.shrink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.CnnFactory;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.ModelBytes;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.schedule.PruningSession;
import dev.shears.pruning.schedule.Schedules;
import dev.shears.pruning.prune.Granularities;
import dev.shears.pruning.prune.Layers;
import dev.shears.pruning.prune.MaskSet;
import dev.shears.pruning.prune.Pruner;
import dev.shears.pruning.prune.Scope;
import dev.shears.pruning.prune.Scorers;
import dev.shears.pruning.prune.ScoringContext;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ShrinkerTest {

    private static void prune(Network net, String granularity, String layers, double ratio, LabeledData data) {
        new Pruner(Scorers.create("l2"), Granularities.create(granularity), Scope.LAYERWISE, Map.of())
                .prune(Layers.select(net, layers), ratio, new ScoringContext(net, data, 1, 8, 1), new MaskSet());
    }

    private static void assertSameOutputs(Network masked, Network shrunk, int width) {
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(16, width);
        INDArray expected = masked.output(x);
        INDArray actual = shrunk.output(x);
        double diff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(diff < 1e-4, "largest output difference " + diff);
    }

    @Test
    void shrunkMlpComputesWhatTheMaskedOneDoes() {
        Network net = Network.of(MlpFactory.build(20, List.of(16, 12), 3, 1e-3, 1));
        prune(net, "neuron", "hidden", 0.5, Fixtures.data(8, new int[] {20}, 3, 1));
        Network small = Shrinker.shrink(net);
        assertArrayEquals(new long[] {20, 8}, small.getParam("0_W").shape());
        assertArrayEquals(new long[] {1, 8}, small.getParam("0_b").shape());
        assertArrayEquals(new long[] {8, 6}, small.getParam("1_W").shape());
        assertArrayEquals(new long[] {6, 3}, small.getParam("2_W").shape());
        assertSameOutputs(net, small, 20);
        assertEquals(net.chain().orElseThrow().getLayer(1).conf().getLayer().getLayerName(), small.chain().orElseThrow().getLayer(1).conf().getLayer().getLayerName());
        assertEquals(net.chain().orElseThrow().getLayerWiseConfigurations().getConf(0).getLayer().getUpdaterByParam("W"),
                small.chain().orElseThrow().getLayerWiseConfigurations().getConf(0).getLayer().getUpdaterByParam("W"));
        assertSameOutputs(small, ModelBytes.restore(ModelBytes.of(small)), 20);
    }

    @Test
    void shrunkLeNetComputesWhatTheMaskedOneDoes() {
        Network net = Network.of(CnnFactory.lenet5(28, 28, 1, 10, 1e-3, 1));
        LabeledData data = Fixtures.data(8, new int[] {28, 28, 1}, 10, 1);
        prune(net, "filter", "conv0,conv1", 0.5, data);
        prune(net, "neuron", "hidden", 0.5, data);
        Network small = Shrinker.shrink(net);
        assertArrayEquals(new long[] {3, 1, 5, 5}, small.getParam("0_W").shape());
        assertArrayEquals(new long[] {8, 3, 5, 5}, small.getParam("2_W").shape());
        assertArrayEquals(new long[] {8 * 5 * 5, 60}, small.getParam("4_W").shape());
        assertArrayEquals(new long[] {60, 42}, small.getParam("5_W").shape());
        assertArrayEquals(new long[] {42, 10}, small.getParam("6_W").shape());
        CnnToFeedForwardPreProcessor flat =
                (CnnToFeedForwardPreProcessor) small.chain().orElseThrow().getLayerWiseConfigurations().getInputPreProcess(4);
        assertEquals(8, flat.getNumChannels());
        assertSameOutputs(net, small, 784);
        assertTrue(small.numParams() < net.numParams() / 2);
    }

    @Test
    void batchNormalizationBetweenFollowsTheFilters() {
        Network net = Network.of(Fixtures.batchNormChain());
        Nd4j.getRandom().setSeed(4);
        for (Map.Entry<String, INDArray> p : net.chain().orElseThrow().getLayer(1).paramTable().entrySet()) {
            p.getValue().assign(Nd4j.rand(p.getValue().shape()).subi(p.getKey().equals("var") ? -0.5 : 0.5));
        }
        prune(net, "filter", "conv", 0.5, Fixtures.data(8, new int[] {10, 10, 1}, 3, 1));
        Network small = Shrinker.shrink(net);
        for (INDArray p : small.chain().orElseThrow().getLayer(1).paramTable().values()) {
            assertEquals(3, p.length());
        }
        assertArrayEquals(new long[] {3 * 4 * 4, 10}, small.getParam("3_W").shape());
        assertSameOutputs(net, small, 100);
    }

    /** A plan's {@code roundTo} reaches the shrunk shapes through every step of a gradual schedule. */
    @Test
    void filterCountsRoundedToWholeBlocksReachTheShrunkNetwork() {
        DataSplits images = Fixtures.splits(32, new int[] {12, 12, 1}, 3);
        for (int roundTo : new int[] {1, 8}) {
            Network net = Network.of(CnnFactory.build(12, 12, 1, new int[] {24, 20}, 3, new int[] {8}, 3, 1e-3, 1));
            PruningPlan plan = Fixtures.plan("l2", "filter", "all", 0.3, "gradual", 1, Map.of("roundTo", roundTo));
            PruningSession session = new PruningSession(net, plan, images, new MaskSet());
            Schedules.create("gradual").run(session);
            Network small = Shrinker.shrink(net);
            List<Long> filters = small.prunable().stream().filter(l -> l.kind() == PrunableLayer.Kind.CONVOLUTION)
                    .map(l -> small.getParam(l.weightKey()).size(0)).toList();
            // 70% of 24 and of 20 filters is 16.8 and 14: 17 and 14, or the nearest multiples of 8
            assertEquals(roundTo == 1 ? List.of(17L, 14L) : List.of(16L, 16L), filters, "roundTo " + roundTo);
            assertSameOutputs(net, small, 144);
        }
    }

    @Test
    void nothingToRemoveGivesTheSameNetwork() {
        Network net = Network.of(MlpFactory.build(5, List.of(4), 2, 1e-3, 1));
        assertSame(net, Shrinker.shrink(net));
    }
}
