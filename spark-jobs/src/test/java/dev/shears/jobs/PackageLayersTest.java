package dev.shears.jobs;

import dev.shears.architecture.PackageCycles;
import dev.shears.jobs.cli.ShearsMain;
import org.junit.jupiter.api.Test;

class PackageLayersTest {

    @Test
    void packagesFormLayersWithoutCycles() {
        PackageCycles.of(ShearsMain.class).assertNone();
    }
}
