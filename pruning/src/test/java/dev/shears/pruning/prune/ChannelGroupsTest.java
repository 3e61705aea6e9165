package dev.shears.pruning.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.Fixtures;
import dev.shears.pruning.GraphFixtures;
import dev.shears.pruning.model.CnnFactory;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import dev.shears.pruning.model.ResNetFactory;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

class ChannelGroupsTest {

    private static ChannelGroup producedBy(List<ChannelGroup> groups, String layer) {
        return groups.stream().filter(g -> g.producerLayers().contains(layer)).findFirst()
                .orElseThrow(() -> new AssertionError("no group produced by " + layer));
    }

    private static Set<String> keys(List<ChannelSlice> slices) {
        return slices.stream().map(ChannelSlice::key).collect(Collectors.toSet());
    }

    private static Set<String> batchNorm(String layer) {
        return Set.of(layer + "_gamma", layer + "_beta", layer + "_mean", layer + "_log10stdev");
    }

    private static boolean[] alternate(int size, int phase) {
        boolean[] keep = new boolean[size];
        for (int c = 0; c < size; c++) {
            keep[c] = (c + phase) % 2 == 0;
        }
        return keep;
    }

    @Test
    void resnetSmallGroupsFollowTheShortcutsAndTheConcatenation() {
        ComputationGraph net = ResNetFactory.resnetSmall(28, 28, 1, 10, 1e-3, 1);
        List<ChannelGroup> groups = groups(net);
        assertEquals(6, groups.size(), ChannelGroups.describe(network(net), Set.of()));

        // the identity shortcut adds the stem's output to block 1's second convolution
        ChannelGroup stem = producedBy(groups, "stem");
        assertEquals("stem", stem.name());
        assertEquals(8, stem.size());
        assertEquals(List.of("stem", "b1_conv2"), stem.producerLayers());
        assertEquals(List.of(new ChannelSlice("stem_W", 0, 0, 1), new ChannelSlice("stem_b", 1, 0, 1),
                new ChannelSlice("b1_conv2_W", 0, 0, 1), new ChannelSlice("b1_conv2_b", 1, 0, 1)), stem.producers());
        Set<String> followers = new java.util.HashSet<>(batchNorm("stem_bn"));
        followers.addAll(batchNorm("b1_conv2_bn"));
        assertEquals(followers, keys(stem.followers()));
        assertEquals(Set.of("b1_conv1", "b2_conv1", "b2_proj"), Set.copyOf(stem.consumerLayers()));
        assertTrue(stem.consumers().stream().allMatch(s -> s.axis() == 1 && s.offset() == 0 && s.perChannel() == 1));

        ChannelGroup inner = producedBy(groups, "b1_conv1");
        assertEquals(List.of("b1_conv1"), inner.producerLayers());
        assertEquals(batchNorm("b1_conv1_bn"), keys(inner.followers()));
        assertEquals(List.of(new ChannelSlice("b1_conv2_W", 1, 0, 1)), inner.consumers());

        // the projection shortcut adds b2_proj's filters to b2_conv2's
        ChannelGroup block2 = producedBy(groups, "b2_conv2");
        assertEquals(Set.of("b2_conv2", "b2_proj"), Set.copyOf(block2.producerLayers()));
        assertEquals(16, block2.size());
        assertEquals(Set.of("b3_a", "b3_b"), Set.copyOf(block2.consumerLayers()));
        assertEquals(List.of("b2_conv1"), producedBy(groups, "b2_conv1").producerLayers());

        // the output layer reads the concatenated branches after global pooling, each at its offset
        assertEquals(List.of(new ChannelSlice("output_W", 0, 0, 1)), producedBy(groups, "b3_a").consumers());
        assertEquals(List.of(new ChannelSlice("output_W", 0, 8, 1)), producedBy(groups, "b3_b").consumers());
        assertEquals(12, producedBy(groups, "b3_b").size());

        assertTrue(groups.stream().noneMatch(g -> g.producerLayers().contains("output")));
        String description = ChannelGroups.describe(network(net), Set.of());
        assertTrue(description.contains("output (10 channels): they are the units of output (OutputLayer)"), description);
        assertTrue(description.contains("input: they are a network input"), description);
    }

    @Test
    void aConcatenationFlattenedReadsEachBranchAtItsRows() {
        ComputationGraph net = GraphFixtures.concatFlatten(1);
        List<ChannelGroup> groups = groups(net);
        assertEquals(3, groups.size(), ChannelGroups.describe(network(net), Set.of()));
        assertEquals(List.of(new ChannelSlice("dense_W", 0, 0, 64)), producedBy(groups, "a").consumers());
        assertEquals(List.of(new ChannelSlice("dense_W", 0, 3 * 64, 64)), producedBy(groups, "b").consumers());
        assertEquals(batchNorm("b_bn").stream().filter(k -> net.getParam(k) != null).collect(Collectors.toSet()),
                keys(producedBy(groups, "b").followers()));
        assertEquals(List.of(new ChannelSlice("output_W", 0, 0, 1)), producedBy(groups, "dense").consumers());
    }

