package dev.shears.pruning.run;

import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.metrics.Int8Quantization;
import dev.shears.pruning.metrics.ModelMetrics;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.PrunableLayer;
import dev.shears.pruning.train.Evaluator;
import dev.shears.pruning.train.FineTuner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The table's figures for one network, measured the same way for the base row and for candidates. */
public final class Measurement {

    private Measurement() {
    }

    /**
     * @param prunedLayers the layers whose sparsity the {@code sparsity} column reports
     * @param base         the base model's figures, or null when measuring the base itself
     */
    public static Map<String, Object> of(Network net, DataSplits data, List<PrunableLayer> prunedLayers,
                                         BaseReference base) {
        return of(net, data, prunedLayers, base, false, FineTuner.LOCAL);
    }

    /**
     * @param quantize also evaluate the network's simulated int8 copy: {@code accuracy_int8},
     *                 {@code accuracy_drop_int8} (from the base accuracy, like {@code accuracy_drop})
     *                 and {@code size_int8_bytes} (see {@link Int8Quantization#sizeBytes})
     * @param scorer   where the splits are scored (in this JVM, or by Spark for data-parallel runs)
     */
    public static Map<String, Object> of(Network net, DataSplits data, List<PrunableLayer> prunedLayers,
                                         BaseReference base, boolean quantize, FineTuner scorer) {
        Evaluator.Score test = scorer.evaluate(net, data.test());
        Evaluator.Score val = scorer.evaluate(net, data.validation());
        ModelMetrics m = ModelMetrics.measure(net, net.prunable(), prunedLayers, data.train().shape());
        long baseParams = base == null ? m.paramsTotal() : base.paramsTotal();
        long baseFlops = base == null ? m.flopsDense() : base.flops();
        double baseAccuracy = base == null ? test.accuracy() : base.accuracy();
        double baseValidation = base == null ? val.accuracy() : base.validationAccuracy();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("sparsity", m.weightSparsity());
        row.put("model_sparsity", 1.0 - (double) m.paramsNonzero() / m.paramsTotal());
        row.put("params_total", m.paramsTotal());
        row.put("params_nonzero", m.paramsNonzero());
        row.put("compression", (double) baseParams / Math.max(1, m.paramsNonzero()));
        row.put("accuracy", test.accuracy());
        row.put("accuracy_drop", baseAccuracy - test.accuracy());
        row.put("loss", test.loss());
        row.put("val_accuracy", val.accuracy());
        row.put("val_accuracy_drop", baseValidation - val.accuracy());
        row.put("flops", m.flops());
        row.put("flops_reduction", (double) baseFlops / Math.max(1, m.flops()));
        row.put("size_dense_bytes", m.sizeDenseBytes());
        row.put("size_sparse_bytes", m.sizeSparseBytes());
        if (quantize) {
            double int8 = scorer.evaluate(Int8Quantization.quantizedCopy(net), data.test()).accuracy();
            row.put("accuracy_int8", int8);
            row.put("accuracy_drop_int8", baseAccuracy - int8);
            row.put("size_int8_bytes", Int8Quantization.sizeBytes(net));
        }
        row.put("layer_sparsity", m.layerSparsity());
        return row;
    }
}
