package dev.shears.jobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankingTest {

    private static Map<String, Object> row(String id, String status, double accuracy, double drop, double compression) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("candidate", id);
        r.put("status", status);
        r.put("accuracy", accuracy);
        r.put("accuracy_drop", drop);
        r.put("compression", compression);
        return r;
    }

    @Test
    void baseFirstThenWithinToleranceByCompressionThenByAccuracyThenFailed() {
        List<Map<String, Object>> rows = new ArrayList<>(List.of(
                row("c1", "OK", 0.80, 0.05, 20),
                row("c2", "OK", 0.84, 0.01, 5),
                row("base", "OK", 0.85, 0.0, 1),
                row("c3", "FAILED", Double.NaN, Double.NaN, Double.NaN),
                row("c4", "OK", 0.845, 0.005, 10),
                row("c5", "OK", 0.82, 0.03, 4),
                row("c6", "OK", 0.846, 0.004, 10)));
        List<Map<String, Object>> ranked = Ranking.rank(rows, 0.02, SelectionSplit.TEST);
        assertEquals(List.of("base", "c6", "c4", "c2", "c5", "c1", "c3"),
                ranked.stream().map(r -> r.get("candidate")).toList());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), ranked.stream().map(r -> r.get("rank")).toList());
        assertEquals(List.of(true, true, true, true, false, false, false),
                ranked.stream().map(r -> r.get("meets_tolerance")).toList());
    }

    @Test
    void paretoMarksNonDominatedSuccessfulRows() {
        List<Map<String, Object>> rows = new ArrayList<>(List.of(
                row("base", "OK", 0.85, 0.0, 1),
                row("a", "OK", 0.84, 0.01, 10),
                row("b", "OK", 0.83, 0.02, 8),
                row("c", "OK", 0.80, 0.05, 20),
                row("d", "FAILED", 0.99, 0.0, 99)));
        Map<String, Boolean> pareto = new LinkedHashMap<>();
        Ranking.rank(rows, 0.02, SelectionSplit.TEST).forEach(r -> pareto.put((String) r.get("candidate"), (Boolean) r.get("pareto")));
        assertEquals(Map.of("base", true, "a", true, "b", false, "c", true, "d", false), pareto);
    }

    /** Test accuracy says c2 is best and within tolerance; validation, which decides, says c1. */
    @Test
    void validationDecidesWhereItDisagreesWithTest() {
        List<Map<String, Object>> rows = new ArrayList<>(List.of(
                split(row("base", "OK", 0.85, 0.0, 1), 0.86, 0.0),
                split(row("c1", "OK", 0.80, 0.05, 20), 0.85, 0.01),
                split(row("c2", "OK", 0.845, 0.005, 10), 0.83, 0.03),
                split(row("c3", "OK", 0.84, 0.01, 4), 0.855, 0.005)));
        List<Map<String, Object>> byValidation = Ranking.rank(new ArrayList<>(rows), 0.02, SelectionSplit.VALIDATION);
        assertEquals(List.of("base", "c1", "c3", "c2"), byValidation.stream().map(r -> r.get("candidate")).toList());
        assertEquals(List.of(true, true, true, false), byValidation.stream().map(r -> r.get("meets_tolerance")).toList());
        // c2 has the best test accuracy at 10x, yet it is dominated on validation by c1 (more compressed, more accurate)
        assertEquals(List.of(true, true, true, false), byValidation.stream().map(r -> r.get("pareto")).toList());

        List<Map<String, Object>> byTest = Ranking.rank(new ArrayList<>(rows), 0.02, SelectionSplit.TEST);
        assertEquals(List.of("base", "c2", "c3", "c1"), byTest.stream().map(r -> r.get("candidate")).toList());
    }

    private static Map<String, Object> split(Map<String, Object> row, double valAccuracy, double valDrop) {
        row.put("val_accuracy", valAccuracy);
        row.put("val_accuracy_drop", valDrop);
        return row;
    }
}
