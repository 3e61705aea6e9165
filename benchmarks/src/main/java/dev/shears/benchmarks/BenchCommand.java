package dev.shears.benchmarks;

import dev.shears.jobs.cli.CommandExtension;
import picocli.CommandLine.Command;

/**
 * {@code shears bench}: measurements of Shears on this machine. Added to {@code shears} as a {@link CommandExtension}
 * (META-INF/services) when this module's jar is on the class path.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure Shears on this machine.",
        subcommands = {ThroughputBench.class, StrategiesBench.class, ShrinkBench.class, QualityBench.class,
                NativeBench.class, PeerBench.class, DriverBench.class})
public final class BenchCommand implements CommandExtension {

    /**
     * Exit code: a tool a benchmark needs is not there (PyTorch for {@code bench peer}, an AVX build asked of
     * {@code bench native}); the message says how to get it. The product's own codes stop at 3.
     */
    public static final int UNAVAILABLE = 4;

    @Override
    public Object command() {
        return this;
    }
}
