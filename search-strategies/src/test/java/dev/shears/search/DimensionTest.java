package dev.shears.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DimensionTest {

    @Test
    void dimensionsPrintAsASpecWritesThem() {
        assertEquals("ratio: [0.5, 0.9]", new Dimension.Choice("ratio", List.of(0.5, 0.9)).toString());
        assertEquals("learningRate: {min: 1.0E-4, max: 0.01, log: true}",
                new Dimension.Range("learningRate", 1e-4, 1e-2, true).toString());
        assertEquals("ratio: {min: 0.5, max: 0.9}", new Dimension.Range("ratio", 0.5, 0.9, false).toString());
    }

    @Test
    void logRangesSampleWithinTheirBoundsAndInvert() {
        Dimension.Range r = new Dimension.Range("lr", 1e-4, 1e-2, true);
        Random random = new Random(5);
        for (int i = 0; i < 200; i++) {
            double v = (Double) r.sample(random);
            assertEquals(v, r.at(r.fractionOf(v)), 1e-12);
            assertTrue(v >= 1e-4 && v <= 1e-2, "sampled " + v);
        }
        assertEquals(1e-3, r.at(0.5), 1e-12, "the middle of a log range is the geometric mean");
    }

    @Test
    void badDimensionsNameThemselves() {
        assertEquals("dimension 'ratio' needs at least one value",
                assertThrows(IllegalArgumentException.class, () -> new Dimension.Choice("ratio", List.of())).getMessage());
        assertEquals("dimension 'lr': a log range needs min > 0",
                assertThrows(IllegalArgumentException.class, () -> new Dimension.Range("lr", 0, 1, true)).getMessage());
    }
}