    /**
     * Masking a group must cut every path its removed channels take to the output: batch
     * normalisation turns a zeroed filter into a constant, so only the consumers' masks do that.
     * With them, changing anything a removed channel computes (its filters in both convolutions of
     * the identity shortcut, its biases, its batch normalisation entries) changes no output.
     */
    @Test
    void maskedChannelsNoLongerReachTheOutput() {
        ComputationGraph net = ResNetFactory.resnetSmall(28, 28, 1, 10, 1e-2, 1);
        GraphFixtures.train(net, 784, 10, 2, 1);
        List<ChannelGroup> groups = groups(net);
        MaskSet masks = new MaskSet();
        for (int i = 0; i < groups.size(); i++) {
            groups.get(i).mask(alternate(groups.get(i).size(), i), net::getParam, masks);
        }
        masks.apply(Network.of(net));
        INDArray x = GraphFixtures.rows(8, 784, 3);
        INDArray before = net.outputSingle(false, x);
        for (int i = 0; i < groups.size(); i++) {
            assertArrayEquals(alternate(groups.get(i).size(), i), groups.get(i).readChannels(net::getParam),
                    groups.get(i).name());
        }
        // a removed filter also reads other groups' channels: disturbing it un-zeroes their masked inputs, harmlessly
        Nd4j.getRandom().setSeed(5);
        for (int i = 0; i < groups.size(); i++) {
            ChannelGroup g = groups.get(i);
            boolean[] keep = alternate(g.size(), i);
            for (ChannelSlice s : g.producers()) {
                disturbRemoved(net.getParam(s.key()), s, keep);
            }
            for (ChannelSlice s : g.followers()) {
                disturbRemoved(net.getParam(s.key()), s, keep);
            }
        }
        assertTrue(before.equalsWithEps(net.outputSingle(false, x), 1e-5), "removed channels still reach the output");
    }

    /** Adds noise in [0, 1) to the entries of the channels not kept. */
    private static void disturbRemoved(INDArray p, ChannelSlice s, boolean[] keep) {
        INDArray removed = Groups.mask(p, s.axis(), s.keepAlong(p.size(s.axis()), keep)).rsub(1);
        p.addi(Nd4j.rand(p.dataType(), p.shape()).muli(removed));
    }


    /**
     * On chains every hidden weight layer is a group of its own: its weights and bias, the
     * per-channel layers up to the next weight layer, and that layer's inputs ({@code h*w} per
     * channel after a flatten).
     */
    @Test
    void onChainsEveryHiddenLayerIsAGroupReadByTheNextWeightLayer() {
        List<MultiLayerNetwork> chains = List.of(MlpFactory.build(20, List.of(16, 12), 3, 1e-3, 1),
                CnnFactory.lenet5(28, 28, 1, 10, 1e-3, 1), CnnFactory.small(16, 16, 1, 2, 1e-3, 1), Fixtures.batchNormChain());
        for (MultiLayerNetwork chain : chains) {
            Network net = Network.of(chain);
            List<ChannelGroup> groups = groups(chain);
            List<PrunableLayer> layers = net.prunable();
            assertEquals(layers.size() - 1, groups.size());
            for (int i = 0; i < layers.size() - 1; i++) {
                PrunableLayer p = layers.get(i);
                PrunableLayer next = layers.get(i + 1);
                ChannelGroup g = groups.get(i);
                assertEquals(p.units(net), g.size());
                assertEquals(List.of(new ChannelSlice(p.weightKey(), p.unitAxis(), 0, 1),
                        new ChannelSlice(p.biasKey(), 1, 0, 1)), g.producers());
                assertEquals(List.of(new ChannelSlice(next.weightKey(), next.inputAxis(), 0,
                        (int) (next.inputs(net) / p.units(net)))), g.consumers());
                assertEquals(IntStream.range(p.index() + 1, next.index()).boxed()
                        .flatMap(b -> chain.getLayer(b).paramTable().keySet().stream().map(k -> b + "_" + k))
                        .collect(Collectors.toSet()), keys(g.followers()));
            }
        }
    }

