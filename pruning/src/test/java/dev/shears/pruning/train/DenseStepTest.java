package dev.shears.pruning.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.CnnFactory;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.MaskSet;
import dev.shears.pruning.run.NativeBuild;
import java.util.List;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The lean step against DL4J's fit: from the same parameters, on the same batches, parameters and
 * loss must agree after 16 steps (learning rate 1e-2, parameters of size about 1).
 * The step calls the same products with the same layouts and the same element-wise operations as
 * DL4J, and its update is the same float32 arithmetic in the same order, so on the default
 * nd4j-native build they agree bit for bit, and that is what is asserted there. On another build
 * (AVX2, AVX-512) they are asserted to agree within 1e-6: DL4J's native Adam may fuse multiply-adds
 * and round a moment differently in its last bit. A wrong update (a missed bias correction, a
 * gradient not divided by the batch size, a step too many) moves parameters by 1e-3 or more.
 */
class DenseStepTest {

    /** On the default build: none, every value the same float (see the class comment). */
    private static final double TOLERANCE = NativeBuild.select() == NativeBuild.Build.GENERIC ? 0 : 1e-6;
    private static final LabeledData DATA = Fixtures.data(100, new int[] {20}, 4, 1);

    @Test
    void matchesDl4jFitForTheSearchsMlpWithAMaskHeld() {
        Network net = Network.of(MlpFactory.build(20, List.of(16, 8), 4, 1e-2, 3));
        assertSameTraining(net, randomMask(net, 0.5, 5), null);
    }

    @Test
    void matchesDl4jFitForTanhAndSigmoidWithAdam() {
        Network net = network(new Adam(1e-2), Activation.TANH, 24, Activation.SIGMOID, 12);
        assertSameTraining(net, randomMask(net, 0.7, 6), null);
    }

    @Test
    void matchesDl4jFitWithSgdAndAnIdentityLayer() {
        Network net = network(new Sgd(0.1), Activation.IDENTITY, 10, Activation.RELU, 6);
        assertSameTraining(net, randomMask(net, 0.3, 7), null);
    }

    @Test
    void matchesDl4jFitOnDistillationTargets() {
        Network teacher = Network.of(MlpFactory.build(20, List.of(16), 4, 1e-2, 8));
        Trainer.fitWithDl4j(teacher, DATA, null, 1, 32, 1e-2, 1, null, null);
        float[] targets = Distillation.targets(teacher, DATA, 0.5, 4);
        Network student = Network.of(MlpFactory.build(20, List.of(16, 8), 4, 1e-2, 9));
        assertSameTraining(student, randomMask(student, 0.5, 10), targets);
    }

    @Test
    void aMaskTightenedDuringTrainingIsHeldFromTheNextStep() {
        Network lean = Network.of(MlpFactory.build(20, List.of(16, 8), 4, 1e-2, 11));
        Network dl4j = lean.copy();
        MaskSet leanMask = randomMask(lean, 0.3, 12);
        MaskSet dl4jMask = leanMask.copy();
        MaskSet tighter = randomMask(lean, 0.5, 13);
        Trainer.fit(lean, DATA, null, 2, 32, 1e-2, 1, leanMask, (step, total) -> {
            if (step == 3) {
                tighter.all().forEach(leanMask::put);
            }
        });
        Trainer.fitWithDl4j(dl4j, DATA, null, 2, 32, 1e-2, 1, dl4jMask, (step, total) -> {
            if (step == 3) {
                tighter.all().forEach(dl4jMask::put);
            }
        });
        assertClose(dl4j, lean);
        assertTrue(Fixtures.maskedAreZero(lean, tighter));
    }

    @Test
    void parametersAHookChangesAreTrainedOnFromTheNextStep() {
        Network lean = Network.of(MlpFactory.build(20, List.of(16, 8), 4, 1e-2, 18));
        Network dl4j = lean.copy();
        Trainer.fit(lean, DATA, null, 2, 32, 1e-2, 1, randomMask(lean, 0.3, 19), halvedAtStep(lean, 3));
        Trainer.fitWithDl4j(dl4j, DATA, null, 2, 32, 1e-2, 1, randomMask(dl4j, 0.3, 19), halvedAtStep(dl4j, 3));
        assertClose(dl4j, lean);
    }

