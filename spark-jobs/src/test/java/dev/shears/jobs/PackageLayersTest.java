package dev.shears.jobs;

import dev.shears.architecture.PackageCycles;
import dev.shears.jobs.cli.ShearsMain;
import org.junit.jupiter.api.Test;

class PackageLayersTest {

    @Test
    void packagesFormLayersWithoutCycles() {
        PackageCycles.of(ShearsMain.class)
                // the bench package is leaving for a module of its own, after which the command line no longer
                // names its commands; this exception goes with it
                .ignoring("dev.shears.jobs.cli", "dev.shears.jobs.bench")
                .assertNone();
    }
}
