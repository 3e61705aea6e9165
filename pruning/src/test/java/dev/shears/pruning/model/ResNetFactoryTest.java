package dev.shears.pruning.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.GraphFixtures;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ResNetFactoryTest {

    @Test
    void resnetSmallHasTheBlocksAndLearnsFromFlatRows() {
        ComputationGraph net = ResNetFactory.resnetSmall(28, 28, 1, 10, 1e-2, 1);
        long params = net.numParams();
        assertTrue(params > 5_000 && params < 20_000, params + " parameters");
        assertTrue(net.getConfiguration().getVertices().get("b1_add") instanceof ElementWiseVertex);
        assertTrue(net.getConfiguration().getVertices().get("b2_add") instanceof ElementWiseVertex);
        assertTrue(net.getConfiguration().getVertices().get("b3_cat") instanceof MergeVertex);
        assertArrayEquals(new long[] {16, 8, 3, 3}, net.getParam("b2_conv1_W").shape());
        assertArrayEquals(new long[] {16, 8, 1, 1}, net.getParam("b2_proj_W").shape());
        assertEquals(8 + 12, net.getParam("output_W").size(0));
        assertNotNull(net.getLayer("b1_conv2_bn"));

        INDArray x = GraphFixtures.rows(4, 784, 1);
        INDArray before = net.outputSingle(false, x);
        assertArrayEquals(new long[] {4, 10}, before.shape());
        assertEquals(4.0, before.sumNumber().doubleValue(), 1e-4, "softmax rows");
        GraphFixtures.train(net, 784, 10, 3, 1);
        assertFalse(before.equalsWithEps(net.outputSingle(false, x), 1e-6), "training changed nothing");
    }

    @Test
    void variantsLeaveOutBatchNormalisationOrTheBranches() {
        ComputationGraph plain = ResNetFactory.build(28, 28, 1, 10, 1e-3, 1, false, true);
        assertNull(plain.getConfiguration().getVertices().get("stem_bn"));
        assertEquals(20, plain.getParam("output_W").size(0));
        ComputationGraph noBranches = ResNetFactory.build(28, 28, 1, 10, 1e-3, 1, true, false);
        assertNull(noBranches.getConfiguration().getVertices().get("b3_cat"));
        assertEquals(16, noBranches.getParam("output_W").size(0));
        assertArrayEquals(new long[] {2, 10}, noBranches.outputSingle(false, GraphFixtures.rows(2, 784, 2)).shape());
    }

    /** ResNet-8: identity shortcut in the first stage, strided projections where the width doubles. */
    @Test
    void resnet8HasThreeStagesAndProjectionsWhereTheResolutionHalves() {
        ComputationGraph net = new ComputationGraph(ResNetFactory.resnet8Conf(28, 28, 1, 10, 1e-3, 1));
        net.init();
        long params = net.numParams();
        assertTrue(params > 100_000 && params < 300_000, params + " parameters");
        int w = ResNetFactory.RESNET8_WIDTH;
        assertArrayEquals(new long[] {w, w, 3, 3}, net.getParam("s1_conv2_W").shape());
        assertNull(net.getConfiguration().getVertices().get("s1_proj"), "same width and resolution: identity");
        assertArrayEquals(new long[] {2 * w, w, 1, 1}, net.getParam("s2_proj_W").shape());
        assertArrayEquals(new long[] {4 * w, 2 * w, 3, 3}, net.getParam("s3_conv1_W").shape());
        assertEquals(4 * w, net.getParam("output_W").size(0));
        INDArray x = GraphFixtures.rows(2, 784, 3);
        assertArrayEquals(new long[] {2, 10}, net.outputSingle(false, x).shape());
    }
}
