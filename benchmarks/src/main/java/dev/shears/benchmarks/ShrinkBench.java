package dev.shears.benchmarks;

import dev.shears.jobs.spec.SpecLoader;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shears bench shrink}: latency of a dense, a masked and a shrunk MLP or LeNet-5 on Fashion-MNIST. */
@Command(name = "shrink", mixinStandardHelpOptions = true,
        description = "Time a dense MLP (LeNet-5, ResNet-8) against the same network with a share of its hidden units "
                + "(filters) masked, and shrunk.")
public final class ShrinkBench implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--data", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "folder of the Fashion-MNIST IDX files (default: ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--train-rows", defaultValue = "20000", description = "training rows to use (default: ${DEFAULT-VALUE})")
    int trainRows;

    @Option(names = "--seed", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--model", defaultValue = "mlp", description = "mlp or lenet5 (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--ratio", defaultValue = "0.5",
            description = "share of each layer's hidden units (filters) pruned (default: ${DEFAULT-VALUE})")
    double ratio;

    @Option(names = "--round-to", defaultValue = "1",
            description = "keep a multiple of this many units (filters) in each layer (default: ${DEFAULT-VALUE})")
    int roundTo;

    @Override
    public Integer call() {
        if (!List.of("mlp", "lenet5", "resnet8").contains(model)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model must be mlp, lenet5 or resnet8, got "
                    + model);
        }
        if (!(ratio > 0 && ratio < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ratio must be in (0, 1), got " + ratio);
        }
        if (roundTo < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--round-to must be 1 or more, got " + roundTo);
        }
        ShrinkBenchmark.main(new String[] {SpecLoader.toUri(data), String.valueOf(trainRows), String.valueOf(seed), model,
                String.valueOf(ratio), String.valueOf(roundTo)});
        return 0;
    }
}
