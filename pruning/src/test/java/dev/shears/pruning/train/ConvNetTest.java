package dev.shears.pruning.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.CnnFactory;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.ResNetFactory;
import dev.shears.pruning.prune.MaskSet;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The oneDNN path against Deeplearning4j's own layers, per layer kind and for whole training runs.
 * oneDNN sums products in another order than DL4J's im2col and products, so results agree to float
 * rounding, not bit for bit: forward passes to 1e-4 relative, and parameters after 16 Adam steps at
 * learning rate 1e-2 to 1e-4 (a wrong gradient, padding or layout moves them by 1e-3 or more, and
 * the outputs by far more than 1e-4).
 */
class ConvNetTest {

    private static final LabeledData DATA = Fixtures.data(100, new int[] {12, 12, 1}, 4, 1);
    private static final double FORWARD_TOLERANCE = 1e-4;
    private static final double TRAINING_TOLERANCE = 1e-4;

    @Test
    void convolutionAloneAsDl4j() {
        assertSameForward(chain(new Adam(1e-2), conv(3, 1, 5, Activation.RELU, ConvolutionMode.Truncate)));
    }

    @Test
    void maxAndAveragePoolingAsDl4j() {
        assertSameForward(chain(new Adam(1e-2), conv(3, 1, 4, Activation.RELU, ConvolutionMode.Truncate), maxPool()));
        assertSameForward(chain(new Adam(1e-2), conv(3, 1, 4, Activation.IDENTITY, ConvolutionMode.Truncate),
                new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build()));
    }

    @Test
    void windowsThatLeaveRowsOverAsDl4j() {
        // Truncate mode drops what does not fill a window: 10 rows pooled 3 by 3 leave one, a 4-wide kernel by 3 over 12 two
        assertSameForward(chain(new Adam(1e-2), conv(3, 1, 4, Activation.RELU, ConvolutionMode.Truncate),
                new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(3, 3).stride(3, 3).build()));
        assertSameForward(chain(new Adam(1e-2), conv(4, 3, 4, Activation.RELU, ConvolutionMode.Truncate)));
    }

    @Test
    void stridedSameModeConvolutionsAndDenseLayersAsDl4j() {
        assertSameForward(chain(new Adam(1e-2), conv(3, 2, 6, Activation.TANH, ConvolutionMode.Same),
                conv(3, 1, 5, Activation.SIGMOID, ConvolutionMode.Same),
                new DenseLayer.Builder().nOut(7).activation(Activation.RELU).build()));
    }

    @Test
    void lenetShapeAsDl4j() {
        assertSameForward(Network.of(CnnFactory.small(12, 12, 1, 4, 1e-2, 3)));
    }

    @Test
    void residualGraphsAsDl4j() {
        // identity and projection shortcuts, then global average pooling; with batch normalisation and concatenation
        assertSameForward(Network.of(ResNetFactory.build(12, 12, 1, 4, 1e-2, 5, false, false)));
        assertSameForward(Network.of(ResNetFactory.resnetSmall(12, 12, 1, 4, 1e-2, 6)));
    }

    @Test
    void residualGraphsTrainAsDl4j() {
        Network plain = Network.of(ResNetFactory.build(12, 12, 1, 4, 1e-2, 7, false, true));
        assertSameTraining(plain, randomMask(plain, 0.3, 8));
    }