    @Test
    void keepWholeFixesANamedLayersChannels() {
        MultiLayerNetwork lenet = CnnFactory.lenet5(28, 28, 1, 10, 1e-3, 1);
        assertEquals(4, groups(lenet).size());
        List<ChannelGroup> groups = ChannelGroups.of(network(lenet), Set.of("conv1", "5"));
        assertEquals(List.of("conv0", "dense0"), groups.stream().map(ChannelGroup::name).toList());
        String description = ChannelGroups.describe(network(lenet), Set.of("conv1"));
        assertTrue(description.contains("conv1 (16 channels): conv1 is named in keepWhole"), description);

        ComputationGraph resnet = ResNetFactory.resnetSmall(28, 28, 1, 10, 1e-3, 1);
        // naming the concatenation keeps both branches; naming a batch normalisation keeps its channels
        List<ChannelGroup> kept = ChannelGroups.of(network(resnet), Set.of("b3_cat", "b1_conv1_bn"));
        assertEquals(List.of("stem", "b2_proj", "b2_conv1"), kept.stream().map(ChannelGroup::name).toList());

        BadInputException e = assertThrows(BadInputException.class, () -> ChannelGroups.of(network(resnet), Set.of("b9")));
        assertTrue(e.getMessage().contains("'b9'") && e.getMessage().contains("allowed: input, stem"), e.getMessage());
    }

    @Test
    void channelsThroughALayerTheAnalysisDoesNotHandleStayWhole() {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutionalFlat(8, 8, 1))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(4).build(), "in")
                .addLayer("dw", new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(1).build(), "c1")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(5).build(), "dw")
                .addLayer("c3", new ConvolutionLayer.Builder(1, 1).nOut(3).build(), "c2")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.MAX).build(), "c3")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("output")
                .build());
        net.init();
        List<ChannelGroup> groups = groups(net);
        assertEquals(List.of("c2", "c3"), groups.stream().map(ChannelGroup::name).toList());
        String description = ChannelGroups.describe(network(net), Set.of());
        assertTrue(description.contains("c1 (4 channels): they reach dw (DepthwiseConvolution2D), which channel "
                + "pruning does not handle"), description);
    }

    @Test
    void groupReduceCombinesTheMembersAndSkipsPrunedOnes() {
        float inf = Float.NEGATIVE_INFINITY;
        List<float[]> members = List.of(new float[] {1, inf, 3}, new float[] {3, inf, inf});
        assertArrayEquals(new float[] {4, inf, 3}, GroupReduce.SUM.reduce(members));
        assertArrayEquals(new float[] {2, inf, 3}, GroupReduce.MEAN.reduce(members));
        assertArrayEquals(new float[] {3, inf, 3}, GroupReduce.MAX.reduce(members));
        assertEquals(GroupReduce.MEAN, GroupReduce.of("mean"));
        BadInputException e = assertThrows(BadInputException.class, () -> GroupReduce.of("median"));
        assertTrue(e.getMessage().contains("'median'") && e.getMessage().contains("allowed: producers, sum, mean, max"),
                e.getMessage());
    }

    /** Each member sums its slice of a channel; the weight-only lookup leaves the batch normalisation out. */
    @Test
    void groupScoresSumEachMembersSliceOfAChannel() {
        MultiLayerNetwork net = CnnFactory.lenet5(28, 28, 1, 10, 1e-3, 1);
        ChannelGroup conv1 = producedBy(groups(net), "conv1");
        float[] scores = conv1.scores(k -> k.endsWith("_W") ? Transforms.abs(net.getParam(k), true) : null,
                GroupReduce.MAX);
        INDArray filters = net.getParam("2_W");
        INDArray rows = net.getParam("4_W");
        for (int c = 0; c < 16; c++) {
            double filter = filters.get(NDArrayIndex.point(c)).norm1Number().doubleValue();
            double read = rows.get(NDArrayIndex.interval(c * 25, c * 25 + 25), NDArrayIndex.all()).norm1Number()
                    .doubleValue();
            assertEquals(Math.max(filter, read), scores[c], 1e-3 * Math.max(filter, read), "channel " + c);
        }
        assertFalse(scores[0] == scores[1]);
        float[] producers = conv1.scores(k -> k.endsWith("_W") ? Transforms.abs(net.getParam(k), true) : null,
                GroupReduce.PRODUCERS);
        for (int c = 0; c < 16; c++) {
            double filter = filters.get(NDArrayIndex.point(c)).norm1Number().doubleValue();
            assertEquals(filter, producers[c], 1e-3 * filter, "channel " + c + " scored by its filter alone");
        }
    }

    static List<ChannelGroup> groups(Object net) {
        return ChannelGroups.of(network(net), Set.of());
    }

    static Network network(Object net) {
        return net instanceof ComputationGraph g ? Network.of(g) : Network.of((MultiLayerNetwork) net);
    }
}
