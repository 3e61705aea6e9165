package dev.shears.jobs.output;

import dev.shears.search.Pareto;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Orders the table: the base row first, then candidates that keep accuracy within the tolerance
 * (most compressed first, then most accurate), then the other successful candidates (most accurate
 * first), then failed ones. Marks the accuracy-versus-compression Pareto front. Every decision
 * reads the accuracy of one split, the validation split unless a spec chooses test.
 */
public final class Ranking {

    public static final String BASE = "base";

    private Ranking() {
    }

    /** Returns the rows in rank order with {@code rank}, {@code meets_tolerance} and {@code pareto} set. */
    public static List<Map<String, Object>> rank(List<Map<String, Object>> rows, double maxAccuracyDrop,
                                                 SelectionSplit split) {
        String accuracy = split.accuracy();
        List<Map<String, Object>> base = new ArrayList<>();
        List<Map<String, Object>> within = new ArrayList<>();
        List<Map<String, Object>> outside = new ArrayList<>();
        List<Map<String, Object>> failed = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            boolean ok = "OK".equals(row.get("status"));
            boolean meets = ok && within(row, maxAccuracyDrop, split);
            row.put("meets_tolerance", meets);
            if (BASE.equals(row.get("candidate"))) {
                base.add(row);
            } else if (!ok) {
                failed.add(row);
            } else if (meets) {
                within.add(row);
            } else {
                outside.add(row);
            }
        }
        Comparator<Map<String, Object>> byId = Comparator.comparing(r -> String.valueOf(r.get("candidate")));
        within.sort(Comparator.<Map<String, Object>>comparingDouble(r -> -num(r, "compression"))
                .thenComparingDouble(r -> -num(r, accuracy)).thenComparing(byId));
        outside.sort(Comparator.<Map<String, Object>>comparingDouble(r -> -num(r, accuracy))
                .thenComparingDouble(r -> -num(r, "compression")).thenComparing(byId));
        failed.sort(byId);
        List<Map<String, Object>> ranked = new ArrayList<>(base);
        ranked.addAll(within);
        ranked.addAll(outside);
        ranked.addAll(failed);
        for (int i = 0; i < ranked.size(); i++) {
            ranked.get(i).put("rank", base.isEmpty() ? i + 1 : i);
        }
        markPareto(ranked, accuracy);
        return ranked;
    }

    /** Whether a successful row's accuracy drop on the split is within the tolerance. */
    public static boolean within(Map<String, Object> row, double maxAccuracyDrop, SelectionSplit split) {
        return num(row, split.drop()) <= maxAccuracyDrop + 1e-12;
    }

    private static void markPareto(List<Map<String, Object>> rows, String accuracy) {
        List<Map<String, Object>> ok = rows.stream().filter(r -> "OK".equals(r.get("status"))).toList();
        List<double[]> points = ok.stream().map(r -> new double[] {num(r, accuracy), num(r, "compression")}).toList();
        rows.forEach(r -> r.put("pareto", false));
        for (int i : Pareto.front(points)) {
            ok.get(i).put("pareto", true);
        }
    }

    static double num(Map<String, Object> row, String key) {
        Object v = row.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
