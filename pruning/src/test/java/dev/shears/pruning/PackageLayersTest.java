package dev.shears.pruning;

import dev.shears.architecture.PackageCycles;
import org.junit.jupiter.api.Test;

class PackageLayersTest {

    @Test
    void packagesFormLayersWithoutCycles() {
        PackageCycles.of(BadInputException.class).assertNone();
    }
}
