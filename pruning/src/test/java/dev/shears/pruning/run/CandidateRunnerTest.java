package dev.shears.pruning.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.metrics.LatencyComparison;
import dev.shears.pruning.model.CnnFactory;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.ModelBytes;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.ResNetFactory;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.train.FineTuner;
import dev.shears.pruning.train.Trainer;
import dev.shears.search.TrialStatus;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CandidateRunnerTest {

    private static final DataSplits DATA = Fixtures.splits(320, new int[] {16}, 3);
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
        return Measurement.base(net, data, false, FineTuner.LOCAL).reference();
    }

    private static CandidateOutcome run(String scorer, String granularity, double ratio, Map<String, Object> options) {
        return CandidateRunner.run(baseBytes, false, DATA,
                Fixtures.plan(scorer, granularity, "hidden", ratio, "oneshot", 1, options), base, true);
    }

    @Test
    void neuronCandidateIsShrunkAndMeasuredAsTheSmallerNetwork() {
        CandidateOutcome o = run("l2", "neuron", 0.5, Map.of());
        assertEquals(TrialStatus.OK, o.status(), o.error());
        assertNotNull(o.metrics());
        assertNotNull(o.run());
        assertEquals(true, o.run().shrunk());
        Network small = ModelBytes.restore(o.model());
        assertArrayEquals(new long[] {16, 12}, small.getParam("0_W").shape());
        assertArrayEquals(new long[] {12, 6}, small.getParam("1_W").shape());
        assertEquals(small.numParams(), o.metrics().paramsTotal());
        assertTrue(o.metrics().paramsTotal() < base.paramsTotal());
        assertTrue(o.metrics().flopsReduction() > 1.9, "about half the multiply-adds: " + o.metrics().flopsReduction());
        // what pruning removed, not the shrunk model's zeros: dense0 loses 12 of 24 columns (192 of 384
        // weights); dense1 loses 6 of 12 columns and the 12 rows of the removed inputs (144 + 72 of 288)
        assertEquals((192 + 216) / 672.0, o.metrics().sparsity(), 1e-9);
        assertEquals(0.5, o.metrics().layerSparsity().get("dense0"), 1e-9);
        assertEquals(216 / 288.0, o.metrics().layerSparsity().get("dense1"), 1e-9);
        assertTrue(o.metrics().accuracy() > 0.6, "accuracy " + o.metrics().accuracy());
        // each split's drop is measured against the base model's accuracy on that same split
        assertEquals(base.validationAccuracy() - o.metrics().valAccuracy(), o.metrics().valAccuracyDrop(), 1e-12);
        assertEquals(base.accuracy() - o.metrics().accuracy(), o.metrics().accuracyDrop(), 1e-12);
    }

    @Test
    void unstructuredCandidateIsNotShrunkAndShrinkCanBeTurnedOff() {
        CandidateOutcome weight = run("magnitude", "weight", 0.8, Map.of());
        assertEquals(TrialStatus.OK, weight.status(), weight.error());
        assertEquals(false, weight.run().shrunk());
        assertEquals(base.paramsTotal(), weight.metrics().paramsTotal());
        assertEquals(0.8, weight.metrics().sparsity(), 0.01);
        CandidateOutcome kept = run("magnitude", "neuron", 0.5, Map.of("shrink", "false"));
        assertEquals(false, kept.run().shrunk());
        assertEquals(base.paramsTotal(), kept.metrics().paramsTotal());
    }

    /**
     * With a base latency (made up: 1 ms at batch 1, 8 ms at 64, the scale a run times alone), a shrunk candidate is
     * timed beside the base in its own trial and given on that scale; a masked-only one shares the base's figures.
     */
    @Test
    void aShrunkCandidateIsTimedInItsTrialAndAMaskedOneSharesTheBaseLatency() {
        BaseReference timed = new BaseReference(base.paramsTotal(), base.accuracy(), base.validationAccuracy(),
                base.flops(), new LatencyComparison.Timing(1.0, 8.0), base.correct(), base.validationCorrect());
        PruningPlan neurons = Fixtures.plan("l2", "neuron", "hidden", 0.5, "oneshot", 1, Map.of());
        CandidateOutcome shrunk = CandidateRunner.run(baseBytes, baseBytes, false, DATA, neurons, timed, true);
        assertEquals(TrialStatus.OK, shrunk.status(), shrunk.error());
        Metrics.Latency paired = shrunk.metrics().latency();
        assertEquals(Metrics.Latency.Source.PAIRED, paired.source());
        for (double speedup : new double[] {paired.speedupB1(), paired.speedupB64()}) {
            assertTrue(speedup > 0 && Double.isFinite(speedup), paired.toString());
        }
        assertEquals(1.0 / paired.speedupB1(), paired.b1Ms(), 1e-12, "the base's figure over the speed-up");
        assertEquals(8.0 / paired.speedupB64(), paired.b64Ms(), 1e-12);
        // at least 3 rounds, then none begun after Measurement.TRIAL_ROUNDS' budget; a round of this network is a
        // few milliseconds, so the measurement ends soon after the budget
        assertTrue(paired.seconds() > 0 && paired.seconds() < Measurement.TRIAL_ROUNDS.budgetSeconds() + 1,
                paired.toString());

        CandidateOutcome masked = CandidateRunner.run(baseBytes, baseBytes, false, DATA,
                neurons.withOptions(Map.of("shrink", false)), timed, false);
        assertEquals(new Metrics.Latency(1.0, 8.0, 1, 1, Metrics.Latency.Source.AS_BASE, 0),
                masked.metrics().latency(), "the base's shapes: the base's work, nothing timed");

        // continuing the shrunk parent and removing nothing more: still smaller than the base, so shrunk and timed
        CandidateOutcome child = CandidateRunner.run(shrunk.model(), baseBytes, true, DATA,
                Fixtures.plan("l2", "neuron", "hidden", 0.0, "oneshot", 1, Map.of()), timed, false);
        assertEquals(TrialStatus.OK, child.status(), child.error());
        assertEquals(shrunk.metrics().paramsTotal(), child.metrics().paramsTotal());
        assertEquals(true, child.run().shrunk());
        assertEquals(Metrics.Latency.Source.PAIRED, child.metrics().latency().source());

        assertNull(run("l2", "neuron", 0.5, Map.of()).metrics().latency(), "a base without latency: nothing timed");
    }

    @Test
    void quantizedAccuracyIsCloseToFloat() {
        CandidateOutcome o = run("magnitude", "weight", 0.5, Map.of("quantize", true));
        assertEquals(TrialStatus.OK, o.status(), o.error());
        assertEquals(o.metrics().accuracy(), o.metrics().int8().accuracy(), 0.03);
        assertEquals(base.accuracy() - o.metrics().int8().accuracy(), o.metrics().int8().accuracyDrop(), 1e-12);
        assertTrue(o.metrics().int8().sizeBytes() < o.metrics().sizeSparseBytes());
    }

    @Test
    void distillationFromTheBaseRuns() {
        CandidateOutcome o = CandidateRunner.run(baseBytes, baseBytes, false, DATA, Fixtures.plan("taylor", "weight",
                "all", 0.7, "iterative", 2, Map.of("distillAlpha", 0.5)), base, false);
        assertEquals(TrialStatus.OK, o.status(), o.error());
        assertEquals(2, o.epochsSpent());
    }

    @Test
    void badOptionsFailNamingTheKey() {
        CandidateOutcome o = run("magnitude", "weight", 0.5, Map.of("distilAlpha", 0.5));
        assertEquals(TrialStatus.FAILED, o.status());
        assertTrue(o.error().contains("'distilAlpha'") && o.error().contains("distillAlpha"), o.error());
        CandidateOutcome range = run("magnitude", "weight", 0.5, Map.of("rampFraction", 1.5));
        assertTrue(range.error().contains("options.rampFraction"), range.error());
    }

    /** As halving and asha continue a trial: its own plan again, more epochs; the survivors are not cut again. */
    @Test
    void continuingAShrunkParentWithItsPlanFineTunesWithoutPruningAgain() {
        PruningPlan neurons = Fixtures.plan("l2", "neuron", "hidden", 0.5, "oneshot", 1, Map.of());
        CandidateOutcome parent = CandidateRunner.run(baseBytes, baseBytes, false, DATA, neurons, base, true);
        CandidateOutcome child = CandidateRunner.run(parent.model(), baseBytes, true, DATA, neurons, base, true);
        assertEquals(TrialStatus.OK, child.status(), child.error());
        assertTrue(parent.metrics().paramsTotal() < base.paramsTotal());
        assertEquals(parent.metrics().paramsTotal(), child.metrics().paramsTotal());
        assertEquals(parent.run().finalRatio(), child.run().finalRatio());
        assertEquals(1, child.epochsSpent());
        assertFalse(Arrays.equals(parent.model(), child.model()), "the child fine-tuned its parent");
    }

    @Test
    void continuingKeepsTheParentsStructure() {
        CandidateOutcome parent = run("magnitude", "neuron", 0.5, Map.of("shrink", false));
        Map<String, Object> options = new HashMap<>(Map.of("shrink", false));
        CandidateOutcome child = CandidateRunner.run(parent.model(), true, DATA,
                Fixtures.plan("magnitude", "neuron", "hidden", 0.75, "oneshot", 1, options), base, true);
        assertEquals(TrialStatus.OK, child.status(), child.error());
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
        assertEquals(TrialStatus.OK, o.status(), o.error());
        assertEquals(true, o.run().shrunk());
        Network small = ModelBytes.restore(o.model());
        assertArrayEquals(new long[] {2, 1, 3, 3}, small.getParam("0_W").shape());
        assertArrayEquals(new long[] {4, 2, 3, 3}, small.getParam("2_W").shape());
        assertNotNull(o.metrics().layerSparsity().get("conv1"));
        assertTrue(o.metrics().flopsReduction() > 1.5, "flops reduction " + o.metrics().flopsReduction());
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
            assertEquals(TrialStatus.OK, shrunk.status(), scorer + ": " + shrunk.error());
            assertEquals(true, shrunk.run().shrunk(), scorer);
            CandidateOutcome masked = CandidateRunner.run(ModelBytes.of(net), false, images,
                    plan.withOptions(Map.of("groupScore", "mean", "shrink", false)), base, true);
            Network small = ModelBytes.restore(shrunk.model());
            assertEquals("ComputationGraph", small.kind());
            assertTrue(small.numParams() < net.numParams() * 0.75, scorer + ": " + small.numParams());
            // the stem and block 1's second convolution are one group: they shrink together
            assertEquals(small.getParam("stem_W").size(0), small.getParam("b1_conv2_W").size(0));
            assertEquals(masked.metrics().accuracy(), shrunk.metrics().accuracy(), 1e-9, scorer);
            assertEquals(masked.metrics().loss(), shrunk.metrics().loss(), 1e-4, scorer);
        }
    }
}
