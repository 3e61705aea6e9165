package dev.shears.pruning.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

class NormalizerTest {

    private static final float NEG = Float.NEGATIVE_INFINITY;
    /** Inputs of the wide layer; the narrow layer reads the wide layer's units. */
    private static final int INPUTS = 64;
    private static final int UNITS = 32;
    private static final LabeledData VECTORS = Fixtures.data(16, new int[] {INPUTS}, 2, 1);

    @Test
    void scalesAreTakenOverTheFiniteMagnitudesAndPrunedOrNanScoresKeepTheirValue() {
        float[] scores = {1, -3, NEG, Float.NaN, 4};
        // finite magnitudes 1, 3, 4
        Map<Normalizer, Double> scale = Map.of(Normalizer.NONE, 1.0, Normalizer.MEAN, 8 / 3.0, Normalizer.MAX, 4.0,
                Normalizer.SUM, 8.0, Normalizer.L2, Math.sqrt(26));
        for (Normalizer n : Normalizer.values()) {
            float[] expected = new float[scores.length];
            for (int i = 0; i < scores.length; i++) {
                expected[i] = (float) (scores[i] / scale.get(n));
            }
            assertArrayEquals(expected, n.apply(scores), 1e-6f, n.label());
        }
    }

    @ParameterizedTest
    @EnumSource(Normalizer.class)
    void layersWithNothingToScaleKeepTheirRawScores(Normalizer n) {
        for (float[] raw : List.of(new float[] {0, 0, NEG}, new float[] {NEG, Float.NaN}, new float[0])) {
            assertSame(raw, n.apply(raw), n.label());
        }
    }

    @Test
    void namesAreTheSpecValuesAndTheDefaultDependsOnTheGranularity() {
        assertEquals(List.of("none", "mean", "max", "sum", "l2"), List.copyOf(Normalizer.names()));
        assertEquals(Normalizer.L2, Normalizer.find("l2").orElseThrow());
        assertTrue(Normalizer.find("MEAN").isEmpty());
        assertEquals(Normalizer.MEAN, Normalizer.defaultFor(Granularities.create("neuron")));
        assertEquals(Normalizer.MEAN, Normalizer.defaultFor(Granularities.create("filter")));
        assertEquals(Normalizer.NONE, Normalizer.defaultFor(Granularities.create("weight")));
    }

    /** Hidden units kept per hidden layer after global neuron magnitude pruning of a wide-fan-in and a narrow layer. */
    private static int[] keptUnits(Pruner pruner, Network net, double... ratios) {
        MaskSet masks = new MaskSet();
        for (double ratio : ratios) {
            pruner.prune(Layers.select(net, "hidden"), ratio, new ScoringContext(net, VECTORS, 1, 16, 1), masks);
        }
        return new int[] {UNITS - zeroColumns(net.getParam("0_W")), UNITS - zeroColumns(net.getParam("1_W"))};
    }

    /** dense0 reads 64 inputs, dense1 32: weights of one distribution give dense0's units twice the sums. */
    private static Network wideThenNarrow() {
        Network net = Network.of(MlpFactory.build(INPUTS, List.of(UNITS, UNITS), 2, 1e-3, 1));
        Fixtures.randomize(net, 5);
        return net;
    }

    private static Pruner globalMagnitude(int minUnits, Normalizer normalizer) {
        return new Pruner(Scorers.create("magnitude"), Granularities.create("neuron"), Scope.GLOBAL, Map.of(),
                KeptUnits.atLeast(minUnits), Double.NaN, normalizer);
    }

    /** At least half of what an even cut would leave: (1 - ratio) of the layer's units. */
    private static void assertFairShares(int[] kept, double ratio) {
        for (int layer = 0; layer < kept.length; layer++) {
            assertTrue(kept[layer] >= (1 - ratio) * UNITS / 2, "dense" + layer + " keeps " + kept[layer]);
        }
    }

    @Test
    void byDefaultGlobalNeuronPruningLeavesEveryLayerAFairShare() {
        Pruner byDefault = new Pruner(Scorers.create("magnitude"), Granularities.create("neuron"), Scope.GLOBAL,
                Map.of(), 1);
        assertFairShares(keptUnits(byDefault, wideThenNarrow(), 0.8), 0.8);
    }

    @ParameterizedTest
    @EnumSource(value = Normalizer.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void everyNormaliserLeavesEveryLayerAFairShare(Normalizer normalizer) {
        assertFairShares(keptUnits(globalMagnitude(1, normalizer), wideThenNarrow(), 0.8), 0.8);
    }

    @Test
    void rawScoresCutTheNarrowLayerDownToTheFloor() {
        int[] kept = keptUnits(globalMagnitude(1, Normalizer.NONE), wideThenNarrow(), 0.8);
        assertEquals(1, kept[1]);
        assertTrue(kept[0] > (1 - 0.8) * UNITS, "the wide layer keeps more than its share: " + kept[0]);
    }

    @ParameterizedTest
    @EnumSource(Normalizer.class)
    void theFloorHoldsWithEveryNormaliser(Normalizer normalizer) {
        assertArrayEquals(new int[] {3, 3}, keptUnits(globalMagnitude(3, normalizer), wideThenNarrow(), 0.99));
    }

    /** Units pruned by an earlier step score -inf: they stay pruned and do not distort the layer's scale. */
    @Test
    void aLaterStepKeepsEarlierPrunesAndFairShares() {
        Network once = wideThenNarrow();
        int[] afterOne = keptUnits(globalMagnitude(1, Normalizer.MEAN), once, 0.5);
        Network twice = wideThenNarrow();
        int[] afterTwo = keptUnits(globalMagnitude(1, Normalizer.MEAN), twice, 0.5, 0.8);
        assertFairShares(afterOne, 0.5);
        assertFairShares(afterTwo, 0.8);
        for (String key : List.of("0_W", "1_W")) {
            INDArray before = once.getParam(key);
            INDArray after = twice.getParam(key);
            for (int j = 0; j < UNITS; j++) {
                if (before.getColumn(j).norm1Number().doubleValue() == 0) {
                    assertEquals(0, after.getColumn(j).norm1Number().doubleValue(), key + " column " + j);
                }
            }
        }
    }

    private static int zeroColumns(INDArray w) {
        int zeros = 0;
        for (int j = 0; j < w.columns(); j++) {
            zeros += w.getColumn(j).norm1Number().doubleValue() == 0 ? 1 : 0;
        }
        return zeros;
    }
}
