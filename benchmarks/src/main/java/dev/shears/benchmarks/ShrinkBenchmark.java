package dev.shears.benchmarks;

import dev.shears.pruning.data.DataLoader;
import dev.shears.pruning.data.DataLocation;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.metrics.LatencyComparison;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.pruning.model.CnnFactory;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.ModelBytes;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.ResNetFactory;
import dev.shears.pruning.plan.PlanOptions;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.BaseReference;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.CandidateRunner;
import dev.shears.pruning.run.Measurement;
import dev.shears.pruning.run.Metrics;
import dev.shears.pruning.train.FineTuner;
import dev.shears.pruning.train.Threads;
import dev.shears.pruning.train.Trainer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * What physically removing pruned neurons or filters buys on Fashion-MNIST. An MLP 784-300-100-10
 * (LeNet-5, ResNet-8) is trained for 3 epochs; a share of the units of each hidden layer (of the filters of each
 * convolution or residual filter group, by L2 norm) is pruned, fine-tuned for one epoch, and kept either masked at
 * full size or shrunk. Prints test accuracy, parameters, multiply-adds and median forward latency (batch 1 and 64)
 * of the dense, masked and shrunk networks. Each is timed beside the dense network ({@link LatencyComparison}), so that load
 * from other processes hits both alike; the masked and shrunk speed-ups come from those measurements.
 *
 * <p>Arguments, all optional: the IDX data directory (default
 * {@code /usr/share/datasets/fashion-mnist}), training rows read (20000, a tenth held out for
 * validation), seed (1), model ({@code mlp}, {@code lenet5} or {@code resnet8}), the share of units pruned (0.5)
 * and the multiple of units kept per layer ({@code roundTo}, 1). Run with {@code OMP_NUM_THREADS=1}; ND4J is limited
 * to one thread too.
 */
public final class ShrinkBenchmark {

    private static final int ROUNDS = 7;

    private ShrinkBenchmark() {
    }

    public static void main(String[] args) {
        String dir = args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist";
        int trainRows = args.length > 1 ? Integer.parseInt(args[1]) : 20000;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        String model = args.length > 3 ? args[3] : "mlp";
        double ratio = args.length > 4 ? Double.parseDouble(args[4]) : 0.5;
        int roundTo = args.length > 5 ? Integer.parseInt(args[5]) : 1;
        boolean convolutional = !model.equals("mlp");
        Threads.limit(1);
        DataSplits data = DataLoader.load(DataLocation.idx(dir, trainRows, 0, 0.1, seed));
        System.out.printf("data: %d train, %d validation, %d test rows; seed %d%n", data.train().size(),
                data.validation().size(), data.test().size(), seed);

        Network dense = switch (model) {
            case "lenet5" -> Network.of(CnnFactory.lenet5(28, 28, 1, 10, 1e-3, seed));
            case "resnet8" -> {
                ComputationGraph graph = new ComputationGraph(ResNetFactory.resnet8Conf(28, 28, 1, 10, 1e-3, seed));
                graph.init();
                yield Network.of(graph);
            }
            default -> Network.of(MlpFactory.build(784, List.of(300, 100), 10, 1e-3, seed));
        };
        Trainer.fit(dense, data.train(), 3, 128, 1e-3, seed, null);
        Measurement.Base measured = Measurement.base(dense, data, false, FineTuner.LOCAL);
        Metrics denseRow = measured.metrics();
        BaseReference base = measured.reference();

        Map<String, Object> options = Map.of(PlanOptions.ROUND_TO, roundTo);
        PruningPlan plan = convolutional
                ? new PruningPlan("l2", "filter", "layerwise", "all", ratio, Map.of(), "oneshot", 3, 1, 1e-3, 128, 4,
                Tolerance.of(0.02), seed, options)
                : new PruningPlan("magnitude", "neuron", "layerwise", "hidden", ratio, Map.of(), "oneshot", 3, 1, 1e-3,
                128, 4, Tolerance.of(0.02), seed, options);
        byte[] denseBytes = ModelBytes.of(dense);
        CandidateOutcome shrunk = CandidateRunner.run(denseBytes, false, data, plan, base, true);
        CandidateOutcome masked = CandidateRunner.run(denseBytes, false, data,
                plan.withOptions(Map.of(PlanOptions.ROUND_TO, roundTo, PlanOptions.SHRINK, false)), base, true);
        for (CandidateOutcome o : List.of(shrunk, masked)) {
            if (!o.ok()) {
                throw new IllegalStateException("candidate " + o.status() + ": " + o.error());
            }
        }
        Network maskedNet = ModelBytes.restore(masked.model());
        Network shrunkNet = ModelBytes.restore(shrunk.model());
        LatencyComparison.Compared maskedTiming = LatencyComparison.compare(dense, maskedNet, 784, ROUNDS);
        LatencyComparison.Compared shrunkTiming = LatencyComparison.compare(dense, shrunkNet, 784, ROUNDS);
        System.out.printf("%-8s %9s %9s %11s %11s %10s %10s %11s%n", "network", "accuracy", "params", "nonzero", "flops",
                "b1_ms", "b64_ms", "speedup_b64");
        List<String> names = List.of("dense", "masked", "shrunk");
        List<Metrics> rows = List.of(denseRow, masked.metrics(), shrunk.metrics());
        List<LatencyComparison.Timing> timings = List.of(maskedTiming.reference(), maskedTiming.model(),
                shrunkTiming.model());
        double[] speedups = {1.0, maskedTiming.speedupB64(), shrunkTiming.speedupB64()};
        for (int n = 0; n < names.size(); n++) {
            Metrics row = rows.get(n);
            System.out.printf("%-8s %9.4f %9d %11d %11d %10.4f %10.4f %11.2f%n", names.get(n), row.accuracy(),
                    row.paramsTotal(), row.paramsNonzero(), row.flops(),
                    timings.get(n).b1Ms(), timings.get(n).b64Ms(), speedups[n]);
        }
        System.out.printf("shrunk weight shapes: %s; prune + 1 epoch fine-tune %.1f s%n",
                shrunkNet.paramTable().entrySet().stream().filter(e -> e.getKey().endsWith("_W"))
                        .map(e -> Arrays.toString(e.getValue().shape())).collect(Collectors.joining(", ")),
                shrunk.run().finetuneSeconds());
    }
}
