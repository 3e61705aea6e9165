package dev.shears.search;

/**
 * A layer's accuracy drop as a function of its pruning ratio, from a scan: piecewise linear through (0, 0)
 * and the scanned points, and continued past the last scanned ratio with the last segment's slope.
 * The curve is made non-decreasing, because pruning more is never assumed to help: a noisy scan point
 * must not lure the allocation into a layer.
 */
final class DropCurve {

    private final double[] ratios;
    private final double[] drops;

    /**
     * @param scannedRatios ascending, each in (0, 1)
     * @param scannedDrops  the drop measured at each
     */
    DropCurve(double[] scannedRatios, double[] scannedDrops) {
        int n = scannedRatios.length + 1;
        ratios = new double[n];
        drops = new double[n];
        for (int i = 1; i < n; i++) {
            ratios[i] = scannedRatios[i - 1];
            drops[i] = Math.max(drops[i - 1], scannedDrops[i - 1]);
        }
    }

    double at(double ratio) {
        int last = ratios.length - 1;
        int segment = 0;
        while (segment < last - 1 && ratio >= ratios[segment + 1]) {
            segment++;
        }
        double slope = (drops[segment + 1] - drops[segment]) / (ratios[segment + 1] - ratios[segment]);
        return drops[segment] + slope * (ratio - ratios[segment]);
    }
}