    @Test
    void aFitAfterAnotherOnTheSameThreadTrainsAsOnAFreshThread() throws Exception {
        Network fresh = Network.of(MlpFactory.build(20, List.of(16, 8), 4, 1e-2, 15));
        Network reused = fresh.copy();
        Thread other = new Thread(() -> Trainer.fit(fresh, DATA, null, 1, 32, 1e-2, 2, randomMask(fresh, 0.4, 16), null));
        other.start();
        other.join();
        // a fit of as many parameters first, with another mask and rate: its arrays are what the next fit gets
        Network before = network(new Adam(1e-3), Activation.RELU, 16, Activation.RELU, 8);
        Trainer.fit(before, DATA, null, 1, 32, 1e-3, 3, randomMask(before, 0.8, 17), null);
        Trainer.fit(reused, DATA, null, 1, 32, 1e-2, 2, randomMask(reused, 0.4, 16), null);
        // the same code on the same data: nothing but left-over state could make them differ at all
        assertBitForBit(fresh.params(), reused.params());
        assertBitForBit(fresh.chain().orElseThrow().updaterState(), reused.chain().orElseThrow().updaterState());
    }

    /**
     * The switch users have: the same fit and evaluation of a dense chain with a mask held, once on the dense path
     * and once with the fast paths switched off, give the same network and score.
     */
    @Test
    void switchedOffTheFastPathTrainsAndScoresTheSameDenseChain() {
        Network fast = Network.of(MlpFactory.build(20, List.of(16, 8), 4, 1e-2, 20));
        Network slow = fast.copy();
        MaskSet mask = randomMask(fast, 0.5, 21);
        MaskSet slowMask = mask.copy();
        INDArray start = fast.params().dup();
        assertEquals(ComputePath.DENSE, ComputePath.of(fast));
        Trainer.fit(fast, DATA, null, 2, 32, 1e-2, 3, mask, null);
        Evaluator.Score fastScore = Evaluator.evaluate(fast, DATA);
        Evaluator.Score slowScore;
        System.setProperty(ComputePath.PROPERTY, "off");
        try {
            assertEquals(ComputePath.DL4J, ComputePath.of(slow));
            Trainer.fit(slow, DATA, null, 2, 32, 1e-2, 3, slowMask, null);
            slowScore = Evaluator.evaluate(slow, DATA);
        } finally {
            System.clearProperty(ComputePath.PROPERTY);
        }
        assertTrue(maxAbs(fast.params().sub(start)) > 1e-3, "nothing was trained");
        assertClose(slow, fast);
        assertTrue(Fixtures.maskedAreZero(fast, mask));
        assertTrue(Fixtures.maskedAreZero(slow, slowMask));
        assertEquals(slowScore.loss(), fastScore.loss(), TOLERANCE);
        // one row of 100 predicted differently would move accuracy by 0.01
        assertEquals(slowScore.accuracy(), fastScore.accuracy(), 1e-9);
    }

    @Test
    void theNetworksTheSearchBuildsAreSupported() {
        assertNull(ComputePath.DENSE.unsupported(Network.of(MlpFactory.build(784, List.of(300, 100), 10, 1e-3, 1))));
        assertNull(ComputePath.DENSE.unsupported(network(new Sgd(0.1), Activation.IDENTITY, 5)));
    }

