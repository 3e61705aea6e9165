package dev.shears.pruning.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.LabeledData;
import java.util.List;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

/**
 * {@link Network#setLearningRate} skips DL4J's updater rebuild when nothing would change, and
 * otherwise leaves the network as DL4J's setLearningRate does.
 */
class NetworkLearningRateTest {

    private static final LabeledData DATA = Fixtures.data(64, new int[] {20}, 4, 1);

    private static Network trained(double learningRate) {
        Network net = Network.of(MlpFactory.build(20, List.of(16, 8), 4, learningRate, 3));
        net.fit(DATA.batch(DATA.permutation(1), 0, 32, null));
        return net;
    }

    @Test
    void theRateTheUpdatersHaveKeepsTheUpdaterAndTrainsAsDl4jsRebuiltOne() {
        Network skipped = trained(1e-2);
        Network rebuilt = skipped.copy();
        MultiLayerNetwork mln = (MultiLayerNetwork) skipped.model();
        Updater before = mln.getUpdater();
        skipped.setLearningRate(1e-2);
        assertSame(before, mln.getUpdater());
        ((MultiLayerNetwork) rebuilt.model()).setLearningRate(1e-2);
        for (int from = 0; from < 64; from += 16) {
            skipped.fit(DATA.batch(DATA.permutation(2), from, from + 16, null));
            rebuilt.fit(DATA.batch(DATA.permutation(2), from, from + 16, null));
        }
        assertEquals(rebuilt.params(), skipped.params());
        assertEquals(((MultiLayerNetwork) rebuilt.model()).updaterState(), mln.updaterState());
    }

    @Test
    void aNewRateReachesEveryWeightAndBiasUpdaterAndKeepsTheState() {
        Network net = trained(1e-2);
        MultiLayerNetwork mln = (MultiLayerNetwork) net.model();
        Updater before = mln.getUpdater();
        var state = mln.getUpdater().getStateViewArray().dup();
        net.setLearningRate(3e-3);
        assertNotSame(before, mln.getUpdater());
        assertEquals(state, mln.getUpdater().getStateViewArray());
        for (var layer : mln.getLayers()) {
            BaseLayer conf = (BaseLayer) layer.conf().getLayer();
            assertEquals(3e-3, conf.getUpdaterByParam("W").getLearningRate(0, 0));
            assertEquals(3e-3, conf.getUpdaterByParam("b").getLearningRate(0, 0));
        }
    }

    @Test
    void theSameRateStillReplacesASchedule() {
        Network net = trained(1e-2);
        MultiLayerNetwork mln = (MultiLayerNetwork) net.model();
        for (var layer : mln.getLayers()) {
            ((BaseLayer) layer.conf().getLayer()).setIUpdater(
                    new Adam(new ExponentialSchedule(ScheduleType.ITERATION, 1e-2, 0.9)));
        }
        net.setLearningRate(1e-2);
        for (var layer : mln.getLayers()) {
            Adam adam = (Adam) ((BaseLayer) layer.conf().getLayer()).getIUpdater();
            assertNull(adam.getLearningRateSchedule());
            assertEquals(1e-2, adam.getLearningRate());
        }
    }
}