    /**
     * Batch normalisation, step by step: from the same state (DL4J's after each step), one step of each path gives
     * the same parameters to 1e-3, a tenth of an Adam step at this rate, running statistics included, over two epochs
     * with a mask held and a short last batch. Adam's first step is about rate x g / (|g| + eps): for a gradient near
     * eps in size float rounding becomes a visible part of it (1.7e-4 on an AVX2 CPU; the steps after stay within
     * 1e-5); a wrong gradient moves a parameter by the whole step. Over many steps the two drift apart faster than in networks without it (a masked, normalised network
     * amplifies float rounding by about 2.5 a step here), so whole runs are compared step by step, not at the end.
     * The convolutions have no bias, as torchvision's before a normalisation.
     */
    @Test
    void batchNormalisationTrainsAsDl4jStepByStep() {
        Network dl4j = Network.of(ResNetFactory.build(12, 12, 1, 4, 1e-2, 11, true, true, false));
        MaskSet mask = randomMask(dl4j, 0.3, 12);
        assertEquals(ComputePath.CONV, ComputePath.of(dl4j), ComputePath.CONV.unsupported(dl4j));
        for (int epoch = 0; epoch < 2; epoch++) {
            int[] order = DATA.permutation(epoch);
            for (int from = 0; from < order.length; from += 32) {
                LabeledData batch = DATA.rows(java.util.Arrays.copyOfRange(order, from, Math.min(order.length, from + 32)));
                // both from copies of the same state (a copy carries the parameters, not all of DL4J's training state)
                Network fast = dl4j.copy();
                dl4j = dl4j.copy();
                Trainer.fit(fast, batch, null, 1, 32, 0, 1, mask.copy(), null);
                Trainer.fitWithDl4j(dl4j, batch, null, 1, 32, 0, 1, mask, null);
                for (java.util.Map.Entry<String, INDArray> p : fast.paramTable().entrySet()) {
                    assertClose("epoch " + epoch + ", rows from " + from + ": " + p.getKey(), dl4j.getParam(p.getKey()),
                            p.getValue(), 1e-3);
                }
            }
        }
        assertTrue(Fixtures.maskedAreZero(dl4j, mask));
    }

    /**
     * resnet-small as the search builds it, with a bias before each normalisation: such a bias's true gradient is zero
     * (the normalisation subtracts it again), so each path's is rounding noise of its own, which Adam scales to steps
     * of the full learning rate, and the biases and running means wander apart. What the network computes still
     * agrees: its predictions on the data after training.
     */
    @Test
    void resnetSmallTrainsToDl4jsPredictions() {
        Network fast = Network.of(ResNetFactory.resnetSmall(12, 12, 1, 4, 1e-2, 9));
        Network dl4j = fast.copy();
        MaskSet mask = randomMask(fast, 0.3, 10);
        MaskSet dl4jMask = mask.copy();
        Trainer.fit(fast, DATA, null, 1, 32, 0, 1, mask, null);
        Trainer.fitWithDl4j(dl4j, DATA, null, 1, 32, 0, 1, dl4jMask, null);
        assertTrue(Fixtures.maskedAreZero(fast, mask));
        assertClose(dl4j.output(DATA.featureRows(0, DATA.size())), fast.output(DATA.featureRows(0, DATA.size())), 0.02);
        assertEquals(Evaluator.evaluate(dl4j, DATA).accuracy(), Evaluator.evaluate(fast, DATA).accuracy(), 0.03);
    }

    /** What the gradient-based scorers (gradient, Taylor, Fisher) read: every parameter's raw gradient, as DL4J's. */
    @Test
    void gradientsAsDl4j() {
        for (Network net : List.of(Network.of(CnnFactory.small(12, 12, 1, 4, 1e-2, 13)),
                Network.of(ResNetFactory.resnetSmall(12, 12, 1, 4, 1e-2, 14)))) {
            org.nd4j.linalg.dataset.DataSet batch = DATA.batch(0, 32);
            java.util.Map<String, INDArray> dl4j = new java.util.HashMap<>();
            net.gradient(batch).gradientForVariable().forEach((k, v) -> dl4j.put(k, v.dup()));
            java.util.Map<String, INDArray> fast = ComputePath.CONV.gradient(net, batch);
            assertEquals(net.paramTable().keySet(), fast.keySet());
            for (String key : dl4j.keySet()) {
                if (!key.endsWith("_mean") && !key.endsWith("_log10stdev")) {
                    assertClose(key, dl4j.get(key), fast.get(key), FORWARD_TOLERANCE);
                }
            }
        }
    }

