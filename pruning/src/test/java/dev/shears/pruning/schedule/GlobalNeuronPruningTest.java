package dev.shears.pruning.schedule;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shears.pruning.data.DataLoader;
import dev.shears.pruning.data.DataLocation;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.prune.MaskSet;
import dev.shears.pruning.train.Evaluator;
import dev.shears.pruning.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The case where raw unit scores failed on real data: an MLP 784-256-128-10 on Fashion-MNIST, neuron
 * granularity, global scope, ratio 0.8, one fine-tuning epoch. A unit's magnitude sums its inputs'
 * |w|, so units of the first layer (784 inputs) outscore those of the second (256 inputs), and one
 * raw threshold cuts the second layer to a single unit.
 */
class GlobalNeuronPruningTest {

    private static final String DIR = "/usr/share/datasets/fashion-mnist";
    private static final long SEED = 1;
    private static DataSplits data;
    private static Network base;

    @BeforeAll
    static void trainBase() {
        assumeTrue(Files.exists(Path.of(DIR, DataLocation.TEST_LABELS)),
                "Fashion-MNIST is not installed in " + DIR + " (apt-get install dataset-fashion-mnist)");
        // 5,400 training rows, 600 validation, 2,000 test: about 0.8 accuracy after 3 epochs
        data = DataLoader.load(DataLocation.idx(DIR, 6000, 2000, 0.1, SEED));
        base = Network.of(MlpFactory.build(784, List.of(256, 128), 10, 1e-3, SEED));
        Trainer.fit(base, data.train(), 3, 128, 1e-3, SEED, null);
    }

    /** Test accuracy of the base model pruned by {@code scorer} and fine-tuned one epoch. */
    private static double accuracy(String scorer, Map<String, Object> options) {
        PruningPlan plan = new PruningPlan(scorer, "neuron", "global", "all", 0.8, Map.of(), "oneshot", 3, 1, 1e-3,
                128, 4, Tolerance.of(0.02), SEED, options);
        Network net = base.copy();
        Schedules.create(plan.schedule()).run(new PruningSession(net, plan, data, new MaskSet()));
        return Evaluator.evaluate(net, data.test()).accuracy();
    }

    @Test
    void magnitudeIsNoWorseThanRandomUnitsUnlessScoresStayRaw() {
        // with the default normaliser, random scores pick units evenly across layers: the control
        double random = accuracy("random", Map.of());
        double magnitude = accuracy("magnitude", Map.of());
        double raw = accuracy("magnitude", Map.of("normalizer", "none"));
        // after fine-tuning, magnitude and random units end close: allow two standard errors of the test sample
        double noise = 2 * Math.sqrt(random * (1 - random) / data.test().size());
        assertTrue(magnitude >= random - noise, "magnitude " + magnitude + ", random units " + random);
        assertTrue(raw < random - noise, "raw magnitude " + raw + " should collapse below random units " + random);
    }
}
