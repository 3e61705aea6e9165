package dev.shears.jobs.cli;

import dev.shears.jobs.driver.Versions;
import picocli.CommandLine;

/** {@code shears --version}. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"shears " + Versions.shears() + " (deeplearning4j " + Versions.dl4j() + ")"};
    }
}
