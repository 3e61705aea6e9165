package dev.shears.search;

/**
 * Spreads a global sparsity over layers, removing weights first where a sensitivity scan says they cost
 * the least accuracy. Greedy in small ratio steps: each step goes to the layer whose next step loses the
 * least accuracy per weight removed, preferring steps that keep the layer's drop within the tolerance.
 * Per-layer drops are treated as additive, the usual first-order assumption of sensitivity analysis.
 */
final class RatioAllocator {

    /** No layer is pruned entirely: a layer with no weights left cuts the network. */
    static final double MAX_RATIO = 0.98;
    private static final double STEP = 0.01;
    /** Ratios are reported to four decimals: finer than any layer's weight granularity that matters. */
    private static final double ROUNDING = 1e4;

    private RatioAllocator() {
    }

    /**
     * @param sizes     weights per layer
     * @param curves    each layer's accuracy drop by ratio
     * @param target    fraction of all these weights to remove, at most {@link #MAX_RATIO}
     * @param tolerance accuracy drop a layer may take before its steps are the last resort
     * @return each layer's ratio, the size-weighted mean being the target
     */
    static double[] allocate(double[] sizes, DropCurve[] curves, double target, double tolerance) {
        double total = 0;
        for (double s : sizes) {
            total += s;
        }
        double[] ratios = new double[sizes.length];
        double toRemove = target * total;
        while (toRemove > 1e-9 * total) {
            int best = -1;
            boolean bestExceeds = true;
            double bestCost = Double.POSITIVE_INFINITY;
            double bestStep = 0;
            for (int l = 0; l < sizes.length; l++) {
                double step = Math.min(Math.min(STEP, MAX_RATIO - ratios[l]), toRemove / sizes[l]);
                if (step <= 0) {
                    continue;
                }
                double after = curves[l].at(ratios[l] + step);
                boolean exceeds = after > tolerance;
                double cost = (after - curves[l].at(ratios[l])) / (step * sizes[l]);
                if (best < 0 || (bestExceeds && !exceeds) || (exceeds == bestExceeds && cost < bestCost)) {
                    best = l;
                    bestExceeds = exceeds;
                    bestCost = cost;
                    bestStep = step;
                }
            }
            if (best < 0) {
                break; // every layer at MAX_RATIO: only rounding error can be left to remove
            }
            ratios[best] += bestStep;
            toRemove -= bestStep * sizes[best];
        }
        for (int l = 0; l < ratios.length; l++) {
            ratios[l] = Math.round(ratios[l] * ROUNDING) / ROUNDING;
        }
        return ratios;
    }
}
