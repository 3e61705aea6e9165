package dev.shears.jobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.jobs.result.Column;
import dev.shears.jobs.result.Columns;
import dev.shears.jobs.result.PastRow;
import dev.shears.jobs.spec.SpecLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChangesTest {

    private static final Column NORMALIZER = Columns.OPTIONS.stream().filter(c -> c.name().equals("normalizer"))
            .findFirst().orElseThrow();

    private static PastRow row(String id, String normalizer, double valAccuracy, double compression, boolean meets) {
        ObjectNode r = SpecLoader.JSON.createObjectNode();
        r.put("candidate", id);
        r.put("scorer", "magnitude");
        r.put("granularity", "neuron");
        r.put("scope", "global");
        r.put("target_sparsity", 0.8);
        r.put("normalizer", normalizer);
        r.put("status", "OK");
        r.put("val_accuracy", valAccuracy);
        r.put("compression", compression);
        r.put("meets_tolerance", meets);
        return new PastRow(r);
    }

    /** Candidates that differ only in a method option (here the normaliser) are different methods. */
    @Test
    void candidatesAreMatchedByEveryMethodSettingIncludingPlanOptions() {
        List<PastRow> before = List.of(row("c0", "mean", 0.80, 5, true), row("c1", "none", 0.30, 5, false));
        List<PastRow> now = List.of(row("c0", "none", 0.31, 5, false), row("c1", "mean", 0.82, 5, true));
        List<Changes.Change> changes = Changes.rows(before, now);
        assertEquals(2, changes.size());
        for (Changes.Change c : changes) {
            assertEquals("mean".equals(c.now().text(NORMALIZER)) ? 0.02 : 0.01,
                    c.change(Columns.VAL_ACCURACY), 1e-9);
        }
        String csv = Changes.csv(changes);
        assertTrue(csv.startsWith("candidate,scorer,granularity,scope,layers,schedule,target_sparsity,epochs,"), csv);
        assertTrue(csv.contains("val_accuracy_change"), csv);
    }

    /** The fall at the earlier best's compression: what --fail-if-worse compares with its limit. */
    @Test
    void fallIsMeasuredAtTheEarlierBestCompression() {
        List<PastRow> before = List.of(row("c0", "mean", 0.80, 10, true), row("c1", "mean", 0.85, 4, true));
        List<PastRow> now = List.of(row("c0", "mean", 0.75, 10, true), row("c1", "mean", 0.86, 4, true));
        assertEquals(0.05, Changes.fall(before, now).orElseThrow(), 1e-9, "c0 at 10x is the earlier best");
        assertTrue(Changes.fall(List.of(row("c0", "mean", 0.8, 10, false)), now).isEmpty(), "no earlier best");
    }
}
