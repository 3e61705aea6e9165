package dev.shears.pruning.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.LabeledData;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

/** {@link Network#release} frees a trained chain's and graph's parameters, gradients and updater state, and no copy's. */
class NetworkReleaseTest {

    @Test
    void aTrainedChainsArraysAreFreedAndACopysAreNot() {
        LabeledData data = Fixtures.data(32, new int[] {20}, 4, 1);
        Network net = Network.of(MlpFactory.build(20, List.of(16, 8), 4, 1e-2, 3));
        net.fit(data.batch(data.permutation(1), 0, 32, null));
        Network copy = net.copy();
        MultiLayerNetwork chain = (MultiLayerNetwork) net.model();
        net.release();
        assertTrue(chain.params().wasClosed());
        assertTrue(chain.getFlattenedGradients().wasClosed());
        assertTrue(chain.getUpdater(false).getStateViewArray().wasClosed());
        assertFalse(copy.params().wasClosed());
        assertTrue(copy.params().sumNumber().doubleValue() != 0);
    }

    @Test
    void aTrainedGraphsArraysAreFreed() {
        LabeledData data = Fixtures.data(8, new int[] {8, 8, 1}, 3, 2);
        Network net = Network.of(ResNetFactory.build(8, 8, 1, 3, 1e-2, 4, false, false));
        net.fit(data.batch(data.permutation(1), 0, 8, null));
        ComputationGraph graph = (ComputationGraph) net.model();
        net.release();
        assertTrue(graph.params().wasClosed());
        assertTrue(graph.getFlattenedGradients().wasClosed());
        assertTrue(graph.getUpdater(false).getStateViewArray().wasClosed());
    }
}
