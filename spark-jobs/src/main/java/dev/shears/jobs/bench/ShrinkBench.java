package dev.shears.jobs.bench;

import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.bench.ShrinkBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code shears bench shrink}: latency of a dense, a neuron-masked and a shrunk MLP on Fashion-MNIST. */
@Command(name = "shrink", mixinStandardHelpOptions = true,
        description = "Time a dense MLP against the same network with 50%% of its hidden units masked, and shrunk.")
public final class ShrinkBench implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "folder of the Fashion-MNIST IDX files (default: ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--train-rows", defaultValue = "20000", description = "training rows to use (default: ${DEFAULT-VALUE})")
    int trainRows;

    @Option(names = "--seed", defaultValue = "1", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() {
        ShrinkBenchmark.main(new String[] {SpecLoader.toUri(data), String.valueOf(trainRows), String.valueOf(seed)});
        return 0;
    }
}
