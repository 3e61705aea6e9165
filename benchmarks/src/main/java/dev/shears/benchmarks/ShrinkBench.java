package dev.shears.benchmarks;

import dev.shears.jobs.spec.SpecLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shears bench shrink}: latency of a dense, a masked and a shrunk MLP or LeNet-5 on Fashion-MNIST. */
@Command(name = "shrink", mixinStandardHelpOptions = true,
        description = "Time a dense MLP (LeNet-5) against the same network with 50%% of its hidden units (filters) masked, "
                + "and shrunk.")
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

    @Override
    public Integer call() {
        if (!model.equals("mlp") && !model.equals("lenet5")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model must be mlp or lenet5, got " + model);
        }
        ShrinkBenchmark.main(new String[] {SpecLoader.toUri(data), String.valueOf(trainRows), String.valueOf(seed), model});
        return 0;
    }
}
