package dev.shears.jobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangesTest {

    private static Map<String, Object> row(String id, String normalizer, double valAccuracy) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("candidate", id);
        r.put("scorer", "magnitude");
        r.put("granularity", "neuron");
        r.put("scope", "global");
        r.put("target_sparsity", 0.8);
        r.put("normalizer", normalizer);
        r.put("status", "OK");
        r.put("val_accuracy", valAccuracy);
        return r;
    }

    /** Candidates that differ only in a method option (here the normaliser) are different methods. */
    @Test
    void candidatesAreMatchedByEveryMethodSettingIncludingPlanOptions() {
        List<Map<String, Object>> before = List.of(row("c0", "mean", 0.80), row("c1", "none", 0.30));
        List<Map<String, Object>> now = List.of(row("c0", "none", 0.31), row("c1", "mean", 0.82));
        List<Map<String, Object>> rows = Changes.rows(before, now);
        assertEquals(2, rows.size());
        for (Map<String, Object> r : rows) {
            double change = ((Number) r.get("val_accuracy_change")).doubleValue();
            assertEquals("mean".equals(r.get("normalizer")) ? 0.02 : 0.01, change, 1e-9, r.toString());
        }
    }
}