    @Test
    void unsupportedNetworksFallBackToDl4jFit() {
        Network cnn = Network.of(CnnFactory.small(12, 12, 1, 4, 1e-3, 1));
        assertTrue(ComputePath.DENSE.unsupported(cnn).contains("not a DenseLayer"), ComputePath.DENSE.unsupported(cnn));
        Network mse = mlp(new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-2)),
                LossFunctions.LossFunction.MSE, Activation.SOFTMAX);
        assertTrue(ComputePath.DENSE.unsupported(mse).contains("loss"), ComputePath.DENSE.unsupported(mse));
        // the dense step does not check again what it is given: the path refuses it
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> ComputePath.DENSE.step(mse, DATA, null, null));
        assertTrue(refused.getMessage().contains("loss"), refused.getMessage());
        Network dropout = mlp(new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-2))
                .dropOut(0.5), LossFunctions.LossFunction.MCXENT, Activation.SOFTMAX);
        assertTrue(ComputePath.DENSE.unsupported(dropout).contains("dropout"), ComputePath.DENSE.unsupported(dropout));
        Network nesterovs = mlp(new NeuralNetConfiguration.Builder().seed(1)
                .updater(new org.nd4j.linalg.learning.config.Nesterovs(0.1)), LossFunctions.LossFunction.MCXENT,
                Activation.SOFTMAX);
        assertTrue(ComputePath.DENSE.unsupported(nesterovs).contains("updater"),
                ComputePath.DENSE.unsupported(nesterovs));

        // L2 is deterministic, so taking DL4J's fit shows as results identical to it, not just close
        Network l2 = mlp(new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-2)).l2(1e-2),
                LossFunctions.LossFunction.MCXENT, Activation.SOFTMAX);
        assertTrue(ComputePath.DENSE.unsupported(l2).contains("regularization"), ComputePath.DENSE.unsupported(l2));
        Network reference = l2.copy();
        MaskSet mask = randomMask(l2, 0.5, 14);
        Trainer.fit(l2, DATA, null, 1, 32, 1e-2, 1, mask, null);
        Trainer.fitWithDl4j(reference, DATA, null, 1, 32, 1e-2, 1, mask, null);
        assertBitForBit(reference.params(), l2.params());
        assertTrue(Fixtures.maskedAreZero(l2, mask));
    }

    /**
     * Two fits in a row (the updater's state and iteration count carry over, as schedules that
     * fine-tune in rounds rely on), 100 rows at batch 32 (a last batch of 4): parameters, loss and
     * iteration count agree, and the masked values are exactly zero.
     */
    private static void assertSameTraining(Network net, MaskSet mask, float[] targets) {
        assertNull(ComputePath.DENSE.unsupported(net));
        Network dl4j = net.copy();
        MaskSet dl4jMask = mask.copy();
        INDArray start = net.params().dup();
        for (int round = 0; round < 2; round++) {
            Trainer.fit(net, DATA, targets, 2, 32, 0, round, mask, null);
            Trainer.fitWithDl4j(dl4j, DATA, targets, 2, 32, 0, round, dl4jMask, null);
        }
        assertClose(dl4j, net);
        // agreement must not come from nothing having been trained
        assertTrue(maxAbs(net.params().sub(start)) > 1e-3);
        assertEquals(16, net.chain().orElseThrow().getIterationCount());
        assertEquals(dl4j.chain().orElseThrow().getIterationCount(), net.chain().orElseThrow().getIterationCount());
        assertTrue(Fixtures.maskedAreZero(net, mask));
        DataSet all = DATA.batch(0, DATA.size());
        assertEquals(dl4j.chain().orElseThrow().score(all), net.chain().orElseThrow().score(all), TOLERANCE);
    }

    /** Every value the same float to the bit (the sign of a zero included), not merely close. */
    private static void assertBitForBit(INDArray expected, INDArray actual) {
        assertArrayEquals(Fixtures.bits(expected), Fixtures.bits(actual));
    }

    private static void assertClose(Network expected, Network actual) {
        if (TOLERANCE == 0) {
            assertBitForBit(expected.params(), actual.params());
        } else {
            double largest = maxAbs(expected.params().sub(actual.params()));
            assertTrue(largest <= TOLERANCE, "parameters differ by up to " + largest);
        }
    }

    private static double maxAbs(INDArray a) {
        return a.amaxNumber().doubleValue();
    }

    /** A hook that changes the network's parameters outside the step, as pruning during training does. */
    private static Trainer.StepHook halvedAtStep(Network net, long at) {
        return (step, total) -> {
            if (step == at) {
                net.params().muli(0.5);
            }
        };
    }

    /** Keeps a seeded random share of every weight matrix (not applied: training applies it after every step). */
    private static MaskSet randomMask(Network net, double pruned, long seed) {
        Nd4j.getRandom().setSeed(seed);
        MaskSet m = new MaskSet();
        for (int l = 0; l < net.chain().orElseThrow().getnLayers(); l++) {
            INDArray w = net.getParam(l + "_W");
            m.put(l + "_W", Nd4j.rand(DataType.FLOAT, w.shape()).gt(pruned).castTo(DataType.FLOAT));
        }
        return m;
    }

    private static Network network(IUpdater updater, Object... hidden) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(2).updater(updater).list();
        int nIn = 20;
        for (int i = 0; i < hidden.length; i += 2) {
            int nOut = (Integer) hidden[i + 1];
            list.layer(new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation((Activation) hidden[i]).build());
            nIn = nOut;
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(nIn).nOut(4)
                .activation(Activation.SOFTMAX).build());
        Network net = Network.of(new MultiLayerNetwork(list.build()));
        net.model().init();
        return net;
    }

    private static Network mlp(NeuralNetConfiguration.Builder builder, LossFunctions.LossFunction loss,
                                         Activation output) {
        Network net = Network.of(new MultiLayerNetwork(builder.list()
                .layer(new DenseLayer.Builder().nIn(20).nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(loss).nIn(8).nOut(4).activation(output).build())
                .build()));
        net.model().init();
        return net;
    }
}
