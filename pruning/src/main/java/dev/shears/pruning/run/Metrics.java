package dev.shears.pruning.run;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The table's figures for one network, measured the same way for the base row and for candidates
 * ({@link Measurement}). Drops are the base accuracy minus this network's, on the same split.
 *
 * @param sparsity      share of zero weights in the pruned layers
 * @param modelSparsity share of zero parameters in the whole network
 * @param compression   base parameters over this network's non-zero parameters
 * @param flops         multiply-adds of one forward pass, counting only non-zero weights
 * @param sizeCompactBytes the {@link dev.shears.pruning.export.CompactModel} file: relative indices, int8 values
 * @param int8          the simulated int8 copy's figures, or null when it was not measured
 * @param layerSparsity share of zero weights per prunable layer
 */
public record Metrics(double sparsity, double modelSparsity, long paramsTotal, long paramsNonzero, double compression,
                      double accuracy, double accuracyDrop, double loss, double valAccuracy, double valAccuracyDrop,
                      long flops, double flopsReduction, long sizeDenseBytes, long sizeSparseBytes, long sizeCompactBytes,
                      Int8 int8,
                      Map<String, Double> layerSparsity) implements Serializable {

    public Metrics {
        layerSparsity = Collections.unmodifiableMap(new LinkedHashMap<>(layerSparsity));
    }

    /**
     * The int8 copy's test accuracy, its drop from the base accuracy and its file size (see
     * {@link dev.shears.pruning.metrics.Int8Quantization#sizeBytes}).
     */
    public record Int8(double accuracy, double accuracyDrop, long sizeBytes) implements Serializable {
    }

    /** The same figures with the sparsity of another view of the network (the masked one, for a shrunk model). */
    public Metrics withSparsity(double newSparsity, Map<String, Double> newLayerSparsity) {
        return new Metrics(newSparsity, modelSparsity, paramsTotal, paramsNonzero, compression, accuracy, accuracyDrop,
                loss, valAccuracy, valAccuracyDrop, flops, flopsReduction, sizeDenseBytes, sizeSparseBytes,
                sizeCompactBytes, int8, newLayerSparsity);
    }
}
