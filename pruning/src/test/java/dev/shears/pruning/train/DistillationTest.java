package dev.shears.pruning.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.CnnFactory;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.MaskSet;
import dev.shears.pruning.schedule.PruningSession;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

class DistillationTest {

    private static final DataSplits DATA = Fixtures.splits(96, new int[] {8}, 3);

    @Test
    void logitsAreWhatTheSoftmaxOutputIsComputedFrom() {
        Network mlp = Network.of(MlpFactory.build(8, List.of(6), 3, 1e-3, 1));
        INDArray x = DATA.train().batch(0, 10).getFeatures();
        assertTrue(Transforms.softmax(Distillation.logits(mlp, x), true).equalsWithEps(mlp.output(x), 1e-5));
        Network cnn = Network.of(CnnFactory.small(12, 12, 1, 4, 1e-3, 1));
        INDArray images = Fixtures.data(5, new int[] {12, 12, 1}, 4, 1).batch(0, 5).getFeatures();
        assertTrue(Transforms.softmax(Distillation.logits(cnn, images), true).equalsWithEps(cnn.output(images),
                1e-5));
    }

    @Test
    void aConvolutionalTeachersTargetsAreThoseOfDeeplearning4jsLayers() {
        Network cnn = Network.of(CnnFactory.small(12, 12, 1, 4, 1e-3, 1));
        Fixtures.randomize(cnn, 3);
        assertEquals(ComputePath.CONV, ComputePath.of(cnn));
        // more rows than one oneDNN pass takes, so that batches and the shorter last one are both met
        LabeledData data = Fixtures.data(Evaluator.CONV_BATCH + 37, new int[] {12, 12, 1}, 4, 2);
        float[] fast = Distillation.targets(cnn, data, 0.7, 3);
        System.setProperty(ComputePath.PROPERTY, "off");
        try {
            assertArrayEquals(Distillation.targets(cnn, data, 0.7, 3), fast, 1e-5f);
        } finally {
            System.clearProperty(ComputePath.PROPERTY);
        }
    }

    @Test
    void targetsMixOneHotWithTheTeachersSoftenedOutput() {
        Network teacher = Network.of(MlpFactory.build(8, List.of(6), 3, 1e-3, 1));
        Fixtures.randomize(teacher, 2);
        LabeledData data = DATA.train().slice(0, 4);
        float[] hard = Distillation.targets(teacher, data, 0, 4);
        assertArrayEquals(data.batch(0, 4).getLabels().dup('c').data().asFloat(), hard, 0f);

        float[] mixed = Distillation.targets(teacher, data, 0.5, 4);
        float[] z = Distillation.logits(teacher, data.batch(0, 4).getFeatures()).dup('c').data().asFloat();
        for (int i = 0; i < 4; i++) {
            double norm = 0;
            for (int c = 0; c < 3; c++) {
                norm += Math.exp(z[i * 3 + c] / 4);
            }
            double sum = 0;
            for (int c = 0; c < 3; c++) {
                double expected = 0.5 * Math.exp(z[i * 3 + c] / 4) / norm + (c == data.labels()[i] ? 0.5 : 0);
                assertEquals(expected, mixed[i * 3 + c], 1e-6);
                sum += mixed[i * 3 + c];
            }
            assertEquals(1.0, sum, 1e-6);
        }
    }

    @Test
    void distillationChangesWhatFineTuningLearns() {
        Network teacher = Network.of(MlpFactory.build(8, List.of(6), 3, 1e-3, 1));
        Trainer.fit(teacher, DATA.train(), 2, 16, 1e-2, 1, null);
        PruningSession plain = session(teacher, Map.of());
        PruningSession distilled = session(teacher, Map.of("distillAlpha", 0.7, "distillTemperature", 2));
        assertNull(plain.distillTargets());
        float[] onehot = Distillation.targets(teacher, DATA.train(), 0, 2);
        assertFalse(Arrays.equals(onehot, distilled.distillTargets()));
        plain.finetune(1, null);
        distilled.finetune(1, null);
        assertNotEquals(plain.net().params(), distilled.net().params());
        assertTrue(Fixtures.maskedAreZero(distilled.net(), distilled.masks()));
    }

    private static PruningSession session(Network teacher, Map<String, Object> options) {
        PruningSession s = new PruningSession(teacher.copy(), Fixtures.plan("magnitude", "weight", "all", 0.5,
                "oneshot", 1, options), DATA, new MaskSet(), teacher);
        s.pruneTo(0.5);
        return s;
    }
}
