package dev.shears.jobs.cli;

import dev.shears.jobs.driver.TrialCache;
import picocli.CommandLine.Option;

/** Where earlier runs' results are looked up and this run's stored. */
public final class CacheOptions {

    @Option(names = "--cache", paramLabel = "URI", description = "the trial cache, shared by runs in any output "
            + "(local path or Hadoop URI; default: $" + TrialCache.ENV + ", else ~/.shears/cache, for nightly ROOT/cache; "
            + "'none' turns it off)")
    String cache;

    @Option(names = "--no-cache", description = "run every trial: neither use nor fill the trial cache")
    boolean noCache;
}
