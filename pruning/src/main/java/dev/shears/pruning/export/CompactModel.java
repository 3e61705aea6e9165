package dev.shears.pruning.export;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.metrics.Int8Quantization;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import dev.shears.pruning.prune.Arrays;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A pruned network in few bytes, for shipping: its configuration, then every weight array as the relative
 * indices of its non-zero entries (the gap from the previous one, a byte; a longer gap takes filler entries
 * of value zero, as Deep Compression stores sparse layers) with an int8 value each and one float32 scale,
 * every other parameter (biases, normalisation) as float32, and the whole deflated, which entropy-codes the
 * gaps and values. A presence bitmap costs a bit per weight whatever the sparsity, which caps a float32
 * network near 32x; gaps cost per kept weight only. Read back, it is the same architecture with the int8 weights of
 * {@link Int8Quantization#quantizedCopy}; the DL4J model file stays the full-precision export.
 */
public final class CompactModel {

    private static final int MAGIC = 0x53484331;
    private static final byte FLOATS = 0;
    private static final byte SPARSE_INT8 = 1;
    /** The largest gap a byte holds; a longer one takes filler entries of value zero. */
    private static final int MAX_GAP = 255;

    private CompactModel() {
    }

    public static byte[] write(Network net) {
        Set<String> weights = net.prunable().stream().map(PrunableLayer::weightKey).collect(Collectors.toSet());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(new DeflaterOutputStream(bytes))) {
            out.writeInt(MAGIC);
            out.writeUTF(net.chain().isPresent() ? "chain" : "graph");
            byte[] conf = net.configurationJson().getBytes(StandardCharsets.UTF_8);
            out.writeInt(conf.length);
            out.write(conf);
            Map<String, INDArray> params = net.paramTable();
            out.writeInt(params.size());
            for (Map.Entry<String, INDArray> e : params.entrySet()) {
                out.writeUTF(e.getKey());
                float[] values = Arrays.floats(e.getValue());
                out.writeInt(values.length);
                if (weights.contains(e.getKey())) {
                    writeSparse(out, values);
                } else {
                    out.writeByte(FLOATS);
                    for (float v : values) {
                        out.writeFloat(v);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a compact model", e);
        }
        return bytes.toByteArray();
    }

    /** The gaps, then the values: two streams of like bytes that the deflater codes well. */
    private static void writeSparse(DataOutputStream out, float[] values) throws IOException {
        float scale = Int8Quantization.scale(values);
        ByteArrayOutputStream gaps = new ByteArrayOutputStream();
        ByteArrayOutputStream codes = new ByteArrayOutputStream();
        int last = -1;
        for (int i = 0; i < values.length; i++) {
            byte code = scale == 0 ? 0 : Int8Quantization.code(values[i], scale);
            if (code == 0) {
                continue;
            }
            int gap = i - last - 1;
            for (; gap > MAX_GAP; gap -= MAX_GAP + 1) {
                gaps.write(MAX_GAP);
                codes.write(0);
            }
            gaps.write(gap);
            codes.write(code);
            last = i;
        }
        out.writeByte(SPARSE_INT8);
        out.writeFloat(scale);
        out.writeInt(codes.size());
        gaps.writeTo(out);
        codes.writeTo(out);
    }

    /** The network a compact model holds; bytes that are not one are bad input. */
    public static Network read(byte[] compact) {
        try (DataInputStream in = new DataInputStream(new InflaterInputStream(new ByteArrayInputStream(compact)))) {
            if (in.readInt() != MAGIC) {
                throw new BadInputException("not a Shears compact model");
            }
            String kind = in.readUTF();
            byte[] conf = new byte[in.readInt()];
            in.readFully(conf);
            String json = new String(conf, StandardCharsets.UTF_8);
            Network net;
            if (kind.equals("chain")) {
                MultiLayerNetwork chain = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json));
                chain.init();
                net = Network.of(chain);
            } else {
                ComputationGraph graph = new ComputationGraph(ComputationGraphConfiguration.fromJson(json));
                graph.init();
                net = Network.of(graph);
            }
            int arrays = in.readInt();
            for (int a = 0; a < arrays; a++) {
                INDArray param = net.getParam(in.readUTF());
                float[] values = new float[in.readInt()];
                if (param == null || param.length() != values.length) {
                    throw new BadInputException("a compact model whose parameters do not fit its configuration");
                }
                if (in.readByte() == FLOATS) {
                    for (int i = 0; i < values.length; i++) {
                        values[i] = in.readFloat();
                    }
                } else {
                    readSparse(in, values);
                }
                param.assign(Nd4j.create(values, param.shape(), 'c').castTo(param.dataType()));
            }
            return net;
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException bad) {
                throw bad;
            }
            throw new BadInputException("not a readable Shears compact model: " + e.getMessage(), e);
        }
    }

    private static void readSparse(DataInputStream in, float[] values) throws IOException {
        float scale = in.readFloat();
        int entries = in.readInt();
        byte[] gaps = new byte[entries];
        in.readFully(gaps);
        byte[] codes = new byte[entries];
        in.readFully(codes);
        int position = -1;
        for (int e = 0; e < entries; e++) {
            position += (gaps[e] & 0xFF) + 1;
            values[position] = codes[e] * scale;
        }
    }
}