    /** What the activation-based scorers (activation mean, APoZ, entropy) read: each prunable layer's output, as DL4J's. */
    @Test
    void prunableLayersOutputsAsDl4j() {
        for (Network net : List.of(Network.of(CnnFactory.small(12, 12, 1, 4, 1e-2, 15)),
                Network.of(ResNetFactory.resnetSmall(12, 12, 1, 4, 1e-2, 16)))) {
            INDArray features = DATA.featureRows(0, 40);
            java.util.Map<String, INDArray> dl4j = net.activations(features);
            java.util.Map<String, INDArray> fast = ComputePath.CONV.activations(net, features);
            assertEquals(net.prunable().stream().map(dev.shears.pruning.model.PrunableLayer::key)
                    .collect(java.util.stream.Collectors.toSet()), fast.keySet());
            for (String key : fast.keySet()) {
                assertEquals(java.util.Arrays.toString(dl4j.get(key).shape()), java.util.Arrays.toString(fast.get(key).shape()), key);
                assertClose(key, dl4j.get(key), fast.get(key), FORWARD_TOLERANCE);
            }
        }
    }

    @Test
    void trainsAsDl4jWithAMaskHeld() {
        Network net = Network.of(CnnFactory.small(12, 12, 1, 4, 1e-2, 4));
        assertSameTraining(net, randomMask(net, 0.5, 5));
    }

    /**
     * With oneDNN's slow kernels bypassed and without, whichever this CPU would choose: max pooling's training passes
     * (windows, Same mode, global) in Java or on oneDNN, a first convolution's weight and bias gradients as a
     * convolution of the batch or on oneDNN's weight-gradient kernel.
     */
    @Test
    void trainsAsDl4jWithOneDnnsSlowKernelsBypassedAndNot() {
        for (String where : List.of("on", "off")) {
            System.setProperty(ComputePath.BYPASS_PROPERTY, where);
            try {
                Network net = Network.of(CnnFactory.small(12, 12, 1, 4, 1e-2, 17));
                try (ConvNet training = new ConvNet(net, 32, net.gradientArray());
                     ConvNet inference = new ConvNet(net, 32, null)) {
                    // two poolings and the first convolution's weight gradient
                    assertEquals(where.equals("on") ? 3 : 0, training.bypassed(), where);
                    assertEquals(0, inference.bypassed());
                }
                assertSameTraining(net, randomMask(net, 0.5, 18));
                Network same = chain(new Sgd(0.05), conv(3, 1, 5, Activation.RELU, ConvolutionMode.Same),
                        new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(3, 3).stride(2, 2)
                                .convolutionMode(ConvolutionMode.Same).build(),
                        new DenseLayer.Builder().nOut(7).activation(Activation.SIGMOID).build());
                assertSameTraining(same, randomMask(same, 0.3, 19));
                Network global = chain(new Adam(1e-2), conv(3, 1, 5, Activation.RELU, ConvolutionMode.Truncate),
                        new GlobalPoolingLayer.Builder(PoolingType.MAX).build(),
                        new DenseLayer.Builder().nOut(7).activation(Activation.RELU).build());
                try (ConvNet training = new ConvNet(global, 32, global.gradientArray())) {
                    assertEquals(where.equals("on") ? 2 : 0, training.bypassed(), where);
                }
                assertSameTraining(global, randomMask(global, 0.3, 20));
            } finally {
                System.clearProperty(ComputePath.BYPASS_PROPERTY);
            }
        }
    }

    @Test
    void oneDnnsKernelsBypassedWhereTheyAreNotAvx512Ones() {
        assertTrue(ComputePath.bypass("jit:avx2"));
        assertTrue(ComputePath.bypass("jit:sse41"));
        assertFalse(ComputePath.bypass("jit:avx512_core"));
        System.setProperty(ComputePath.BYPASS_PROPERTY, "off");
        try {
            assertFalse(ComputePath.bypass("jit:avx2"));
            System.setProperty(ComputePath.BYPASS_PROPERTY, "on");
            assertTrue(ComputePath.bypass("jit:avx512_core"));
        } finally {
            System.clearProperty(ComputePath.BYPASS_PROPERTY);
        }
    }

