package dev.shears.pruning.run;

import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.export.CompactModel;
import dev.shears.pruning.metrics.Int8Quantization;
import dev.shears.pruning.metrics.LatencyComparison;
import dev.shears.pruning.metrics.ModelMetrics;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import dev.shears.pruning.train.Evaluator;
import dev.shears.pruning.train.FineTuner;
import java.util.List;
import java.util.function.Supplier;

/** Measures a network's {@link Metrics}, the same way for the base row and for candidates. */
public final class Measurement {

    /**
     * A trial's latency measurement: at least 3 alternating rounds, more while under 0.2 s. Trials run side by
     * side, so the rounds are what cancels their load; the budget keeps the cost small beside fine-tuning.
     */
    public static final LatencyComparison.Rounds TRIAL_ROUNDS = new LatencyComparison.Rounds(3, 15, 0.2);

    private Measurement() {
    }

    /**
     * @param prunedLayers the layers whose sparsity the {@code sparsity} column reports
     * @param base         the base model's figures, or null when measuring the base itself
     */
    public static Metrics of(Network net, DataSplits data, List<PrunableLayer> prunedLayers,
                             BaseReference base) {
        return of(net, data, prunedLayers, base, false, FineTuner.LOCAL);
    }

    /**
     * @param quantize also evaluate the network's simulated int8 copy ({@link Metrics#int8})
     * @param scorer   where the splits are scored (in this JVM, or by Spark for data-parallel runs)
     */
    public static Metrics of(Network net, DataSplits data, List<PrunableLayer> prunedLayers,
                             BaseReference base, boolean quantize, FineTuner scorer) {
        Evaluator.Score test = scorer.evaluate(net, data.test());
        Evaluator.Score val = scorer.evaluate(net, data.validation());
        ModelMetrics m = ModelMetrics.measure(net, net.prunable(), prunedLayers, data.train().shape());
        long baseParams = base == null ? m.paramsTotal() : base.paramsTotal();
        long baseFlops = base == null ? m.flopsDense() : base.flops();
        double baseAccuracy = base == null ? test.accuracy() : base.accuracy();
        double baseValidation = base == null ? val.accuracy() : base.validationAccuracy();
        Metrics.Int8 int8 = null;
        if (quantize) {
            double accuracy = scorer.evaluate(Int8Quantization.quantizedCopy(net), data.test()).accuracy();
            int8 = new Metrics.Int8(accuracy, baseAccuracy - accuracy, Int8Quantization.sizeBytes(net));
        }
        return new Metrics(m.weightSparsity(), 1.0 - (double) m.paramsNonzero() / m.paramsTotal(), m.paramsTotal(),
                m.paramsNonzero(), (double) baseParams / Math.max(1, m.paramsNonzero()), test.accuracy(),
                baseAccuracy - test.accuracy(), test.loss(), val.accuracy(), baseValidation - val.accuracy(), m.flops(),
                (double) baseFlops / Math.max(1, m.flops()), m.sizeDenseBytes(), m.sizeSparseBytes(),
                CompactModel.write(net).length, int8, null,
                m.layerSparsity());
    }

    /**
     * The base model timed alone, with nothing else running: the scale every candidate's latency is given on
     * ({@link Metrics.Latency}).
     *
     * @param width features of one example
     */
    public static Metrics.Latency baseLatency(Network base, int width) {
        long start = System.nanoTime();
        LatencyComparison.Timing timing = LatencyComparison.time(base, width, LatencyComparison.DEFAULT_ROUNDS);
        return Metrics.Latency.reference(timing, (System.nanoTime() - start) / 1e9);
    }

    /**
     * A candidate's latency on the base's scale, or null when the base was not timed: a network with the base's
     * parameter count (masked-only: weights, N:M blocks, or not shrunk) does the base's work and shares its
     * figures; a physically smaller one is timed beside the dense base, in alternating {@link #TRIAL_ROUNDS}.
     *
     * @param dense the dense base model, restored only when the candidate is timed
     */
    public static Metrics.Latency latency(Network candidate, Supplier<Network> dense, BaseReference base, int width) {
        if (base.latency() == null) {
            return null;
        }
        if (candidate.numParams() >= base.paramsTotal()) {
            return Metrics.Latency.asBase(base.latency());
        }
        long start = System.nanoTime();
        LatencyComparison.Compared timed = LatencyComparison.compare(dense.get(), candidate, width, TRIAL_ROUNDS);
        return Metrics.Latency.paired(base.latency(), timed, (System.nanoTime() - start) / 1e9);
    }
}
