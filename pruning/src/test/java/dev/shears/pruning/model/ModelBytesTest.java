package dev.shears.pruning.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;

/** The bytes Shears writes are DL4J model files: DL4J's own reader gives back the configuration and every parameter. */
class ModelBytesTest {

    @Test
    void aChainReadsBackWithModelSerializer() throws IOException {
        Network net = Network.of(MlpFactory.build(30, List.of(12, 7), 5, 1e-3, 4));
        net.params().muli(net.params().gt(0).castTo(net.params().dataType()));
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(ModelBytes.of(net)), false);
        assertEquals(net.configurationJson(), back.getLayerWiseConfigurations().toJson());
        assertEquals(net.params(), back.params());
    }

    @Test
    void aGraphReadsBackWithModelSerializer() throws IOException {
        Network net = Network.of(ResNetFactory.resnetSmall(12, 12, 1, 4, 1e-3, 2));
        ComputationGraph back = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(ModelBytes.of(net)), false);
        assertEquals(net.configurationJson(), back.getConfiguration().toJson());
        assertEquals(net.params(), back.params());
    }
}