    @Test
    void trainsAsDl4jWithSgdStridesAndSameMode() {
        Network net = chain(new Sgd(0.05), conv(3, 2, 6, Activation.TANH, ConvolutionMode.Same),
                conv(3, 1, 5, Activation.RELU, ConvolutionMode.Same), maxPool(),
                new DenseLayer.Builder().nOut(7).activation(Activation.SIGMOID).build());
        assertSameTraining(net, randomMask(net, 0.3, 6));
    }

    @Test
    void aMaskTightenedDuringTrainingIsHeldFromTheNextStep() {
        Network fast = Network.of(CnnFactory.small(12, 12, 1, 4, 1e-2, 7));
        Network dl4j = fast.copy();
        MaskSet fastMask = randomMask(fast, 0.3, 8);
        MaskSet dl4jMask = fastMask.copy();
        MaskSet tighter = randomMask(fast, 0.6, 9);
        Trainer.fit(fast, DATA, null, 2, 32, 1e-2, 1, fastMask, (step, total) -> {
            if (step == 3) {
                tighter.all().forEach(fastMask::put);
            }
        });
        Trainer.fitWithDl4j(dl4j, DATA, null, 2, 32, 1e-2, 1, dl4jMask, (step, total) -> {
            if (step == 3) {
                tighter.all().forEach(dl4jMask::put);
            }
        });
        assertClose(dl4j.params(), fast.params(), TRAINING_TOLERANCE);
        assertTrue(Fixtures.maskedAreZero(fast, tighter));
    }

    @Test
    void switchedOffEveryNetworkTrainsWithDl4j() {
        Network net = Network.of(CnnFactory.small(12, 12, 1, 4, 1e-2, 10));
        Network reference = net.copy();
        assertEquals(ComputePath.CONV, ComputePath.of(net));
        System.setProperty(ComputePath.PROPERTY, "off");
        try {
            assertEquals(ComputePath.DL4J, ComputePath.of(net));
            Trainer.fit(net, DATA, null, 1, 32, 1e-2, 2, null, null);
        } finally {
            System.clearProperty(ComputePath.PROPERTY);
        }
        Trainer.fitWithDl4j(reference, DATA, null, 1, 32, 1e-2, 2, null, null);
        // the same code on the same data: identical to the bit, where the fast path differs in the last bits
        assertArrayEquals(Fixtures.bits(reference.params()), Fixtures.bits(net.params()));
    }

