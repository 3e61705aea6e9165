package dev.shears.search;

import dev.shears.architecture.PackageCycles;
import org.junit.jupiter.api.Test;

class PackageLayersTest {

    @Test
    void packagesFormLayersWithoutCycles() {
        PackageCycles.of(SearchStrategy.class).assertNone();
    }
}
