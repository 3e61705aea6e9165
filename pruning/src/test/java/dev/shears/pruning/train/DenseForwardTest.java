package dev.shears.pruning.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import java.util.BitSet;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The lean forward pass gives DL4J's {@code output} bit for bit, and the evaluator's scores through it
 * are those computed from DL4J's output.
 */
class DenseForwardTest {

    @Test
    void probabilitiesAreDl4jOutputBitForBitOnTheQuickstartsShapes() {
        MultiLayerNetwork net = MlpFactory.build(784, List.of(300, 100), 10, 1e-3, 5);
        assertSameOutput(net, Fixtures.data(128, new int[] {784}, 10, 3));
    }

    @Test
    void probabilitiesAreDl4jOutputBitForBitForTanhSigmoidAndIdentityLayers() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(4).updater(new Adam(1e-2))
                .list()
                .layer(new DenseLayer.Builder().nIn(20).nOut(12).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(12).nOut(9).activation(Activation.SIGMOID).build())
                .layer(new DenseLayer.Builder().nIn(9).nOut(7).activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(7).nOut(4)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        assertSameOutput(net, Fixtures.data(37, new int[] {20}, 4, 2));
    }

    @Test
    void evaluatorScoresAreThoseOfDl4jOutputOverFullAndShortBatches() {
        Network net = Network.of(MlpFactory.build(20, List.of(16, 8), 4, 1e-2, 3));
        LabeledData data = Fixtures.data(2500, new int[] {20}, 4, 7);
        assertEquals(dl4jScore(net, data, 0, 2500), Evaluator.evaluate(net, data));
        assertEquals(dl4jScore(net, data, 2100, 2500), Evaluator.evaluate(net, data, 2100, 2500));
    }

    /** Accuracy and mean cross-entropy from DL4J's output, over the evaluator's batches of 1000 rows (a product's rounding depends on its row count). */
    private static Evaluator.Score dl4jScore(Network net, LabeledData data, int from, int to) {
        BitSet correct = new BitSet();
        double loss = 0;
        for (int start = from; start < to; start += 1000) {
            int end = Math.min(to, start + 1000);
            float[] probs = net.output(data.featureRows(start, end)).dup('c').data().asFloat();
            for (int i = 0; i < end - start; i++) {
                int label = data.labels()[start + i];
                int best = 0;
                for (int c = 1; c < 4; c++) {
                    best = probs[i * 4 + c] > probs[i * 4 + best] ? c : best;
                }
                correct.set(start - from + i, best == label);
                loss -= Math.log(Math.max(probs[i * 4 + label], 1e-12));
            }
        }
        return new Evaluator.Score((double) correct.cardinality() / (to - from), loss / (to - from), correct);
    }

    private static void assertSameOutput(MultiLayerNetwork net, LabeledData data) {
        DenseForward forward = new DenseForward(net);
        DenseForward.Activations act = forward.activations(data.size());
        act.xData.put(0, data.features(), 0, data.features().length);
        forward.run(act);
        float[] lean = act.a[forward.layers() - 1].dup('c').data().asFloat();
        float[] dl4j = net.output(data.featureRows(0, data.size()), false).dup('c').data().asFloat();
        assertArrayEquals(Fixtures.bits(dl4j), Fixtures.bits(lean));
    }
}