    @Test
    void layersItDoesNotRunGoToDl4j() {
        Network padded = chain(new Adam(1e-2), conv(3, 1, 4, Activation.RELU, ConvolutionMode.Truncate),
                new ZeroPaddingLayer.Builder(1, 1).build());
        assertEquals(ComputePath.DL4J, ComputePath.of(padded));
        assertTrue(ComputePath.CONV.unsupported(padded).contains("ZeroPaddingLayer"), ComputePath.CONV.unsupported(padded));
        Network keptDeviation = chain(new Adam(1e-2), conv(3, 1, 4, Activation.RELU, ConvolutionMode.Truncate),
                new BatchNormalization.Builder().useLogStd(false).build());
        assertTrue(ComputePath.CONV.unsupported(keptDeviation).contains("batch normalisation"),
                ComputePath.CONV.unsupported(keptDeviation));
        Network dropout = Network.of(new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).dropOut(0.5)
                .list().layer(conv(3, 1, 4, Activation.RELU, ConvolutionMode.Truncate))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(12, 12, 1)).build()));
        dropout.model().init();
        assertTrue(ComputePath.CONV.unsupported(dropout).contains("dropout"), ComputePath.CONV.unsupported(dropout));
        assertNull(ComputePath.CONV.unsupported(Network.of(CnnFactory.lenet5(28, 28, 1, 10, 1e-3, 1))));
    }

    /** Class probabilities of the evaluator's pass (oneDNN) against DL4J's output, on all rows. */
    private static void assertSameForward(Network net) {
        assertEquals(ComputePath.CONV, ComputePath.of(net), ComputePath.CONV.unsupported(net));
        INDArray expected = net.output(DATA.featureRows(0, DATA.size()));
        try (ConvNet pass = new ConvNet(net, DATA.size(), null)) {
            pass.input().put(0, DATA.features(), 0, DATA.size() * DATA.width());
            pass.forward();
            float[] probs = new float[DATA.size() * pass.classes()];
            pass.probabilities(probs);
            INDArray actual = Nd4j.create(probs, new long[] {DATA.size(), pass.classes()}, 'c');
            assertClose(expected, actual, FORWARD_TOLERANCE);
        }
        Evaluator.Score fast = Evaluator.evaluate(net, DATA);
        System.setProperty(ComputePath.PROPERTY, "off");
        try {
            Evaluator.Score dl4j = Evaluator.evaluate(net, DATA);
            assertEquals(dl4j.accuracy(), fast.accuracy(), 0.011);
            assertEquals(dl4j.loss(), fast.loss(), 1e-4 * Math.max(1, dl4j.loss()));
        } finally {
            System.clearProperty(ComputePath.PROPERTY);
        }
    }

    /** Two fits in a row (updater state and iteration count carry over), 100 rows at batch 32 (a last batch of 4). */
    private static void assertSameTraining(Network net, MaskSet mask) {
        assertEquals(ComputePath.CONV, ComputePath.of(net), ComputePath.CONV.unsupported(net));
        Network dl4j = net.copy();
        MaskSet dl4jMask = mask.copy();
        INDArray start = net.params().dup();
        for (int round = 0; round < 2; round++) {
            Trainer.fit(net, DATA, null, 2, 32, 0, round, mask, null);
            Trainer.fitWithDl4j(dl4j, DATA, null, 2, 32, 0, round, dl4jMask, null);
        }
        assertClose(dl4j.params(), net.params(), TRAINING_TOLERANCE);
        assertTrue(net.params().sub(start).amaxNumber().doubleValue() > 1e-3, "nothing was trained");
        assertEquals(16, net.iterationCount());
        assertTrue(Fixtures.maskedAreZero(net, mask));
        INDArray state = net.updater().getStateViewArray();
        if (state != null) {
            assertClose(dl4j.updater().getStateViewArray(), state, TRAINING_TOLERANCE);
        }
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance) {
        assertClose("values", expected, actual, tolerance);
    }

    private static void assertClose(String what, INDArray expected, INDArray actual, double tolerance) {
        INDArray e = expected.castTo(DataType.DOUBLE).reshape(expected.length());
        INDArray a = actual.castTo(DataType.DOUBLE).reshape(actual.length());
        double scale = Math.max(1, e.amaxNumber().doubleValue());
        double largest = e.sub(a).amaxNumber().doubleValue();
        assertTrue(largest <= tolerance * scale, what + " differ by up to " + largest + " (scale " + scale + ")");
    }

    private static Network chain(IUpdater updater, Layer... hidden) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(2).updater(updater)
                .weightInit(WeightInit.RELU).list();
        for (Layer layer : hidden) {
            list.layer(layer);
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4).activation(Activation.SOFTMAX).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(InputType.convolutionalFlat(12, 12, 1)).build());
        net.init();
        return Network.of(net);
    }

    private static ConvolutionLayer conv(int kernel, int stride, int filters, Activation activation, ConvolutionMode mode) {
        return new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).nOut(filters).activation(activation)
                .convolutionMode(mode).build();
    }

    private static SubsamplingLayer maxPool() {
        return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
    }

    /** Keeps a seeded random share of every weight array (not applied: training applies it after every step). */
    private static MaskSet randomMask(Network net, double pruned, long seed) {
        Nd4j.getRandom().setSeed(seed);
        MaskSet m = new MaskSet();
        for (java.util.Map.Entry<String, INDArray> p : net.paramTable().entrySet()) {
            if (p.getKey().endsWith("_W")) {
                m.put(p.getKey(), Nd4j.rand(DataType.FLOAT, p.getValue().shape()).gt(pruned).castTo(DataType.FLOAT));
            }
        }
        return m;
    }
}
