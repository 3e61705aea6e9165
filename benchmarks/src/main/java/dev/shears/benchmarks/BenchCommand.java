package dev.shears.benchmarks;

import dev.shears.jobs.cli.CommandExtension;
import picocli.CommandLine.Command;

/**
 * {@code shears bench}: measurements of Shears on this machine. Added to {@code shears} as a {@link CommandExtension}
 * (META-INF/services) when this module's jar is on the class path.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure Shears on this machine.",
        subcommands = {ThroughputBench.class, StrategiesBench.class, ShrinkBench.class, QualityBench.class,
                NativeBench.class, PeerBench.class})
public final class BenchCommand implements CommandExtension {

    @Override
    public Object command() {
        return this;
    }
}
