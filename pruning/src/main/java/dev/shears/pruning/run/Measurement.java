package dev.shears.pruning.run;

import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.export.CompactModel;
import dev.shears.pruning.metrics.Int8Quantization;
import dev.shears.pruning.metrics.LatencyComparison;
import dev.shears.pruning.metrics.ModelMetrics;
import dev.shears.pruning.metrics.PairedDrop;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import dev.shears.pruning.train.Evaluator;
import dev.shears.pruning.train.FineTuner;
import java.util.BitSet;
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
        return measure(net, data, prunedLayers, base, quantize, scorer).metrics();
    }

    /**
     * The base model's own figures (its drops are 0), with the rows it predicts right: what every candidate is
     * compared with.
     */
    public static Base base(Network net, DataSplits data, boolean quantize, FineTuner scorer) {
        return measure(net, data, net.prunable(), null, quantize, scorer);
    }

    /**
     * A base model's figures and the rows it predicts right on each split.
     *
     * @param correct           on the test split
     * @param validationCorrect on the validation split
     */
    public record Base(Metrics metrics, BitSet correct, BitSet validationCorrect) {

        /** The same with the base's latency, timed alone. */
        public Base withLatency(Metrics.Latency latency) {
            return new Base(metrics.withLatency(latency), correct, validationCorrect);
        }

        /** What candidates are compared with. */
        public BaseReference reference() {
            Metrics.Latency l = metrics.latency();
            return new BaseReference(metrics.paramsTotal(), metrics.accuracy(), metrics.valAccuracy(), metrics.flops(),
                    l == null ? null : new LatencyComparison.Timing(l.b1Ms(), l.b64Ms()), correct, validationCorrect);
        }
    }

    private static Base measure(Network net, DataSplits data, List<PrunableLayer> prunedLayers, BaseReference base,
                                boolean quantize, FineTuner scorer) {
        Evaluator.Score test = scorer.evaluate(net, data.test());
        Evaluator.Score val = scorer.evaluate(net, data.validation());
        ModelMetrics m = ModelMetrics.measure(net, net.prunable(), prunedLayers, data.train().shape());
        long baseParams = base == null ? m.paramsTotal() : base.paramsTotal();
        long baseFlops = base == null ? m.flopsDense() : base.flops();
        double baseAccuracy = base == null ? test.accuracy() : base.accuracy();
        double baseValidation = base == null ? val.accuracy() : base.validationAccuracy();
        BitSet baseTest = base == null ? test.correct() : base.correct();
        BitSet baseVal = base == null ? val.correct() : base.validationCorrect();
        Metrics.Int8 int8 = null;
        if (quantize) {
            double accuracy = scorer.evaluate(Int8Quantization.quantizedCopy(net), data.test()).accuracy();
            int8 = new Metrics.Int8(accuracy, baseAccuracy - accuracy, Int8Quantization.sizeBytes(net));
        }
        Metrics metrics = new Metrics(m.weightSparsity(), 1.0 - (double) m.paramsNonzero() / m.paramsTotal(),
                m.paramsTotal(), m.paramsNonzero(), (double) baseParams / Math.max(1, m.paramsNonzero()),
                test.accuracy(), baseAccuracy - test.accuracy(),
                PairedDrop.stdError(baseTest, test.correct(), data.test().size()), test.loss(), val.accuracy(),
                baseValidation - val.accuracy(), PairedDrop.stdError(baseVal, val.correct(), data.validation().size()),
                m.flops(), (double) baseFlops / Math.max(1, m.flops()), m.sizeDenseBytes(), m.sizeSparseBytes(),
                CompactModel.write(net).length, int8, null, m.layerSparsity());
        return new Base(metrics, test.correct(), val.correct());
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
