package dev.shears.pruning.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class GranularitiesTest {

    private static final LabeledData VECTORS = Fixtures.data(16, new int[] {4}, 2, 1);
    private static final LabeledData IMAGES = Fixtures.data(16, new int[] {16, 16, 1}, 2, 1);

    private static MaskSet prune(Network net, String granularity, String layers, double ratio, int minUnits,
                                 LabeledData data) {
        MaskSet masks = new MaskSet();
        new Pruner(Scorers.create("magnitude"), Granularities.create(granularity), Scope.LAYERWISE, Map.of(), minUnits)
                .prune(Layers.select(net, layers), ratio, new ScoringContext(net, data, 1, 16, 1), masks);
        return masks;
    }

    private static double absSum(INDArray a) {
        return a.norm1Number().doubleValue();
    }

    @Test
    void namesIncludeNmAndAnyValidNmParses() {
        assertTrue(Granularities.names().containsAll(List.of("weight", "neuron", "filter", "channel", "2:4", "1:4")));
        assertEquals("2:4", Granularities.create("2:4").name());
        assertEquals("3:8", Granularities.create("3:8").name());
        assertEquals(0.25, Granularities.create("3:4").effectiveRatio(0.9), 1e-12);
        for (String bad : List.of("4:2", "0:4", "4:4", "rows")) {
            BadInputException e = assertThrows(BadInputException.class, () -> Granularities.create(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("N:M"), e.getMessage());
        }
    }

    @Test
    void neuronZeroesColumnBiasAndNextRow() {
        Network net = Network.of(MlpFactory.build(4, List.of(5, 3), 2, 1e-3, 1));
        Fixtures.randomize(net, 1);
        INDArray w0 = net.getParam("0_W");
        w0.getColumn(1).muli(0.01);
        w0.getColumn(3).muli(0.01);
        MaskSet masks = prune(net, "neuron", "dense0", 0.4, 1, VECTORS);
        for (int j = 0; j < 5; j++) {
            boolean pruned = j == 1 || j == 3;
            assertEquals(pruned, absSum(w0.getColumn(j)) == 0, "column " + j);
            assertEquals(pruned, net.getParam("0_b").getDouble(0, j) == 0, "bias " + j);
            assertEquals(pruned, absSum(net.getParam("1_W").getRow(j)) == 0, "next row " + j);
        }
        assertTrue(Fixtures.maskedAreZero(net, masks));
    }

    @Test
    void neuronPrunesTheOutputLayersInputsButNeverItsUnits() {
        Network net = Network.of(MlpFactory.build(4, List.of(5, 3), 2, 1e-3, 1));
        PrunableLayer output = net.prunable().get(2);
        assertFalse(Granularities.create("neuron").appliesTo(output, net));
        prune(net, "neuron", "all", 0.5, 1, VECTORS);
        INDArray w2 = net.getParam("2_W");
        long zeroRows = 0;
        for (int i = 0; i < 3; i++) {
            zeroRows += absSum(w2.getRow(i)) == 0 ? 1 : 0;
        }
        assertEquals(2, zeroRows, "round(0.5 * 3) rows of the output layer read pruned neurons");
        for (int j = 0; j < 2; j++) {
            assertTrue(absSum(w2.getColumn(j)) > 0, "class " + j + " keeps its weights");
        }
    }

    @Test
    void structuralPruningLeavesMinUnits() {
        Network net = Network.of(MlpFactory.build(4, List.of(6, 5), 2, 1e-3, 1));
        prune(net, "neuron", "hidden", 0.99, 1, VECTORS);
        assertEquals(1, net.prunable().get(0).units(net) - zeroColumns(net.getParam("0_W")));
        Network net2 = Network.of(MlpFactory.build(4, List.of(6, 5), 2, 1e-3, 1));
        prune(net2, "neuron", "hidden", 0.99, 3, VECTORS);
        assertEquals(3, 6 - zeroColumns(net2.getParam("0_W")));
        assertEquals(3, 5 - zeroColumns(net2.getParam("1_W")));
    }

    @Test
    void globalStructuralPruningRespectsTheFloor() {
        Network net = Network.of(MlpFactory.build(4, List.of(6, 5), 2, 1e-3, 1));
        MaskSet masks = new MaskSet();
        new Pruner(Scorers.create("magnitude"), Granularities.create("neuron"), Scope.GLOBAL, Map.of(), 2)
                .prune(Layers.select(net, "hidden"), 0.95, new ScoringContext(net, VECTORS, 1, 16, 1), masks);
        assertEquals(2, 6 - zeroColumns(net.getParam("0_W")));
        assertEquals(2, 5 - zeroColumns(net.getParam("1_W")));
    }

    @Test
    void globalStructuralPruningRoundsEachLayerToWholeBlocks() {
        Network net = Network.of(MlpFactory.build(4, List.of(24, 20), 2, 1e-3, 1));
        Fixtures.randomize(net, 3);
        new Pruner(Scorers.create("magnitude"), Granularities.create("neuron"), Scope.GLOBAL, Map.of(),
                new KeptUnits(1, 8), Double.NaN)
                .prune(Layers.select(net, "hidden"), 0.3, new ScoringContext(net, VECTORS, 1, 16, 1), new MaskSet());
        int first = 24 - zeroColumns(net.getParam("0_W"));
        int second = 20 - zeroColumns(net.getParam("1_W"));
        assertTrue(first % 8 == 0 && first < 24, "first layer keeps " + first);
        assertTrue(second % 8 == 0 || second == 20, "second layer keeps " + second);
    }

    private static int zeroColumns(INDArray w) {
        int zeros = 0;
        for (int j = 0; j < w.columns(); j++) {
            zeros += absSum(w.getColumn(j)) == 0 ? 1 : 0;
        }
        return zeros;
    }

    /**
     * After pruning filters of the last convolution, the dense layer after the flatten must not
     * read them: if rows j*h*w .. (j+1)*h*w-1 are the ones masked, changing a pruned filter's
     * weights and bias leaves the output unchanged.
     */
    @Test
    void filterMasksTheChannelMajorRowsAfterAFlatten() {
        Network net = Network.of(CnnFactory.small(16, 16, 1, 2, 1e-3, 1));
        // conv1 (index 2) has 8 filters; its pooled maps are 2x2, so dense0 reads 4 rows a filter
        assertEquals(32, net.getParam("4_W").rows());
        MaskSet masks = prune(net, "filter", "conv1", 0.5, 1, IMAGES);
        INDArray w = net.getParam("2_W");
        INDArray dense = net.getParam("4_W");
        INDArray x = Nd4j.rand(3, 256);
        INDArray before = net.output(x);
        int pruned = 0;
        for (int j = 0; j < 8; j++) {
            INDArray filter = w.get(NDArrayIndex.point(j));
            INDArray rows = dense.get(NDArrayIndex.interval(j * 4, j * 4 + 4), NDArrayIndex.all());
            if (absSum(filter) == 0) {
                pruned++;
                assertEquals(0, absSum(rows), "rows of filter " + j);
                filter.assign(Nd4j.rand(filter.shape()).addi(1));
                net.getParam("2_b").putScalar(0, j, 5);
            } else {
                assertTrue(absSum(rows) > 0, "rows of kept filter " + j);
            }
        }
        assertEquals(4, pruned);
        assertTrue(before.equalsWithEps(net.output(x), 1e-6), "pruned filters still reach the output");
        assertFalse(masks.isEmpty());
    }

    @Test
    void filterBeforeAConvolutionMasksItsInputChannel() {
        Network net = Network.of(CnnFactory.small(16, 16, 1, 2, 1e-3, 1));
        prune(net, "filter", "conv0", 0.5, 1, IMAGES);
        INDArray w0 = net.getParam("0_W");
        INDArray w2 = net.getParam("2_W");
        for (int j = 0; j < 4; j++) {
            boolean pruned = absSum(w0.get(NDArrayIndex.point(j))) == 0;
            assertEquals(pruned, absSum(w2.get(NDArrayIndex.all(), NDArrayIndex.point(j))) == 0, "channel " + j);
        }
        assertEquals(2, zeroFilters(w0));
    }

    private static int zeroFilters(INDArray w) {
        int zeros = 0;
        for (int j = 0; j < w.size(0); j++) {
            zeros += absSum(w.get(NDArrayIndex.point(j))) == 0 ? 1 : 0;
        }
        return zeros;
    }

    @Test
    void channelIsScoredByTheConsumerAndRemovesTheProducersFilter() {
        Network net = Network.of(CnnFactory.small(16, 16, 1, 2, 1e-3, 1));
        Fixtures.randomize(net, 3);
        INDArray w0 = net.getParam("0_W");
        INDArray w2 = net.getParam("2_W");
        // filter 1 of conv0 is the largest, but conv1 barely reads channel 1
        w0.get(NDArrayIndex.point(1)).muli(100);
        w2.get(NDArrayIndex.all(), NDArrayIndex.point(1)).muli(0.001);
        assertFalse(Granularities.create("channel").appliesTo(net.prunable().get(0), net), "conv0 has no producer");
        MaskSet masks = prune(net, "channel", "all", 0.25, 1, IMAGES);
        assertEquals(0, absSum(w2.get(NDArrayIndex.all(), NDArrayIndex.point(1))));
        assertEquals(0, absSum(w0.get(NDArrayIndex.point(1))));
        assertTrue(net.getParam("0_b").getDouble(0, 1) == 0);
        assertEquals(1, zeroFilters(w0));
        assertTrue(Fixtures.maskedAreZero(net, masks));
    }

    @Test
    void nmKeepsTheLargestNOfEveryMAlongTheInputs() {
        Network net = Network.of(MlpFactory.build(10, List.of(3), 2, 1e-3, 1));
        Fixtures.randomize(net, 5);
        float[][] before = net.getParam("0_W").toFloatMatrix();
        prune(net, "2:4", "dense0", 0.9, 1, Fixtures.data(16, new int[] {10}, 2, 1));
        float[][] after = net.getParam("0_W").toFloatMatrix();
        for (int col = 0; col < 3; col++) {
            for (int start = 0; start < 10; start += 4) {
                int size = Math.min(4, 10 - start);
                float[] block = new float[size];
                int nonzero = 0;
                for (int r = 0; r < size; r++) {
                    block[r] = Math.abs(before[start + r][col]);
                    nonzero += after[start + r][col] != 0 ? 1 : 0;
                }
                assertEquals(2, nonzero, "block at row " + start + ", column " + col);
                float[] sorted = block.clone();
                java.util.Arrays.sort(sorted);
                for (int r = 0; r < size; r++) {
                    boolean large = block[r] >= sorted[size - 2];
                    assertEquals(large, after[start + r][col] != 0, "row " + (start + r) + ", column " + col);
                }
            }
        }
    }

    @Test
    void nmBlocksRunAlongInputChannelsOfConvolutions() {
        Network net = Network.of(CnnFactory.build(12, 12, 1, new int[] {8, 4}, 3, new int[] {8}, 2, 1e-3, 1));
        prune(net, "1:4", "all", 0.1, 1, Fixtures.data(8, new int[] {12, 12, 1}, 2, 1));
        assertEquals(0, zeroFilters(net.getParam("0_W")), "conv0 has a single input channel: left alone");
        float[] w = Arrays.floats(net.getParam("2_W"));
        // [4, 8, 3, 3]: for each filter and kernel position, channels 0-3 and 4-7 keep one weight each
        for (int f = 0; f < 4; f++) {
            for (int pos = 0; pos < 9; pos++) {
                for (int block = 0; block < 2; block++) {
                    int nonzero = 0;
                    for (int c = block * 4; c < block * 4 + 4; c++) {
                        nonzero += w[(f * 8 + c) * 9 + pos] != 0 ? 1 : 0;
                    }
                    assertEquals(1, nonzero);
                }
            }
        }
        assertThrows(BadInputException.class, () -> new Pruner(Scorers.create("magnitude"),
                Granularities.create("2:4"), Scope.GLOBAL, Map.of()));
    }

    @Test
    void weightGranularityPrunesTheRatioOfEachLayer() {
        Network net = Network.of(MlpFactory.build(4, List.of(5), 2, 1e-3, 1));
        prune(net, "weight", "all", 0.5, 1, VECTORS);
        assertEquals(10, net.getParam("0_W").length() - net.getParam("0_W").neq(0).castTo(DataType.INT)
                .sumNumber().intValue());
        assertArrayEquals(new long[] {4, 5}, net.getParam("0_W").shape());
    }
}
