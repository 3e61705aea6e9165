package dev.shears.pruning.model;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.HadoopFiles;
import dev.shears.pruning.data.Hashes;
import dev.shears.pruning.model.Network;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.commons.io.output.UnsynchronizedByteArrayOutputStream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Networks travel as DL4J model-file bytes: ND4J arrays cannot be captured in Spark closures,
 * and the same bytes are what users load with {@code ModelSerializer} outside Shears.
 */
public final class ModelBytes {

    private ModelBytes() {
    }

    /**
     * The share of zero parameters from which deflate's search for repeats pays: below it the
     * parameters are deflated by Huffman coding alone. Float parameters hardly repeat: on the
     * quickstart's models Huffman coding alone was faster for a trained model and at 80% zeros, for
     * about the same bytes. Runs of zeros do repeat: from 90% zeros the search was faster and wrote
     * clearly fewer bytes (docs/benchmarks/trial-profile.md).
     */
    private static final double ZEROS_WORTH_MATCHING = 0.85;

    /**
     * The entries {@code ModelSerializer.writeModel(model, out, false)} writes (the configuration, then
     * the parameters by {@code Nd4j.write}), deflated at the fastest level: at DL4J's default level
     * deflating took most of a trial's model save. Any DL4J reader reads the file.
     */
    public static byte[] of(Network net) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (StrategicZip zip = new StrategicZip(out)) {
            zip.setLevel(Deflater.BEST_SPEED);
            zip.putNextEntry(new ZipEntry(ModelSerializer.CONFIGURATION_JSON));
            zip.write(net.configurationJson().getBytes(StandardCharsets.UTF_8));
            INDArray params = net.params();
            boolean mostlyZeros = params.scan(Conditions.equals(0)).doubleValue() >= ZEROS_WORTH_MATCHING * params.length();
            zip.strategy(mostlyZeros ? Deflater.DEFAULT_STRATEGY : Deflater.HUFFMAN_ONLY);
            zip.putNextEntry(new ZipEntry(ModelSerializer.COEFFICIENTS_BIN));
            // into an array without a lock per write first, then deflated at once
            UnsynchronizedByteArrayOutputStream bytes = UnsynchronizedByteArrayOutputStream.builder()
                    .setBufferSize(4 * (int) net.numParams() + 1024).get();
            ArrayBytes.write(params, new DataOutputStream(bytes));
            bytes.writeTo(zip);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize the network", e);
        }
        return out.toByteArray();
    }

    /** A zip stream whose deflate strategy can change between entries. */
    private static final class StrategicZip extends ZipOutputStream {
        StrategicZip(OutputStream out) {
            super(out);
        }

        void strategy(int strategy) {
            def.setStrategy(strategy);
        }
    }

    /**
     * Identifies a network by what it computes (configuration and parameters), not by its file: the
     * model file's zip entries carry the time they were written, so the same network saved twice gives
     * other bytes.
     */
    public static String contentHash(Network net) {
        MessageDigest digest = Hashes.sha256();
        digest.update(net.configurationJson().getBytes(StandardCharsets.UTF_8));
        float[] params = net.params().toFloatVector();
        ByteBuffer buffer = ByteBuffer.allocate(params.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(params);
        digest.update(buffer.array());
        return Hashes.hex(digest.digest());
    }

    /**
     * A chain or a graph, as the file's configuration says. A chain file of just the configuration
     * and the parameters (what {@link #of} writes) is read as ModelSerializer reads it, but with the
     * parameters read from an unlocked stream: ModelSerializer's buffered stream takes a lock for
     * every byte of them. Every other file goes to ModelSerializer.
     */
    public static Network restore(byte[] bytes) {
        try {
            Map<String, byte[]> entries = entries(bytes);
            byte[] config = entries.get(ModelSerializer.CONFIGURATION_JSON);
            String json = config == null ? "" : new String(config, StandardCharsets.UTF_8);
            boolean graph = json.contains("\"vertices\"");
            if (!graph && entries.keySet().equals(Set.of(ModelSerializer.CONFIGURATION_JSON, ModelSerializer.COEFFICIENTS_BIN))) {
                return Network.of(chain(json, entries.get(ModelSerializer.COEFFICIENTS_BIN)));
            }
            return graph
                    ? Network.of(ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), false))
                    : Network.of(ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false));
        } catch (IOException | RuntimeException e) {
            throw new BadInputException("not a DL4J model file (MultiLayerNetwork or ComputationGraph): "
                    + e.getMessage(), e);
        }
    }

    /** ModelSerializer's steps for a chain: the parameters, the configuration in their data type, init with them. */
    private static MultiLayerNetwork chain(String json, byte[] coefficients) throws IOException {
        INDArray params = ArrayBytes.read(coefficients);
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(json);
        conf.setDataType(params.dataType());
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init(params, false);
        return net;
    }

    /** The zip's entries by name. */
    private static Map<String, byte[]> entries(byte[] bytes) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        }
        return entries;
    }

    /**
     * Reads a user's model file (any Hadoop location): a DL4J model file, or a Keras HDF5 model imported by
     * {@link KerasModels} (a MultiLayerNetwork, or a ComputationGraph for a functional model). What is
     * neither is bad input naming the file.
     */
    public static Network load(String location) {
        KerasModels.refuseSavedModel(location);
        byte[] bytes = HadoopFiles.readAll(location);
        if (KerasModels.isHdf5(bytes)) {
            return Network.of(KerasModels.load(location, bytes));
        }
        KerasModels.refuseKeras3(location, bytes);
        try {
            return restore(bytes);
        } catch (BadInputException e) {
            throw new BadInputException(location + ": " + e.getMessage(), e);
        }
    }
}
