package dev.shears.pruning.metrics;

import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import dev.shears.pruning.prune.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Size and cost of a network as it stands.
 *
 * @param paramsTotal     every parameter, zero or not
 * @param paramsNonzero   parameters that are not exactly zero
 * @param weightSparsity  share of zero weights in the given (pruned) layers
 * @param flops           multiply-adds of one forward pass over one example, zero weights skipped
 * @param flopsDense      the same with every weight counted
 * @param sizeDenseBytes  float32 storage of all parameters
 * @param sizeSparseBytes storage with a presence bitmap per tensor plus float32 non-zeros
 * @param layerSparsity   share of zero weights per layer name
 */
public record ModelMetrics(long paramsTotal, long paramsNonzero, double weightSparsity, long flops, long flopsDense,
                           long sizeDenseBytes, long sizeSparseBytes, Map<String, Double> layerSparsity) {

    public static ModelMetrics measure(Network net, List<PrunableLayer> allLayers,
                                       List<PrunableLayer> prunedLayers, int[] exampleShape) {
        long total = 0;
        long nonzero = 0;
        long sparseBytes = 0;
        for (INDArray p : net.paramTable().values()) {
            long n = p.length();
            long nz = countNonzero(p);
            total += n;
            nonzero += nz;
            sparseBytes += nz * 4 + (n + 7) / 8;
        }
        long zeros = 0;
        long weights = 0;
        for (PrunableLayer l : prunedLayers) {
            INDArray w = l.weights(net);
            weights += w.length();
            zeros += w.length() - countNonzero(w);
        }
        Map<String, Double> perLayer = new LinkedHashMap<>();
        long flops = 0;
        long flopsDense = 0;
        long[] positions = outputPositions(net, allLayers, exampleShape);
        for (int i = 0; i < allLayers.size(); i++) {
            PrunableLayer l = allLayers.get(i);
            INDArray w = l.weights(net);
            long nz = countNonzero(w);
            perLayer.put(l.name(), 1.0 - (double) nz / w.length());
            flops += nz * positions[i];
            flopsDense += w.length() * positions[i];
        }
        return new ModelMetrics(total, nonzero, weights == 0 ? 0 : (double) zeros / weights, flops, flopsDense,
                total * 4, sparseBytes, perLayer);
    }

    private static long countNonzero(INDArray a) {
        float[] v = Arrays.floats(a);
        long nz = 0;
        for (float x : v) {
            if (x != 0f) {
                nz++;
            }
        }
        return nz;
    }

    /** How many output positions each layer's weights are applied at (1 for dense, H*W for convolutions). */
    private static long[] outputPositions(Network net, List<PrunableLayer> layers, int[] exampleShape) {
        long[] positions = new long[layers.size()];
        java.util.Arrays.fill(positions, 1);
        if (layers.stream().noneMatch(l -> l.kind() == PrunableLayer.Kind.CONVOLUTION)) {
            return positions;
        }
        int width = 1;
        for (int s : exampleShape) {
            width *= s;
        }
        Map<String, INDArray> acts = net.activations(Nd4j.zeros(1, width));
        for (int i = 0; i < layers.size(); i++) {
            PrunableLayer l = layers.get(i);
            if (l.kind() == PrunableLayer.Kind.CONVOLUTION) {
                long[] shape = acts.get(l.key()).shape();
                positions[i] = shape.length == 4 ? shape[2] * shape[3] : 1;
            }
        }
        return positions;
    }
}
