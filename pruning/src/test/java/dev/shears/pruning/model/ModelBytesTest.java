package dev.shears.pruning.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The bytes Shears writes are DL4J model files: DL4J's own reader gives back the configuration and
 * every parameter; and Shears' reader of such chain files gives what DL4J's reader gives.
 */
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
    void aMostlyZeroChainReadsBackWithModelSerializer() throws IOException {
        Network net = Network.of(MlpFactory.build(30, List.of(12, 7), 5, 1e-3, 5));
        // nine zeros in ten: deflated with the search for repeats, not by Huffman coding alone
        net.params().muli(Nd4j.rand(DataType.FLOAT, net.params().shape()).lt(0.1).castTo(DataType.FLOAT));
        byte[] sparse = ModelBytes.of(net);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(sparse), false);
        assertEquals(net.params(), back.params());
        assertEquals(net.params(), ModelBytes.restore(sparse).params());
    }

    @Test
    void restoringAChainGivesWhatModelSerializerGives() throws IOException {
        Network net = Network.of(MlpFactory.build(30, List.of(12, 7), 5, 1e-3, 6));
        byte[] bytes = ModelBytes.of(net);
        MultiLayerNetwork dl4j = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false);
        Network ours = ModelBytes.restore(bytes);
        assertEquals(dl4j.getLayerWiseConfigurations().toJson(), ours.configurationJson());
        assertEquals(dl4j.params(), ours.params());
        INDArray x = Nd4j.rand(DataType.FLOAT, 9, 30);
        assertEquals(dl4j.output(x), ours.output(x));
        // a file with the updater's state, as ModelSerializer writes it, is read by ModelSerializer
        ByteArrayOutputStream withUpdater = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net.model(), withUpdater, true);
        assertEquals(net.params(), ModelBytes.restore(withUpdater.toByteArray()).params());
    }

    @Test
    void aGraphReadsBackWithModelSerializer() throws IOException {
        Network net = Network.of(ResNetFactory.resnetSmall(12, 12, 1, 4, 1e-3, 2));
        ComputationGraph back = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(ModelBytes.of(net)), false);
        assertEquals(net.configurationJson(), back.getConfiguration().toJson());
        assertEquals(net.params(), back.params());
        assertEquals(net.params(), ModelBytes.restore(ModelBytes.of(net)).params());
    }
}
