package dev.shears.pruning.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ToleranceTest {

    @Test
    void atTheDefaultTheMeasuredDropIsCompared() {
        Tolerance point = Tolerance.of(0.01);
        assertEquals(0, point.z());
        assertTrue(point.admits(0.01, 0.5), "on the bound, whatever the error");
        assertTrue(point.admits(0.009, Double.NaN), "no error needed");
        assertFalse(point.admits(0.0101, 0));
    }

    @Test
    void withAConfidenceTheDropPlusItsStandardErrorsIsCompared() {
        Tolerance ninety = new Tolerance(0.01, 0.9);
        assertEquals(1.2816, ninety.z(), 1e-4);
        // 0.6 point, measured to 0.3 point: 0.6 + 1.28 * 0.3 = 0.98 point at 90%, 0.6 + 1.64 * 0.3 = 1.09 at 95%
        assertTrue(ninety.admits(0.006, 0.003));
        assertFalse(new Tolerance(0.01, 0.95).admits(0.006, 0.003));
        assertEquals(0.006 + 1.2816 * 0.003, ninety.bound(0.006, 0.003), 1e-6);
        assertFalse(ninety.admits(0.0, Double.NaN), "an unknown error is not allowed for");
    }

    @Test
    void theRuleSaysWhichConfidenceItAsks() {
        assertEquals("validation accuracy is at most 0.02 below the base model's",
                Tolerance.of(0.02).describe("validation"));
        assertEquals("validation accuracy is at most 0.02 below the base model's with 0.900 one-sided confidence "
                + "(the drop plus 1.28 standard errors of its paired estimate)",
                new Tolerance(0.02, 0.9).describe("validation"));
    }
}
