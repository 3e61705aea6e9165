package dev.shears.jobs.bench;

import picocli.CommandLine.Command;

/** {@code shears bench}: measurements of Shears on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure Shears on this machine.",
        subcommands = {ThroughputBench.class, StrategiesBench.class, ShrinkBench.class, QualityBench.class,
                NativeBench.class, PeerBench.class})
public final class BenchCommand {
}
