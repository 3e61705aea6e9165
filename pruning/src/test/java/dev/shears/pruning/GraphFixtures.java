package dev.shears.pruning;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Graphs, inputs and checks shared by the tests of computation graphs. */
public final class GraphFixtures {

    private GraphFixtures() {
    }

    /**
     * Two convolution branches on 8x8x1 images (3 and 5 filters, the second with batch
     * normalisation), concatenated and flattened into a dense layer, then a 3-class output: the
     * dense layer reads branch a's channels at rows 0..191 and branch b's from row 192, 64 rows each.
     */
    public static ComputationGraph concatFlatten(long seed) {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(seed)
                .updater(new Adam(1e-2)).graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutionalFlat(8, 8, 1))
                .addLayer("a", new ConvolutionLayer.Builder(3, 3).nOut(3).padding(1, 1).activation(Activation.RELU)
                        .build(), "in")
                .addLayer("b", new ConvolutionLayer.Builder(3, 3).nOut(5).padding(1, 1).activation(Activation.IDENTITY)
                        .build(), "in")
                .addLayer("b_bn", new BatchNormalization.Builder().activation(Activation.RELU).build(), "b")
                .addVertex("cat", new MergeVertex(), "a", "b_bn")
                .addLayer("dense", new DenseLayer.Builder().nOut(6).activation(Activation.RELU).build(), "cat")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("output")
                .build());
        net.init();
        return net;
    }

    /** Seeded uniform rows in [0, 1), as flat images arrive. */
    public static INDArray rows(int rows, int width, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(rows, width);
    }

    /** A few Adam steps on random rows and labels, so that batch normalisation's running statistics are not trivial. */
    public static void train(ComputationGraph net, int width, int classes, int steps, long seed) {
        for (int s = 0; s < steps; s++) {
            INDArray x = rows(16, width, seed + s);
            INDArray y = Nd4j.zeros(16, classes);
            for (int i = 0; i < 16; i++) {
                y.putScalar(i, (i * 7 + s) % classes, 1);
            }
            net.fit(new DataSet(x, y));
        }
    }

    /** Both graphs' outputs on the same random rows agree within {@code 1e-4} of the largest output. */
    public static void assertSameOutputs(ComputationGraph expected, ComputationGraph actual, int width) {
        INDArray x = rows(16, width, 11);
        INDArray a = expected.outputSingle(false, x);
        INDArray b = actual.outputSingle(false, x);
        double diff = a.sub(b).amaxNumber().doubleValue();
        double scale = Math.max(1e-6, a.amaxNumber().doubleValue());
        assertTrue(diff <= 1e-4 * scale, "largest output difference " + diff + " of " + scale);
    }
}
