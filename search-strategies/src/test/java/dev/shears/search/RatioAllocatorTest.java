package dev.shears.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RatioAllocatorTest {

    private static final double[] EQUAL = {1000, 1000};
    private static final double TOLERANCE = 0.0223;

    /** Costly at first, then flat, and within the tolerance throughout. */
    private static final DropCurve STEADY = new DropCurve(new double[] {0.3, 0.9}, new double[] {0.018, 0.019});
    /** Cheap throughout, but past the tolerance beyond a ratio of 0.646. */
    private static final DropCurve SLIPPERY = new DropCurve(new double[] {0.5, 0.9}, new double[] {0.015, 0.035});

    @Test
    void aCurveInterpolatesNeverFallsAndKeepsItsLastSlope() {
        DropCurve curve = new DropCurve(new double[] {0.3, 0.5, 0.9}, new double[] {0.01, -0.02, 0.05});
        assertEquals(0.005, curve.at(0.15), 1e-12);
        // the dip at 0.5 is noise: the curve stays at 0.01, then climbs to 0.05
        assertEquals(0.01, curve.at(0.5), 1e-12);
        assertEquals(0.03, curve.at(0.7), 1e-12);
        assertEquals(0.06, curve.at(1.0), 1e-12);
    }

    @Test
    void pruningGoesWhereItCostsLeastAccuracy() {
        DropCurve fragile = new DropCurve(new double[] {0.5, 0.9}, new double[] {0.05, 0.09});
        DropCurve robust = new DropCurve(new double[] {0.5, 0.9}, new double[] {0.005, 0.009});
        double[] ratios = RatioAllocator.allocate(EQUAL, new DropCurve[] {fragile, robust}, 0.5, 1.0);
        assertArrayEquals(new double[] {0.02, 0.98}, ratios, 1e-9);
    }

    @Test
    void withoutABindingToleranceTheCheapLayerGoesPastIt() {
        double[] ratios = RatioAllocator.allocate(EQUAL, new DropCurve[] {STEADY, SLIPPERY}, 0.7, 1.0);
        assertArrayEquals(new double[] {0.42, 0.98}, ratios, 1e-9);
    }

    @Test
    void stepsWithinTheToleranceComeFirst() {
        double[] ratios = RatioAllocator.allocate(EQUAL, new DropCurve[] {STEADY, SLIPPERY}, 0.7, TOLERANCE);
        assertArrayEquals(new double[] {0.76, 0.64}, ratios, 1e-9);
    }

    @Test
    void theWeightedMeanIsTheTarget() {
        double[] sizes = {300, 7000, 1200, 50};
        DropCurve[] curves = {STEADY, SLIPPERY, STEADY, SLIPPERY};
        double[] ratios = RatioAllocator.allocate(sizes, curves, 0.83, TOLERANCE);
        double removed = 0;
        for (int l = 0; l < sizes.length; l++) {
            removed += sizes[l] * ratios[l];
        }
        assertEquals(0.83, removed / 8550, 1e-4);
    }
}
