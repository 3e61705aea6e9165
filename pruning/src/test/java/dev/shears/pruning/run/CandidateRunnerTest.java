package dev.shears.pruning.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.model.CnnFactory;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.ModelBytes;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.ResNetFactory;
import dev.shears.pruning.train.Trainer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CandidateRunnerTest {

    private static final DataSplits DATA = Fixtures.splits(320, new int[] {16}, 3);
    private static final List<String> COLUMNS = List.of("sparsity", "params_total", "params_nonzero", "compression",
            "accuracy", "accuracy_drop", "val_accuracy", "val_accuracy_drop", "flops", "flops_reduction", "size_dense_bytes", "size_sparse_bytes",
            "shrunk", "final_ratio", "finetune_seconds");
    private static byte[] baseBytes;
    private static BaseReference base;

    @BeforeAll
    static void trainBase() {
        Network net = Network.of(MlpFactory.build(16, List.of(24, 12), 3, 1e-3, 1));
        Trainer.fit(net, DATA.train(), 4, 32, 1e-2, 1, null);
        baseBytes = ModelBytes.of(net);
        base = reference(net, DATA);
    }

    private static BaseReference reference(Network net, DataSplits data) {
        return BaseReference.of(Measurement.of(net, data, net.prunable(), null));
    }

    private static CandidateOutcome run(String scorer, String granularity, double ratio, Map<String, Object> options) {
        return CandidateRunner.run(baseBytes, false, DATA,
                Fixtures.plan(scorer, granularity, "hidden", ratio, "oneshot", 1, options), base, true);
    }

    @Test
    void neuronCandidateIsShrunkAndMeasuredAsTheSmallerNetwork() {
        CandidateOutcome o = run("l2", "neuron", 0.5, Map.of());
        assertEquals("OK", o.status(), o.error());
        for (String column : COLUMNS) {
            assertTrue(o.metrics().containsKey(column), column);
        }
        assertEquals(true, o.metrics().get("shrunk"));
        Network small = ModelBytes.restore(o.model());
        assertArrayEquals(new long[] {16, 12}, small.getParam("0_W").shape());
        assertArrayEquals(new long[] {12, 6}, small.getParam("1_W").shape());
        assertEquals(small.numParams(), ((Number) o.metrics().get("params_total")).longValue());
        assertTrue(o.metric("params_total") < base.paramsTotal());
        assertTrue(o.metric("flops_reduction") > 1.9, "about half the multiply-adds: " + o.metric("flops_reduction"));
        // what pruning removed, not the shrunk model's zeros: dense0 loses 12 of 24 columns (192 of 384
        // weights); dense1 loses 6 of 12 columns and the 12 rows of the removed inputs (144 + 72 of 288)
        assertEquals((192 + 216) / 672.0, o.metric("sparsity"), 1e-9);
        assertEquals(0.5, o.layerSparsity().get("dense0"), 1e-9);
        assertEquals(216 / 288.0, o.layerSparsity().get("dense1"), 1e-9);
        assertTrue(o.metric("accuracy") > 0.6, "accuracy " + o.metric("accuracy"));
        // each split's drop is measured against the base model's accuracy on that same split
        assertEquals(base.validationAccuracy() - o.metric("val_accuracy"), o.metric("val_accuracy_drop"), 1e-12);
        assertEquals(base.accuracy() - o.metric("accuracy"), o.metric("accuracy_drop"), 1e-12);
    }

    @Test
    void unstructuredCandidateIsNotShrunkAndShrinkCanBeTurnedOff() {
        CandidateOutcome weight = run("magnitude", "weight", 0.8, Map.of());
        assertEquals("OK", weight.status(), weight.error());
        assertEquals(false, weight.metrics().get("shrunk"));
        assertEquals(base.paramsTotal(), weight.metric("params_total"));
        assertEquals(0.8, weight.metric("sparsity"), 0.01);
        CandidateOutcome kept = run("magnitude", "neuron", 0.5, Map.of("shrink", "false"));
        assertEquals(false, kept.metrics().get("shrunk"));
        assertEquals(base.paramsTotal(), kept.metric("params_total"));
    }

    @Test
    void quantizedAccuracyIsCloseToFloat() {
        CandidateOutcome o = run("magnitude", "weight", 0.5, Map.of("quantize", true));
        assertEquals("OK", o.status(), o.error());
        assertEquals(o.metric("accuracy"), o.metric("accuracy_int8"), 0.03);
        assertEquals(base.accuracy() - o.metric("accuracy_int8"), o.metric("accuracy_drop_int8"), 1e-12);
        assertTrue(o.metric("size_int8_bytes") < o.metric("size_sparse_bytes"));
    }

    @Test
    void distillationFromTheBaseRuns() {
        CandidateOutcome o = CandidateRunner.run(baseBytes, baseBytes, false, DATA, Fixtures.plan("taylor", "weight",
                "all", 0.7, "iterative", 2, Map.of("distillAlpha", 0.5)), base, false);
        assertEquals("OK", o.status(), o.error());
        assertEquals(2, o.epochsSpent());
    }

    @Test
    void badOptionsFailNamingTheKey() {
        CandidateOutcome o = run("magnitude", "weight", 0.5, Map.of("distilAlpha", 0.5));
        assertEquals("FAILED", o.status());
        assertTrue(o.error().contains("'distilAlpha'") && o.error().contains("distillAlpha"), o.error());
        CandidateOutcome range = run("magnitude", "weight", 0.5, Map.of("rampFraction", 1.5));
        assertTrue(range.error().contains("options.rampFraction"), range.error());
    }

    @Test
    void continuingKeepsTheParentsStructure() {
        CandidateOutcome parent = run("magnitude", "neuron", 0.5, Map.of("shrink", false));
        Map<String, Object> options = new HashMap<>(Map.of("shrink", false));
        CandidateOutcome child = CandidateRunner.run(parent.model(), true, DATA,
                Fixtures.plan("magnitude", "neuron", "hidden", 0.75, "oneshot", 1, options), base, true);
        assertEquals("OK", child.status(), child.error());
        Network p = ModelBytes.restore(parent.model());
        Network c = ModelBytes.restore(child.model());
        float[][] cw = c.getParam("1_W").toFloatMatrix();
        float[][] pOut = p.getParam("2_W").toFloatMatrix();
        float[][] cOut = c.getParam("2_W").toFloatMatrix();
        for (int j = 0; j < cw[0].length; j++) {
            if (pOut[j][0] == 0 && pOut[j][1] == 0 && pOut[j][2] == 0) {
                assertTrue(cOut[j][0] == 0 && cOut[j][1] == 0 && cOut[j][2] == 0, "output row " + j + " came back");
                for (float[] row : cw) {
                    assertEquals(0f, Math.abs(row[j]), "unit " + j + " of dense1 came back");
                }
            }
        }
        int zeroColumns = 0;
        for (int j = 0; j < cw[0].length; j++) {
            boolean zero = true;
            for (float[] row : cw) {
                zero &= row[j] == 0;
            }
            zeroColumns += zero ? 1 : 0;
        }
        assertEquals(9, zeroColumns, "75% of dense1's 12 units");
    }

    @Test
    void filterCandidateOnACnnIsShrunk() {
        DataSplits images = Fixtures.splits(96, new int[] {12, 12, 1}, 3);
        Network net = Network.of(CnnFactory.small(12, 12, 1, 3, 1e-3, 1));
        Trainer.fit(net, images.train(), 1, 32, 1e-3, 1, null);
        CandidateOutcome o = CandidateRunner.run(ModelBytes.of(net), false, images,
                Fixtures.plan("activation-mean", "filter", "all", 0.5, "oneshot", 1, Map.of()),
                reference(net, images), true);
        assertEquals("OK", o.status(), o.error());
        assertEquals(true, o.metrics().get("shrunk"));
        Network small = ModelBytes.restore(o.model());
        assertArrayEquals(new long[] {2, 1, 3, 3}, small.getParam("0_W").shape());
        assertArrayEquals(new long[] {4, 2, 3, 3}, small.getParam("2_W").shape());
        assertNotNull(o.layerSparsity().get("conv1"));
        assertTrue(o.metric("flops_reduction") > 1.5, "flops reduction " + o.metric("flops_reduction"));
    }

    /**
     * A residual graph goes the same way: filter groups span both sides of each addition, the
     * shrunk graph is smaller and computes what the masked one does, and every scorer-granularity
     * pairing a graph allows runs.
     */
    @Test
    void filterCandidatesOnAResidualGraphAreShrunk() {
        DataSplits images = Fixtures.splits(96, new int[] {12, 12, 1}, 3);
        Network net = Network.of(ResNetFactory.resnetSmall(12, 12, 1, 3, 1e-3, 1));
        Trainer.fit(net, images.train(), 1, 32, 1e-3, 1, null);
        BaseReference base = reference(net, images);
        for (String scorer : List.of("magnitude", "taylor", "apoz")) {
            PruningPlan plan = Fixtures.plan(scorer, "filter", "all", 0.5, "oneshot", 1, Map.of("groupScore", "mean"));
            CandidateOutcome shrunk = CandidateRunner.run(ModelBytes.of(net), false, images, plan, base, true);
            assertEquals("OK", shrunk.status(), scorer + ": " + shrunk.error());
            assertEquals(true, shrunk.metrics().get("shrunk"), scorer);
            CandidateOutcome masked = CandidateRunner.run(ModelBytes.of(net), false, images,
                    plan.withOptions(Map.of("groupScore", "mean", "shrink", false)), base, true);
            Network small = ModelBytes.restore(shrunk.model());
            assertEquals("ComputationGraph", small.kind());
            assertTrue(small.numParams() < net.numParams() * 0.75, scorer + ": " + small.numParams());
            // the stem and block 1's second convolution are one group: they shrink together
            assertEquals(small.getParam("stem_W").size(0), small.getParam("b1_conv2_W").size(0));
            assertEquals(masked.metric("accuracy"), shrunk.metric("accuracy"), 1e-9, scorer);
            assertEquals(masked.metric("loss"), shrunk.metric("loss"), 1e-4, scorer);
        }
    }
}
