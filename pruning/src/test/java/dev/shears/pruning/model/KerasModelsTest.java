package dev.shears.pruning.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.BadInputException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
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

    /** The fixture's inputs (shaped {@code shape} per row) and the outputs numpy computed for them. */
    private static INDArray[] expected(String name, long... shape) throws Exception {
        JsonNode json = new ObjectMapper().readTree(fixture(name + ".expected.json").toFile());
        return new INDArray[] {array(json.get("inputs"), shape), array(json.get("outputs"))};
    }

    private static INDArray array(JsonNode rows, long... rowShape) {
        float[][] values = new float[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            List<Float> flat = flatten(rows.get(i)).toList();
            values[i] = new float[flat.size()];
            for (int j = 0; j < flat.size(); j++) {
                values[i][j] = flat.get(j);
            }
        }
        INDArray a = Nd4j.create(values);
        if (rowShape.length == 0) {
            return a;
        }
        long[] shape = new long[rowShape.length + 1];
        shape[0] = rows.size();
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        return a.reshape('c', shape);
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

    @Test
    void sequentialCnnImportsComputingWhatKerasDoes() throws Exception {
        MultiLayerNetwork net = assertInstanceOf(MultiLayerNetwork.class,
                ModelBytes.load(fixture("cnn.h5").toUri().toString()).model());
        INDArray[] io = expected("cnn", 8, 8, 1);
        assertClose(io[1], net.output(io[0]));
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
