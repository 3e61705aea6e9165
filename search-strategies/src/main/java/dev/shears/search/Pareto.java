package dev.shears.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** Non-dominated sorting and crowding distance, every objective maximised. */
public final class Pareto {

    private Pareto() {
    }

    /** True when a is at least as good as b everywhere and strictly better somewhere. */
    public static boolean dominates(double[] a, double[] b) {
        boolean better = false;
        for (int i = 0; i < a.length; i++) {
            if (a[i] < b[i]) {
                return false;
            }
            if (a[i] > b[i]) {
                better = true;
            }
        }
        return better;
    }

    /** Indices of the points no other point dominates. */
    public static List<Integer> front(List<double[]> points) {
        List<List<Integer>> all = fronts(points);
        return all.isEmpty() ? List.of() : all.get(0);
    }

    /** Points grouped into successive non-dominated fronts (front 0 is the Pareto front). */
    public static List<List<Integer>> fronts(List<double[]> points) {
        int n = points.size();
        List<List<Integer>> dominated = new ArrayList<>();
        int[] dominatedBy = new int[n];
        List<List<Integer>> fronts = new ArrayList<>();
        List<Integer> current = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            dominated.add(new ArrayList<>());
            for (int q = 0; q < n; q++) {
                if (p == q) {
                    continue;
                }
                if (dominates(points.get(p), points.get(q))) {
                    dominated.get(p).add(q);
                } else if (dominates(points.get(q), points.get(p))) {
                    dominatedBy[p]++;
                }
            }
            if (dominatedBy[p] == 0) {
                current.add(p);
            }
        }
        while (!current.isEmpty()) {
            fronts.add(current);
            List<Integer> nextFront = new ArrayList<>();
            for (int p : current) {
                for (int q : dominated.get(p)) {
                    if (--dominatedBy[q] == 0) {
                        nextFront.add(q);
                    }
                }
            }
            current = nextFront;
        }
        return fronts;
    }

    /** Crowding distance of each member of one front (boundary points get +infinity). */
    public static double[] crowding(List<double[]> points, List<Integer> front) {
        int m = front.size();
        double[] distance = new double[m];
        if (m == 0) {
            return distance;
        }
        int objectives = points.get(front.get(0)).length;
        Integer[] order = new Integer[m];
        for (int k = 0; k < objectives; k++) {
            final int obj = k;
            for (int i = 0; i < m; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble(i -> points.get(front.get(i))[obj]));
            double lo = points.get(front.get(order[0]))[obj];
            double hi = points.get(front.get(order[m - 1]))[obj];
            distance[order[0]] = Double.POSITIVE_INFINITY;
            distance[order[m - 1]] = Double.POSITIVE_INFINITY;
            if (hi - lo <= 0) {
                continue;
            }
            for (int i = 1; i < m - 1; i++) {
                double gap = points.get(front.get(order[i + 1]))[obj] - points.get(front.get(order[i - 1]))[obj];
                distance[order[i]] += gap / (hi - lo);
            }
        }
        return distance;
    }
}
