package dev.shears.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.pruning.export.CompactModel;
import dev.shears.pruning.model.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a run saves in models/ is what deploys: each file loads with plain {@code ModelSerializer}, without
 * Shears, and has the parameter counts, per-layer sparsity and test accuracy its table row reports.
 */
public final class SavedModels {

    private SavedModels() {
    }

    public static List<Map<String, Object>> rows(Path out) throws IOException {
        return new ObjectMapper().readValue(out.resolve("results.json").toFile(), new TypeReference<>() { });
    }

    /** Checks every model in {@code out}/models against its row; returns how many were checked. */
    public static int assertMatchTheirRows(Path out, Path testCsv) throws IOException {
        return assertMatchTheirRows(out, testCsv, false);
    }

    /**
     * As above, for models that are computation graphs when {@code graphs}, loaded as a user would;
     * accuracy is checked when a CSV test split is given.
     */
    public static int assertMatchTheirRows(Path out, Path testCsv, boolean graphs) throws IOException {
        int checked = 0;
        for (Map<String, Object> row : rows(out)) {
            Path file = out.resolve("models").resolve(row.get("candidate") + ".zip");
            if (!Files.exists(file)) {
                continue;
            }
            Model net = graphs ? ModelSerializer.restoreComputationGraph(file.toFile())
                    : ModelSerializer.restoreMultiLayerNetwork(file.toFile());
            String id = row.get("candidate").toString();
            assertEquals(((Number) row.get("params_total")).longValue(), net.numParams(), id);
            assertEquals(((Number) row.get("params_nonzero")).longValue(), nonzero(net.params()), id);
            if (testCsv != null) {
                assertEquals(((Number) row.get("accuracy")).doubleValue(), accuracy(net, testCsv), 1e-9, id);
            }
            if (row.get("layer_sparsity") instanceof Map<?, ?> layers && !Boolean.TRUE.equals(row.get("shrunk"))) {
                for (Map.Entry<?, ?> layer : layers.entrySet()) {
                    String name = layer.getKey().toString();
                    INDArray w = (net instanceof ComputationGraph g ? g.getLayer(name) : ((MultiLayerNetwork) net).getLayer(name))
                            .getParam("W");
                    double zeros = 1.0 - (double) nonzero(w) / w.length();
                    assertEquals(((Number) layer.getValue()).doubleValue(), zeros, 1e-6, id + " " + layer.getKey());
                }
            }
            Path compact = out.resolve("models").resolve(id + ".compact");
            if (!id.equals("base")) {
                byte[] bytes = Files.readAllBytes(compact);
                assertEquals(((Number) row.get("size_compact_bytes")).longValue(), bytes.length, id + ".compact");
                Network read = CompactModel.read(bytes);
                assertEquals(net.numParams(), read.numParams(), id + ".compact");
                // int8 rounds the smallest weights to zero, never the other way round
                assertTrue(nonzero(read.params()) <= nonzero(net.params()), id + ".compact");
            }
            checked++;
        }
        assertTrue(checked > 0, "no model saved in " + out);
        return checked;
    }

    private static long nonzero(INDArray a) {
        return a.neq(0).castTo(DataType.INT64).sumNumber().longValue();
    }

    /** Accuracy on a CSV of label,f0,f1,... rows as a user would compute it: argmax of {@code output}. */
    public static double accuracy(Model net, Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<String> rows = lines.subList(1, lines.size());
        float[][] x = new float[rows.size()][];
        int[] y = new int[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            String[] cells = rows.get(i).split(",");
            y[i] = Integer.parseInt(cells[0]);
            x[i] = new float[cells.length - 1];
            for (int j = 1; j < cells.length; j++) {
                x[i][j - 1] = Float.parseFloat(cells[j]);
            }
        }
        INDArray features = Nd4j.create(x);
        INDArray predicted = (net instanceof ComputationGraph g ? g.outputSingle(features)
                : ((MultiLayerNetwork) net).output(features)).argMax(1);
        int correct = 0;
        for (int i = 0; i < y.length; i++) {
            correct += predicted.getInt(i) == y[i] ? 1 : 0;
        }
        return (double) correct / y.length;
    }
}
