package dev.shears.pruning.shrink;

import dev.shears.pruning.GraphFixtures;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.ResNetFactory;
import dev.shears.pruning.prune.ChannelGroup;
import dev.shears.pruning.prune.ChannelGroups;
import dev.shears.pruning.prune.MaskSet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphShrinkTest {

    /** Masks about half the channels of the chosen groups at random (each keeps one); returns channels kept per group name. */
    private static Map<String, Integer> maskHalf(ComputationGraph net, List<ChannelGroup> groups, long seed) {
        Random random = new Random(seed);
        MaskSet masks = new MaskSet();
        Map<String, Integer> kept = new java.util.HashMap<>();
        for (ChannelGroup g : groups) {
            boolean[] keep = new boolean[g.size()];
            keep[random.nextInt(g.size())] = true;
            int n = 0;
            for (int c = 0; c < g.size(); c++) {
                keep[c] |= random.nextBoolean();
                n += keep[c] ? 1 : 0;
            }
            g.mask(keep, net::getParam, masks);
            kept.put(g.name(), n);
        }
        masks.apply(Network.of(net));
        return kept;
    }

    private static ComputationGraph saveAndRestore(ComputationGraph net) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, out, false);
        return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(out.toByteArray()), false);
    }

    private static int size(ComputationGraph net, String key, int axis) {
        return (int) net.getParam(key).size(axis);
    }

    @Test
    void shrunkResNetComputesWhatTheMaskedOneDoes() throws IOException {
        ComputationGraph net = ResNetFactory.resnetSmall(28, 28, 1, 10, 1e-2, 1);
        GraphFixtures.train(net, 784, 10, 3, 1);
        List<ChannelGroup> groups = ChannelGroups.of(Network.of(net), Set.of());
        Map<String, Integer> kept = maskHalf(net, groups, 7);
        ToIntFunction<String> keptOf = layer -> kept.get(groups.stream()
                .filter(g -> g.producerLayers().contains(layer)).findFirst().orElseThrow().name());

        ComputationGraph small = shrink(net, Set.of());
        int stem = keptOf.applyAsInt("stem");
        assertArrayEquals(new long[] {stem, 1, 3, 3}, small.getParam("stem_W").shape());
        assertEquals(stem, size(small, "b1_conv2_W", 0));
        assertEquals(stem, small.getParam("b1_conv2_bn_gamma").length());
        assertEquals(stem, small.getParam("stem_bn_mean").length());
        assertEquals(stem, size(small, "b2_proj_W", 1));
        assertEquals(keptOf.applyAsInt("b1_conv1"), size(small, "b1_conv2_W", 1));
        assertEquals(keptOf.applyAsInt("b2_conv2"), size(small, "b2_proj_W", 0));
        assertEquals(keptOf.applyAsInt("b3_a") + keptOf.applyAsInt("b3_b"), size(small, "output_W", 0));
        assertEquals(10, size(small, "output_W", 1));
        assertTrue(small.numParams() < net.numParams() * 0.75, small.numParams() + " of " + net.numParams());

        GraphFixtures.assertSameOutputs(net, small, 784);
        assertEquals(net.getConfiguration().getVertices().keySet(), small.getConfiguration().getVertices().keySet());
        assertEquals(((LayerVertex) net.getConfiguration().getVertices().get("stem")).getLayerConf().getLayer()
                        .getUpdaterByParam("W"),
                ((LayerVertex) small.getConfiguration().getVertices().get("stem")).getLayerConf().getLayer()
                        .getUpdaterByParam("W"));
        GraphFixtures.assertSameOutputs(small, saveAndRestore(small), 784);
        GraphFixtures.train(small, 784, 10, 1, 9);
    }

    @Test
    void aConcatenationBeforeAFlattenShrinksEachBranchAtItsRows() throws IOException {
        ComputationGraph net = GraphFixtures.concatFlatten(2);
        GraphFixtures.train(net, 64, 3, 3, 2);
        List<ChannelGroup> groups = ChannelGroups.of(Network.of(net), Set.of());
        Map<String, Integer> kept = maskHalf(net, groups, 3);
        ComputationGraph small = shrink(net, Set.of());
        int channels = kept.get("a") + kept.get("b");
        assertTrue(channels < 8);
        assertArrayEquals(new long[] {channels * 64L, kept.get("dense")}, small.getParam("dense_W").shape());
        CnnToFeedForwardPreProcessor flat = (CnnToFeedForwardPreProcessor)
                ((LayerVertex) small.getConfiguration().getVertices().get("dense")).getPreProcessor();
        assertEquals(channels, flat.getNumChannels());
        assertEquals((long) kept.get("b"), small.getParam("b_bn_gamma").length());
        GraphFixtures.assertSameOutputs(net, small, 64);
        GraphFixtures.assertSameOutputs(small, saveAndRestore(small), 64);
    }

    /**
     * Only the identity shortcut's group is masked: the removed channels leave both the stem and
     * block 1's second convolution, and every layer that reads their sum, while batch
     * normalisation still emits constants for them in the masked graph.
     */
    @Test
    void aMaskedResidualGroupShrinksOnBothSidesOfTheAddition() throws IOException {
        ComputationGraph net = ResNetFactory.build(28, 28, 1, 10, 1e-2, 4, true, false);
        GraphFixtures.train(net, 784, 10, 3, 4);
        List<ChannelGroup> residual = ChannelGroups.of(Network.of(net), Set.of()).stream()
                .filter(g -> g.producerLayers().contains("stem")).toList();
        int stem = maskHalf(net, residual, 5).get("stem");
        ComputationGraph small = shrink(net, Set.of());
        Map<String, Long> changed = net.paramTable().keySet().stream()
                .filter(k -> net.getParam(k).length() != small.getParam(k).length())
                .collect(Collectors.toMap(k -> k, k -> small.getParam(k).length()));
        assertEquals(Set.of("stem_W", "stem_b", "stem_bn_gamma", "stem_bn_beta", "stem_bn_mean", "stem_bn_log10stdev",
                "b1_conv2_W", "b1_conv2_b", "b1_conv2_bn_gamma", "b1_conv2_bn_beta", "b1_conv2_bn_mean",
                "b1_conv2_bn_log10stdev", "b1_conv1_W", "b2_conv1_W", "b2_proj_W"), changed.keySet());
        assertEquals(stem, changed.get("stem_b").intValue());
        GraphFixtures.assertSameOutputs(net, small, 784);
        GraphFixtures.assertSameOutputs(small, saveAndRestore(small), 784);
    }

    @Test
    void aGroupNoOneReadsKeepsOneChannelAndKeepWholeGroupsStay() {
        ComputationGraph net = GraphFixtures.concatFlatten(3);
        MaskSet masks = new MaskSet();
        for (ChannelGroup g : ChannelGroups.of(Network.of(net), Set.of())) {
            g.mask(new boolean[g.size()], net::getParam, masks);
        }
        masks.apply(Network.of(net));
        ComputationGraph small = shrink(net, Set.of("a"));
        assertEquals(3, size(small, "a_W", 0));
        assertEquals(1, size(small, "b_W", 0));
        assertEquals(1, size(small, "dense_W", 1));
        assertEquals(4 * 64, size(small, "dense_W", 0));
        GraphFixtures.assertSameOutputs(net, small, 64);
    }

    @Test
    void nothingToRemoveGivesTheSameGraph() {
        ComputationGraph net = ResNetFactory.resnetSmall(28, 28, 1, 10, 1e-3, 1);
        assertSame(net, shrink(net, Set.of()));
        INDArray w = net.getParam("b3_b_W");
        assertEquals(12, w.size(0));
    }

    private static ComputationGraph shrink(ComputationGraph net, Set<String> keepWhole) {
        return (ComputationGraph) Shrinker.shrink(Network.of(net).keepWhole(keepWhole)).model();
    }
}
