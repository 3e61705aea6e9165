package dev.shears.pruning.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.ModelBytes;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.run.BaseReference;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.CandidateRunner;
import dev.shears.pruning.run.Measurement;
import dev.shears.pruning.train.Threads;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Speed-ups from one measurement: a model whose pruned units are only masked is as fast as the
 * dense one, a physically smaller one is faster.
 */
class LatencyComparisonTest {

    @Test
    void maskedModelRunsAtDenseSpeedAndShrunkModelFaster() {
        Threads.limit(1);
        DataSplits data = Fixtures.splits(64, new int[] {784}, 10);
        Network dense = Network.of(MlpFactory.build(784, List.of(1024, 1024), 10, 1e-3, 1));
        byte[] bytes = ModelBytes.of(dense);
        BaseReference base = BaseReference.of(Measurement.of(dense, data, dense.prunable(), null));
        // 90% of the hidden units, no fine-tuning: masked keeps the dense shapes, shrunk drops the units
        var plan = Fixtures.plan("l2", "neuron", "hidden", 0.9, "oneshot", 0, Map.of());
        CandidateOutcome masked = CandidateRunner.run(bytes, false, data, plan.withOptions(Map.of("shrink", false)), base,
                true);
        CandidateOutcome shrunk = CandidateRunner.run(bytes, false, data, plan, base, true);
        assertTrue(masked.ok(), masked.error());
        assertTrue(shrunk.ok(), shrunk.error());

        LatencyComparison.Compared m = LatencyComparison.compare(dense, ModelBytes.restore(masked.model()), 784,
                LatencyComparison.DEFAULT_ROUNDS);
        LatencyComparison.Compared s = LatencyComparison.compare(dense, ModelBytes.restore(shrunk.model()), 784,
                LatencyComparison.DEFAULT_ROUNDS);
        // the same shapes do the same work: zeros are not skipped by dense kernels. The bounds leave room
        // for a busy machine (1.58 was seen beside other builds); the shrunk model is ~20x apart
        assertTrue(m.speedupB64() > 0.5 && m.speedupB64() < 2, "masked speed-up at batch 64: " + m.speedupB64());
        // about 20x fewer multiply-adds
        assertTrue(s.speedupB64() > 2, "shrunk speed-up at batch 64: " + s.speedupB64());
        assertTrue(s.speedupB1() > 1, "shrunk speed-up at batch 1: " + s.speedupB1());
        assertEquals(s.reference().b64Ms() / s.model().b64Ms(), s.speedupB64(), 1e-12);
    }
}
