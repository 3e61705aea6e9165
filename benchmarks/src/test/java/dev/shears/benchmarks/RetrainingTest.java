package dev.shears.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.data.ImageAugment;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import dev.shears.pruning.prune.MaskSet;
import dev.shears.pruning.shrink.Shrinker;
import dev.shears.pruning.train.Evaluator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import dev.shears.pruning.model.ResNetFactory;
import dev.shears.pruning.train.RateSchedule;
import dev.shears.pruning.train.Trainer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The retraining controls' starting points and best-epoch training of the quality benchmark. */
class RetrainingTest {

    private static final DataSplits DATA = new DataSplits(random(160, 1), random(40, 2), random(40, 3), "random");

    /** Rows of 12 random features and one of 3 random labels: what these tests check holds on any data. */
    private static LabeledData random(int rows, long seed) {
        Random r = new Random(seed);
        float[] x = new float[rows * 12];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        return new LabeledData(x, r.ints(rows, 0, 3).toArray(), 3, new int[] {12});
    }

    private static Network mlp(int hidden, long seed) {
        return Network.of(MlpFactory.build(12, List.of(hidden, 8), 3, 1e-2, seed));
    }

    @Test
    void rewindingKeepsTheInitialWeightsWherePruningKeptWeightsAndHoldsTheZeros() {
        Network initial = mlp(16, 3);
        INDArray before = initial.params().dup();
        Network pruned = initial.copy();
        BestEpoch.fit(pruned, DATA.train(), DATA.validation(), 2, 32, 1e-2, 1, null, ImageAugment.NONE);
        // prune by hand: zero the weights of the trained copy below their layer's mean magnitude
        for (PrunableLayer l : pruned.prunable()) {
            INDArray w = l.weights(pruned);
            double mean = w.norm1Number().doubleValue() / w.length();
            w.muli(Transforms.abs(w).gt(mean).castTo(w.dataType()));
        }

        Retraining.Start start = Retraining.rewind(initial, pruned);

        assertEquals(before, initial.params(), "the initial network itself is untouched");
        for (PrunableLayer l : pruned.prunable()) {
            float[] w = start.net().getParam(l.weightKey()).dup().data().asFloat();
            float[] init = initial.getParam(l.weightKey()).dup().data().asFloat();
            float[] p = pruned.getParam(l.weightKey()).dup().data().asFloat();
            for (int i = 0; i < w.length; i++) {
                assertEquals(p[i] == 0f ? 0f : init[i], w[i], 0f, l.name() + "[" + i + "]");
            }
        }
        BestEpoch.fit(start.net(), DATA.train(), DATA.validation(), 2, 32, 1e-2, 1, start.mask(), ImageAugment.NONE);
        for (Map.Entry<String, INDArray> m : start.mask().all().entrySet()) {
            INDArray removed = start.net().getParam(m.getKey()).mul(m.getValue().rsub(1));
            assertEquals(0, removed.amaxNumber().doubleValue(), m.getKey() + ": training holds the rewound mask");
        }
        assertEquals(MaskSet.fromZeros(pruned, pruned.prunable()).all().keySet(), start.mask().all().keySet());
    }

    @Test
    void rewindingRefusesAShrunkModel() {
        Network initial = mlp(16, 3);
        assertThrows(IllegalArgumentException.class, () -> Retraining.rewind(initial, mlp(8, 3)));
    }

    @Test
    void reinitialisingGivesTheSameShapeWithFreshSeededParameters() {
        Network shrunk = Shrinker.shrink(mlp(16, 3));
        BestEpoch.fit(shrunk, DATA.train(), DATA.validation(), 1, 32, 1e-2, 1, null, ImageAugment.NONE);

        Network a = Retraining.reinitialise(shrunk, 5).net();
        Network b = Retraining.reinitialise(shrunk, 5).net();
        Network c = Retraining.reinitialise(shrunk, 6).net();

        assertEquals(shrunk.numParams(), a.numParams());
        for (String key : shrunk.paramTable().keySet()) {
            assertArrayEquals(shrunk.getParam(key).shape(), a.getParam(key).shape(), key);
        }
        assertNotEquals(shrunk.params(), a.params(), "not the trained parameters");
        assertEquals(a.params(), b.params(), "the seed decides the parameters");
        assertNotEquals(a.params(), c.params());
    }

