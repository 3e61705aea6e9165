package dev.shears.pruning.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.CnnFactory;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

class ScorersTest {

    /** A 3-input, 2-unit dense layer with known weights, feeding a 2-class output. */
    private static Network denseWith(float[][] w) {
        Network net = Network.of(MlpFactory.build(w.length, List.of(w[0].length), 2, 1e-3, 1));
        net.getParam("0_W").assign(Nd4j.create(w));
        return net;
    }

    private static ScoringContext context(Network net, LabeledData data, int batches, int batchSize) {
        return new ScoringContext(net, data, batches, batchSize, 3);
    }

    private static PrunableLayer layer0(Network net) {
        return net.prunable().get(0);
    }

    private static float[] score(String scorer, Network net, ScoringContext ctx) {
        return Arrays.floats(Scorers.create(scorer).score(layer0(net), ctx));
    }

    @Test
    void registryHasEveryScorerAndNamesTheAllowedOnes() {
        assertEquals(Set.of("magnitude", "random", "l2", "gradient", "taylor", "activation-mean", "apoz", "fisher",
                "entropy", "lamp", "fpgm"), Scorers.names());
        BadInputException e = assertThrows(BadInputException.class, () -> Scorers.create("size"));
        assertTrue(e.getMessage().contains("'size'") && e.getMessage().contains("lamp"), e.getMessage());
    }

    @Test
    void magnitudeAndL2OnAHandCase() {
        Network net = denseWith(new float[][] {{1, -2}, {0.5f, 3}, {-4, 0}});
        ScoringContext ctx = context(net, Fixtures.data(8, new int[] {3}, 2, 1), 1, 8);
        assertArrayEquals(new float[] {1, 2, 0.5f, 3, 4, 0}, score("magnitude", net, ctx), 1e-6f);
        assertArrayEquals(new float[] {1, 4, 0.25f, 9, 16, 0}, score("l2", net, ctx), 1e-6f);
    }

    @Test
    void groupAggregatesAreNorms() {
        Network net = denseWith(new float[][] {{1, -2}, {0.5f, 3}, {-4, 0}});
        ScoringContext ctx = context(net, Fixtures.data(8, new int[] {3}, 2, 1), 1, 8);
        PrunableLayer layer = layer0(net);
        Granularity neuron = Granularities.create("neuron");
        // column 0 = (1, 0.5, -4), column 1 = (-2, 3, 0)
        assertArrayEquals(new float[] {5.5f, 5}, neuron.groupScores(layer, Scorers.create("magnitude").score(layer, ctx)),
                1e-6f);
        assertArrayEquals(new float[] {17.25f, 13},
                neuron.groupScores(layer, Scorers.create("l2").score(layer, ctx)), 1e-6f);
    }

    @Test
    void fpgmRemovesTheUnitTheOthersStandInForNotTheSmallest() {
        // columns (1, 0, 0), (0, 1, 0) and their middle (0.5, 0.5, 0.8), the largest by norm: FPGM ranks the middle
        // one last, magnitude first
        Network net = denseWith(new float[][] {{1, 0, 0.5f}, {0, 1, 0.5f}, {0, 0, 0.8f}});
        ScoringContext ctx = context(net, Fixtures.data(8, new int[] {3}, 2, 1), 1, 8);
        PrunableLayer layer = layer0(net);
        Granularity neuron = Granularities.create("neuron");
        float[] fpgm = neuron.groupScores(layer, Scorers.create("fpgm").score(layer, ctx));
        float[] magnitude = neuron.groupScores(layer, Scorers.create("magnitude").score(layer, ctx));
        double side = Math.sqrt(2);
        double toMiddle = Math.sqrt(0.25 + 0.25 + 0.64);
        // a column's score fills its 3 weights, and the group sums them
        assertArrayEquals(new float[] {(float) (3 * (side + toMiddle)), (float) (3 * (side + toMiddle)),
                (float) (3 * 2 * toMiddle)}, fpgm, 1e-5f);
        assertTrue(fpgm[2] < fpgm[0] && magnitude[2] > magnitude[0]);
    }

