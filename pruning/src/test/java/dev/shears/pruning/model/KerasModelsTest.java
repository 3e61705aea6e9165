package dev.shears.pruning.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.Fixtures;
import dev.shears.pruning.prune.ChannelGroup;
import dev.shears.pruning.prune.ChannelGroups;
import dev.shears.pruning.prune.Granularities;
import dev.shears.pruning.prune.Layers;
import dev.shears.pruning.prune.MaskSet;
import dev.shears.pruning.prune.Pruner;
import dev.shears.pruning.prune.Scope;
import dev.shears.pruning.prune.Scorers;
import dev.shears.pruning.prune.ScoringContext;
import dev.shears.pruning.shrink.Shrinker;
import dev.shears.pruning.train.ComputePath;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * Keras HDF5 models written by make_fixtures.py beside them, imported and run: the outputs are those the
 * script computed with numpy from the same weights.
 */
class KerasModelsTest {

    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(KerasModelsTest.class.getResource("/keras/" + name).toURI());
    }

    /** The fixture's inputs (flat rows, images channels-first) and the outputs numpy computed for them. */
    private static INDArray[] expected(String name) throws Exception {
        JsonNode json = new ObjectMapper().readTree(fixture(name + ".expected.json").toFile());
        return new INDArray[] {array(json.get("inputs")), array(json.get("outputs"))};
    }

    private static INDArray array(JsonNode rows) {
        float[][] values = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            List<Float> flat = flatten(rows.get(i)).toList();
            values[i] = new float[flat.size()];
            for (int j = 0; j < flat.size(); j++) {
                values[i][j] = flat.get(j);
            }
        }
        return Nd4j.create(values);
    }

    private static Stream<Float> flatten(JsonNode node) {
        if (node.isArray()) {
            return Stream.iterate(0, i -> i < node.size(), i -> i + 1).flatMap(i -> flatten(node.get(i)));
        }
        return Stream.of((float) node.asDouble());
    }

    private static void assertClose(INDArray expected, INDArray actual) {
        assertArrayEquals(expected.shape(), actual.shape());
        double diff = expected.castTo(actual.dataType()).sub(actual).amaxNumber().doubleValue();
        assertTrue(diff < TOLERANCE, "largest difference " + diff + "\nexpected " + expected + "\nactual " + actual);
    }

    @Test
    void sequentialMlpImportsAsAClassifierComputingWhatKerasDoes() throws Exception {
        var loaded = ModelBytes.load(fixture("mlp.h5").toUri().toString()).model();
        MultiLayerNetwork net = assertInstanceOf(MultiLayerNetwork.class, loaded);
        assertEquals(3, net.getnLayers());
        assertEquals(16, net.layerInputSize(0));
        assertInstanceOf(OutputLayer.class, net.getLayer(2).conf().getLayer(), "the last Dense becomes the output layer");
        assertEquals("dense_2", net.getLayer(2).conf().getLayer().getLayerName());
        INDArray[] io = expected("mlp");
        assertClose(io[1], net.output(io[0]));
    }

    @Test
    void importedSequentialModelTrainsAndSurvivesTheModelFile() throws Exception {
        MultiLayerNetwork net = (MultiLayerNetwork) ModelBytes.load(fixture("mlp.h5").toUri().toString()).model();
        INDArray[] io = expected("mlp");
        MultiLayerNetwork copy = (MultiLayerNetwork) ModelBytes.restore(ModelBytes.of(Network.of(net))).model();
        assertClose(net.output(io[0]), copy.output(io[0]));
        copy.fit(io[0], Nd4j.eye(4).getRows(0, 1, 2, 3, 0));
        assertTrue(copy.score() > 0);
    }

    @Test
    void aDenseThenASoftmaxActivationBecomesTheOutputLayer() throws Exception {
        MultiLayerNetwork net = assertInstanceOf(MultiLayerNetwork.class,
                ModelBytes.load(fixture("softmax_activation.h5").toUri().toString()).model());
        assertEquals(2, net.getnLayers(), "the activation layer is folded into the dense layer before it");
        assertInstanceOf(OutputLayer.class, net.getLayer(1).conf().getLayer());
        INDArray[] io = expected("softmax_activation");
        assertClose(io[1], net.output(io[0]));
    }

    private static Network load(String name) throws URISyntaxException {
        return ModelBytes.load(fixture(name).toUri().toString());
    }

    /** Outputs on DL4J's layers and, when the oneDNN path takes the network, on it too. */
    private static void assertComputes(INDArray[] io, Network net) {
        assertClose(io[1], net.output(io[0]));
        if (ComputePath.of(net) == ComputePath.CONV) {
            String output = net.prunable().get(net.prunable().size() - 1).key();
            assertClose(io[1], ComputePath.CONV.activations(net, io[0]).get(output));
        }
    }

    private static CNN2DFormat format(org.deeplearning4j.nn.api.Layer layer) {
        return ((ConvolutionLayer) layer.conf().getLayer()).getCnn2dDataFormat();
    }

    /**
     * The channels-last Keras CNN becomes a network like those Shears builds: NCHW layers reading flat
     * channels-first rows, which the oneDNN path runs and the channel analysis sees through to the flatten.
     */
    @Test
    void sequentialCnnImportsChannelsFirstComputingWhatKerasDoes() throws Exception {
        Network net = load("cnn.h5");
        MultiLayerNetwork chain = assertInstanceOf(MultiLayerNetwork.class, net.model());
        assertEquals(8 * 8, net.inputSize());
        assertEquals(CNN2DFormat.NCHW, format(chain.getLayer(0)));
        assertEquals(ComputePath.CONV, ComputePath.of(net));
        assertComputes(expected("cnn"), net);
        ChannelGroup filters = ChannelGroups.of(net).get(0);
        assertEquals(List.of("conv2d"), filters.producerLayers());
        assertEquals(List.of("dense"), filters.consumerLayers());
        assertEquals(3 * 3, filters.consumers().get(0).perChannel(), "the dense layer reads each filter's 3x3 map");
    }

    /** The stem and the branch's last convolution, added together, are one group of filters. */
    @Test
    void residualCnnImportsAsAChannelsFirstGraph() throws Exception {
        Network net = load("residual.h5");
        ComputationGraph graph = assertInstanceOf(ComputationGraph.class, net.model());
        assertEquals(8 * 8, net.inputSize());
        assertFalse(graph.getConfiguration().getVertices().containsKey("flatten"),
                "the flatten is the dense layer's preprocessor, as in the graphs Shears builds");
        assertEquals(CNN2DFormat.NCHW, format(graph.getLayer("conv2d_2")));
        assertEquals(ComputePath.CONV, ComputePath.of(net));
        assertComputes(expected("residual"), net);
        List<ChannelGroup> groups = ChannelGroups.of(net);
        assertEquals(2, groups.size(), ChannelGroups.describe(net, Set.of()));
        ChannelGroup added = groups.stream().filter(g -> g.producerLayers().size() == 2).findFirst().orElseThrow();
        assertEquals(Set.of("conv2d", "conv2d_2"), Set.copyOf(added.producerLayers()));
        assertEquals(Set.of("conv2d_1", "dense"), Set.copyOf(added.consumerLayers()));
    }

    /**
     * Filters pruned from an imported CNN and shrunk away leave a smaller network computing the same (batch
     * normalisation between follows its filters).
     */
    @Test
    void importedCnnsShrinkToSmallerNetworksComputingTheSame() throws Exception {
        Map<String, int[]> shapes = Map.of("cnn", new int[] {8, 8, 1}, "residual", new int[] {8, 8, 1},
                "cnn_layers", new int[] {6, 6, 3});
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            String name = e.getKey();
            Network net = load(name + ".h5");
            new Pruner(Scorers.create("l2"), Granularities.create("filter"), Scope.LAYERWISE, Map.of())
                    .prune(Layers.select(net, "all"), 0.5, new ScoringContext(net, Fixtures.data(8, e.getValue(), 4, 1),
                            1, 8, 1), new MaskSet());
            Network small = Shrinker.shrink(net);
            String first = net.prunable().get(0).weightKey();
            assertEquals(2, small.getParam(first).size(0), name + ": half of the first convolution's 4 filters stay");
            assertTrue(small.numParams() < net.numParams(), name);
            INDArray x = expected(name)[0];
            assertClose(net.output(x), small.output(x));
        }
    }

    @Test
    void otherImageLayersImportChannelsFirstComputingWhatKerasDoes() throws Exception {
        Network net = load("cnn_layers.h5");
        assertEquals(6 * 6 * 3, net.inputSize());
        assertComputes(expected("cnn_layers"), net);
    }

    /** A Flatten right after the input: the dense layer reads the flat channels-first row itself. */
    @Test
    void flattenedInputImagesAreTheFlatRow() throws Exception {
        Network net = load("image_mlp.h5");
        MultiLayerNetwork chain = assertInstanceOf(MultiLayerNetwork.class, net.model());
        assertNull(chain.getLayerWiseConfigurations().getInputPreProcess(0));
        assertEquals(4 * 4 * 2, net.inputSize());
        assertComputes(expected("image_mlp"), net);
    }

    @Test
    void anUnsupportedLayerIsBadInputNamingItAndWhatIsSupported() throws Exception {
        String location = fixture("conv2d_transpose.h5").toUri().toString();
        BadInputException e = assertThrows(BadInputException.class, () -> ModelBytes.load(location));
        assertEquals(location + ": layer conv2d_transpose_1 (Conv2DTranspose) is not supported; Shears imports Keras "
                + "models of InputLayer, Dense, Conv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, "
                + "GlobalMaxPooling2D, Flatten, BatchNormalization, Activation, Dropout, Add layers, images channels_last",
                e.getMessage());
    }

    @Test
    void functionalModelImportsAsAGraphComputingWhatKerasDoes() throws Exception {
        ComputationGraph graph = assertInstanceOf(ComputationGraph.class,
                ModelBytes.load(fixture("functional.h5").toUri().toString()).model());
        INDArray[] io = expected("functional");
        assertClose(io[1], graph.outputSingle(io[0]));
    }

    @Test
    void theTemporaryCopyIsDeleted() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before = temporaries(tmp);
        ModelBytes.load(fixture("mlp.h5").toUri().toString()).model();
        assertThrows(BadInputException.class, () -> ModelBytes.load(fixture("plain.h5").toUri().toString()).model());
        assertEquals(before, temporaries(tmp));
    }

    private static long temporaries(Path tmp) throws IOException {
        try (Stream<Path> files = Files.list(tmp)) {
            return files.filter(p -> p.getFileName().toString().startsWith("shears-keras-")).count();
        }
    }

    @Test
    void anHdf5FileThatIsNoKerasModelIsBadInput() throws Exception {
        String location = fixture("plain.h5").toUri().toString();
        BadInputException e = assertThrows(BadInputException.class, () -> ModelBytes.load(location).model());
        assertTrue(e.getMessage().startsWith(location + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("without a Keras model_config"), e.getMessage());
        assertTrue(e.getMessage().contains(KerasModels.HOW), e.getMessage());
    }

    @Test
    void anHdf5FileWrittenByKeras3IsBadInputSayingHowToSave() throws Exception {
        BadInputException e = assertThrows(BadInputException.class,
                () -> ModelBytes.load(fixture("keras3.h5").toUri().toString()).model());
        assertTrue(e.getMessage().contains("keras3.h5: written by Keras 3.3.3"), e.getMessage());
        assertTrue(e.getMessage().contains(KerasModels.HOW), e.getMessage());
    }

    @Test
    void aDamagedHdf5FileIsBadInputInOneLine() throws Exception {
        byte[] whole = Files.readAllBytes(fixture("mlp.h5"));
        Path file = Files.write(dir.resolve("damaged.h5"), Arrays.copyOf(whole, 3000));
        BadInputException e = assertThrows(BadInputException.class, () -> ModelBytes.load(file.toUri().toString()).model());
        assertTrue(e.getMessage().contains("damaged.h5: cannot be imported as a Keras model"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void aKeras3ArchiveIsBadInputSayingHowToSave() throws Exception {
        Path file = dir.resolve("model.keras");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (String entry : List.of("metadata.json", "config.json", "model.weights.h5")) {
                zip.putNextEntry(new ZipEntry(entry));
                zip.write("{}".getBytes());
                zip.closeEntry();
            }
        }
        BadInputException e = assertThrows(BadInputException.class, () -> ModelBytes.load(file.toUri().toString()).model());
        assertTrue(e.getMessage().contains("model.keras") && e.getMessage().contains("Keras 3 .keras archive"),
                e.getMessage());
        assertTrue(e.getMessage().contains("model.save('model.h5')"), e.getMessage());
    }

    @Test
    void aSavedModelFolderIsBadInputSayingHowToSave() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("exported"));
        try (OutputStream out = Files.newOutputStream(folder.resolve("saved_model.pb"))) {
            out.write(new byte[] {8, 1});
        }
        BadInputException e = assertThrows(BadInputException.class, () -> ModelBytes.load(folder.toUri().toString()).model());
        assertTrue(e.getMessage().contains("exported") && e.getMessage().contains("SavedModel"), e.getMessage());
        assertTrue(e.getMessage().contains("model.save('model.h5')"), e.getMessage());
    }

    @Test
    void aFileThatIsNeitherIsStillNamedAsNotADl4jModel() throws Exception {
        Path file = Files.writeString(dir.resolve("model.zip"), "not a model");
        BadInputException e = assertThrows(BadInputException.class, () -> ModelBytes.load(file.toUri().toString()).model());
        assertTrue(e.getMessage().contains("model.zip") && e.getMessage().contains("not a DL4J"), e.getMessage());
    }
}