    @Test
    void reinitialisingAWeightPrunedModelHoldsItsZerosOnFreshWeights() {
        Network pruned = mlp(16, 3);
        for (PrunableLayer l : pruned.prunable()) {
            INDArray w = l.weights(pruned);
            w.muli(Transforms.abs(w).gt(w.norm1Number().doubleValue() / w.length()).castTo(w.dataType()));
        }
        Retraining.Start start = Retraining.reinitialise(pruned, 5);
        BestEpoch.fit(start.net(), DATA.train(), DATA.validation(), 1, 32, 1e-2, 1, start.mask(), ImageAugment.NONE);
        for (PrunableLayer l : pruned.prunable()) {
            float[] p = pruned.getParam(l.weightKey()).dup().data().asFloat();
            float[] w = start.net().getParam(l.weightKey()).dup().data().asFloat();
            int kept = 0;
            for (int i = 0; i < w.length; i++) {
                assertEquals(p[i] == 0f, w[i] == 0f, l.name() + "[" + i + "]: zero exactly where the pruned model's is");
                if (p[i] != 0f) {
                    assertNotEquals(p[i], w[i], 0f, l.name() + "[" + i + "]: a fresh weight");
                    kept++;
                }
            }
            assertTrue(kept > 0 && kept < w.length, l.name());
        }
    }

    @Test
    void reinitialisingAGraphGivesItsShapeWithFreshSeededParameters() {
        Network graph = Network.of(ResNetFactory.resnetSmall(6, 6, 1, 3, 1e-2, 3));
        Network a = Retraining.reinitialise(graph, 5).net();
        Network b = Retraining.reinitialise(graph, 5).net();
        assertEquals("ComputationGraph", a.kind());
        assertEquals(graph.numParams(), a.numParams());
        assertNotEquals(graph.params(), a.params(), "not the given parameters");
        assertEquals(a.params(), b.params(), "the seed decides the parameters");
    }

    @Test
    void bestEpochDecaysTheRateAlongAHalfCosineEpochByEpoch() {
        assertEquals(0.1, RateSchedule.COSINE.rate(0.1, 0, 4), 1e-15);
        assertEquals(0.05, RateSchedule.COSINE.rate(0.1, 2, 4), 1e-15);
        assertTrue(RateSchedule.COSINE.rate(0.1, 3, 4) > 0 && RateSchedule.COSINE.rate(0.1, 3, 4) < 0.02);

        Network net = mlp(16, 4);
        Network byHand = net.copy();
        BestEpoch.Result r = BestEpoch.fit(net, DATA.train(), DATA.validation(), 3, 32, 5e-2, 2, null, ImageAugment.NONE);
        List<INDArray> epochs = new java.util.ArrayList<>();
        for (int e = 0; e < 3; e++) {
            Trainer.fit(byHand, DATA.train(), 1, 32, RateSchedule.COSINE.rate(5e-2, e, 3), 2 + e, null);
            epochs.add(byHand.params().dup());
        }
        assertEquals(epochs.get(r.epoch() - 1), net.params(), "the kept epoch is the by-hand epoch at the decayed rates");
        assertEquals(epochs.get(0), r.early());
        assertNotEquals(epochs.get(1), epochs.get(2));
    }

    @Test
    void bestEpochLeavesTheNetworkAtItsBestValidationEpoch() {
        Network net = mlp(16, 4);
        BestEpoch.Result r = BestEpoch.fit(net, DATA.train(), DATA.validation(), 4, 32, 5e-2, 2, null, ImageAugment.NONE);

        assertEquals(4, r.epochs());
        assertTrue(r.epoch() >= 1 && r.epoch() <= 4, "epoch " + r.epoch());
        assertEquals(r.validationAccuracy(), Evaluator.evaluate(net, DATA.validation()).accuracy(), 1e-12);
    }

    /** Late rewinding's starting point: the weights after the first epoch, as a one-epoch run leaves them. */
    @Test
    void bestEpochKeepsTheWeightsAfterTheFirstEpoch() {
        Network net = mlp(16, 5);
        Network oneEpoch = net.copy();
        INDArray initial = net.params().dup();
        BestEpoch.Result r = BestEpoch.fit(net, DATA.train(), DATA.validation(), 3, 32, 5e-2, 2, null, ImageAugment.NONE);
        BestEpoch.fit(oneEpoch, DATA.train(), DATA.validation(), 1, 32, 5e-2, 2, null, ImageAugment.NONE);

        assertEquals(oneEpoch.params(), r.early());
        assertNotEquals(initial, r.early(), "the first epoch trained");
    }
}