    @Test
    void fpgmComparesWholeFilters() {
        // filters of a convolution: index 0 of the weight array [out, in, kh, kw]
        // two filters 4 apart in each of their 4 weights, and a third at the first's place
        INDArray filters = Nd4j.create(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4}, new long[] {3, 1, 2, 2}, 'c');
        assertArrayEquals(new float[] {8, 16, 8}, FpgmScorer.scores(filters, 0), 1e-5f);
        // the same units as the columns of a dense layer's [inputs, units] weights
        INDArray columns = filters.reshape('c', 3, 4).transpose().dup('c');
        assertArrayEquals(new float[] {8, 16, 8}, FpgmScorer.scores(columns, 1), 1e-5f);
    }

    @Test
    void lampOnAHandCase() {
        // w^2 = 1, 9, 4, 0.25; ascending: 0.25, 1, 4, 9; tails: 14.25, 14, 13, 9
        float[] s = LampScorer.scores(new float[] {1, -3, 2, 0.5f});
        assertArrayEquals(new float[] {1f / 14, 1f, 4f / 13, 0.25f / 14.25f}, s, 1e-6f);
        assertArrayEquals(new float[] {0, 0}, LampScorer.scores(new float[] {0, 0}), 0f);
    }

    /** A network that is just a softmax output layer, so dL/dW = x^T (softmax(xW + b) - y) / n. */
    private static float[] handGradient(Network net, DataSet batch) {
        INDArray x = batch.getFeatures();
        INDArray p = Transforms.softmax(x.mmul(net.getParam("0_W")).addRowVector(net.getParam("0_b")), true);
        return Arrays.floats(x.transpose().mmul(p.sub(batch.getLabels())).divi(x.size(0)));
    }

    @Test
    void gradientIsMeanAbsoluteGradientOverBatches() {
        Network net = Network.of(MlpFactory.build(3, List.of(), 2, 1e-3, 5));
        LabeledData data = Fixtures.data(8, new int[] {3}, 2, 4);
        ScoringContext ctx = context(net, data, 2, 4);
        float[] expected = new float[6];
        for (DataSet batch : ctx.calibrationBatches()) {
            float[] g = handGradient(net, batch);
            for (int i = 0; i < g.length; i++) {
                expected[i] += Math.abs(g[i]) / 2;
            }
        }
        assertArrayEquals(expected, score("gradient", net, ctx), 1e-5f);
    }

    @Test
    void taylorAndFisherFollowFromTheCachedGradients() {
        Network net = Network.of(MlpFactory.build(4, List.of(3), 2, 1e-3, 6));
        ScoringContext ctx = context(net, Fixtures.data(24, new int[] {4}, 2, 5), 3, 8);
        float[] w = Arrays.floats(net.getParam("0_W"));
        float[] g = Arrays.floats(ctx.meanAbsGradient("0_W"));
        float[] g2 = Arrays.floats(ctx.meanSquaredGradient("0_W"));
        float[] taylor = score("taylor", net, ctx);
        float[] fisher = score("fisher", net, ctx);
        for (int i = 0; i < w.length; i++) {
            assertEquals(Math.abs(w[i]) * g[i], taylor[i], 1e-7);
            assertEquals(0.5 * w[i] * w[i] * g2[i], fisher[i], 1e-7);
            assertTrue(g[i] * g[i] <= g2[i] + 1e-9, "mean |g| squared cannot exceed mean g^2");
        }
    }

    /**
     * Units relu(x0), relu(-x0) and 0 over x0 = -1, 1, 2, 3: means 1.5, 0.25, 0; shares of
     * non-zero activations 3/4, 1/4, 0; 4 and 2 distinct histogram bins.
     */
    @Test
    void activationScorersOnAHandCase() {
        Network net = denseWith(new float[][] {{1, -1, 0}, {0, 0, 0}});
        net.getParam("0_b").assign(0);
        LabeledData data = new LabeledData(new float[] {-1, 0, 1, 0, 2, 0, 3, 0}, new int[] {0, 1, 0, 1}, 2,
                new int[] {2});
        ScoringContext ctx = context(net, data, 1, 4);
        assertArrayEquals(new float[] {1.5f, 0.25f, 0, 1.5f, 0.25f, 0}, score("activation-mean", net, ctx), 1e-6f);
        assertArrayEquals(new float[] {0.75f, 0.25f, 0, 0.75f, 0.25f, 0}, score("apoz", net, ctx), 1e-6f);
        float h1 = (float) -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
        assertArrayEquals(new float[] {(float) Math.log(4), h1, 0, (float) Math.log(4), h1, 0},
                score("entropy", net, ctx), 1e-6f);
    }

    @Test
    void activationsAreTheFeedForwardOutputs() {
        Network net = Network.of(MlpFactory.build(4, List.of(5), 3, 1e-3, 2));
        LabeledData data = Fixtures.data(6, new int[] {4}, 3, 2);
        ScoringContext ctx = context(net, data, 1, 6);
        INDArray x = ctx.calibrationBatches().iterator().next().getFeatures();
        assertTrue(net.activations(x).get("0").equalsWithEps(ctx.activations(net.prunable().get(0)), 1e-6));
        assertTrue(net.output(x).equalsWithEps(ctx.activations(net.prunable().get(1)), 1e-6));
    }

    @Test
    void convolutionUnitsUseSpatialMeansOrEveryPosition() {
        // one example, 2 channels of 2x2
        INDArray a = Nd4j.create(new float[] {0, 1, 2, 3, 0, 0, 0, 4}, new long[] {1, 2, 2, 2}, 'c');
        float[][] means = ActivationScorer.samplesPerUnit(a, false);
        assertArrayEquals(new float[] {1.5f}, means[0], 1e-6f);
        assertArrayEquals(new float[] {1f}, means[1], 1e-6f);
        float[][] positions = ActivationScorer.samplesPerUnit(a, true);
        assertArrayEquals(new float[] {0, 0, 0, 4}, positions[1], 0f);
        assertEquals(0.25f, new ApozScorer().unitScore(positions[1]), 1e-6f);
    }

    @Test
    void activationScoresOfAFilterFillItsWeights() {
        Network net = Network.of(CnnFactory.small(8, 8, 1, 2, 1e-3, 1));
        ScoringContext ctx = context(net, Fixtures.data(10, new int[] {8, 8, 1}, 2, 1), 1, 10);
        INDArray s = Scorers.create("activation-mean").score(layer0(net), ctx);
        assertArrayEquals(net.getParam("0_W").shape(), s.shape());
        float[][] samples = ActivationScorer.samplesPerUnit(ctx.activations(layer0(net)), false);
        for (int j = 0; j < samples.length; j++) {
            float mean = new ActivationMeanScorer().unitScore(samples[j]);
            INDArray filter = s.get(NDArrayIndex.point(j));
            assertEquals(mean, filter.minNumber().floatValue(), 1e-6f);
            assertEquals(mean, filter.maxNumber().floatValue(), 1e-6f);
        }
    }

    @Test
    void randomIsSeeded() {
        Network net = Network.of(MlpFactory.build(4, List.of(5), 3, 1e-3, 2));
        LabeledData data = Fixtures.data(6, new int[] {4}, 3, 2);
        assertArrayEquals(score("random", net, context(net, data, 1, 6)), score("random", net, context(net, data, 1, 6)),
                0f);
    }
}
