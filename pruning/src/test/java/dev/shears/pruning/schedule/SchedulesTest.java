package dev.shears.pruning.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.Fixtures;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.data.ImageAugment;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.prune.MaskSet;
import dev.shears.pruning.train.RateSchedule;
import dev.shears.pruning.train.Trainer;
import dev.shears.pruning.schedule.AdaptiveSchedule.Decision;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class SchedulesTest {

    private static final DataSplits DATA = Fixtures.splits(128, new int[] {16}, 3);

    private static PruningSession session(String schedule, double ratio, int epochs, double maxDrop,
                                          Map<String, Object> options) {
        return session(schedule, ratio, epochs, Tolerance.of(maxDrop), options);
    }

    private static PruningSession session(String schedule, double ratio, int epochs, Tolerance tolerance,
                                          Map<String, Object> options) {
        PruningPlan p = Fixtures.plan("magnitude", "weight", "all", ratio, schedule, epochs, options);
        PruningPlan plan = new PruningPlan(p.scorer(), p.granularity(), p.scope(), p.layers(), p.ratio(),
                p.layerRatios(), p.schedule(), p.steps(), p.epochs(), p.learningRate(), p.batchSize(),
                p.calibrationBatches(), tolerance, p.seed(), p.options());
        Network net = Network.of(MlpFactory.build(16, List.of(12), 3, 1e-3, 1));
        return new PruningSession(net, plan, DATA, new MaskSet());
    }

    private static double sparsity(Network net, String key) {
        INDArray w = net.getParam(key);
        return 1.0 - w.neq(0).castTo(w.dataType()).sumNumber().doubleValue() / w.length();
    }

    @Test
    void registryHasEverySchedule() {
        assertEquals(List.of("oneshot", "iterative", "gradual", "adaptive"), List.copyOf(Schedules.names()));
        BadInputException e = assertThrows(BadInputException.class, () -> Schedules.create("cyclic"));
        assertTrue(e.getMessage().contains("adaptive"), e.getMessage());
    }

    @Test
    void cubicRampValues() {
        assertEquals(0.0, GradualSchedule.sparsityAt(0, 100, 0, 0.8), 1e-12);
        assertEquals(0.7, GradualSchedule.sparsityAt(50, 100, 0, 0.8), 1e-12);
        assertEquals(0.8, GradualSchedule.sparsityAt(100, 100, 0, 0.8), 1e-12);
        assertEquals(0.8, GradualSchedule.sparsityAt(150, 100, 0, 0.8), 1e-12);
        assertEquals(0.8 - 0.6 / 8, GradualSchedule.sparsityAt(50, 100, 0.2, 0.8), 1e-12);
    }

    @Test
    void iterativeRatiosKeepAGeometricShare() {
        double[] r = IterativeSchedule.ratios(0.9, 3);
        assertArrayEquals(new double[] {1 - Math.pow(0.1, 1.0 / 3), 1 - Math.pow(0.1, 2.0 / 3), 0.9}, r, 1e-12);
        assertEquals(0.53584, r[0], 1e-5);
        assertEquals(0.78456, r[1], 1e-5);
        assertArrayEquals(new double[] {0.5}, IterativeSchedule.ratios(0.5, 1), 0);
    }

    @Test
    void iterativeEpochsAreSharedOutWithTheRestLast() {
        assertArrayEquals(new int[] {1, 1, 1}, IterativeSchedule.epochsPerStep(3, 3));
        assertArrayEquals(new int[] {1, 2, 2}, IterativeSchedule.epochsPerStep(5, 3));
        assertArrayEquals(new int[] {0, 1, 1}, IterativeSchedule.epochsPerStep(2, 3));
        assertArrayEquals(new int[] {0, 0, 0}, IterativeSchedule.epochsPerStep(0, 3));
    }

    @Test
    void adaptiveStoppingRule() {
        Tolerance point = Tolerance.of(0.02);
        assertEquals(Decision.CONTINUE, AdaptiveSchedule.decide(point, 0.01, 0.01, 0.5, 0.9));
        assertEquals(Decision.CONTINUE, AdaptiveSchedule.decide(point, 0.91 - 0.89, 0.01, 0.5, 0.9), "on the bound");
        assertEquals(Decision.ROLL_BACK, AdaptiveSchedule.decide(point, 0.03, 0, 0.5, 0.9));
        assertEquals(Decision.ROLL_BACK, AdaptiveSchedule.decide(point, 0.03, 0, 0.9, 0.9));
        assertEquals(Decision.STOP, AdaptiveSchedule.decide(point, -0.04, 0.01, 0.9, 0.9));
        assertEquals(Decision.ROLL_BACK, AdaptiveSchedule.decide(point, Double.NaN, 0.01, 0.5, 0.9));
        // the final choice's rule: one point down measured to half a point is within two at 90% (1 + 1.28 * 0.5),
        // measured to a point it is not (2.28), though the measured drop alone is
        Tolerance sure = new Tolerance(0.02, 0.9);
        assertEquals(Decision.CONTINUE, AdaptiveSchedule.decide(sure, 0.01, 0.005, 0.5, 0.9));
        assertEquals(Decision.ROLL_BACK, AdaptiveSchedule.decide(sure, 0.01, 0.01, 0.5, 0.9));
        assertEquals(Decision.ROLL_BACK, AdaptiveSchedule.decide(sure, 0.0, Double.NaN, 0.9, 0.9),
                "an unknown error is not allowed for");
        assertEquals(0.1, AdaptiveSchedule.nextRatio(0, 0.9, 0.1), 1e-12);
        assertEquals(0.55, AdaptiveSchedule.nextRatio(0.5, 0.9, 0.1), 1e-12);
        assertEquals(0.9, AdaptiveSchedule.nextRatio(0.88, 0.9, 0.5), 1e-12);
    }

    @Test
    void adaptiveRollsBackToTheLastNetworkThatMetTheTolerance() {
        PruningSession s = session("adaptive", 0.9, 3, -1.0, Map.of());
        INDArray before = s.net().params().dup();
        Schedules.create("adaptive").run(s);
        assertEquals(0.0, s.currentRatio());
        assertEquals(before, s.net().params(), "no round met an impossible tolerance: back to the start");
        assertTrue(s.masks().isEmpty());
        assertEquals(1, s.epochsSpent());
    }

    @Test
    void adaptiveStopsAtTheCeilingWhenTheToleranceHolds() {
        // any drop is within 100 points, and with a confidence too once each round's paired error is known
        for (Tolerance loose : List.of(Tolerance.of(1.0), new Tolerance(1.0, 0.9))) {
            PruningSession s = session("adaptive", 0.5, 3, loose, Map.of("adaptiveStep", 0.3));
            Schedules.create("adaptive").run(s);
            assertEquals(0.5, s.currentRatio(), 1e-12, loose.toString());
            assertEquals(0.5, sparsity(s.net(), "0_W"), 0.01);
            assertEquals(2, s.epochsSpent(), "rounds at 0.3 and 0.5, one epoch each");
        }
    }

    @Test
    void iterativeAndGradualReachTheRatio() {
        PruningSession iterative = session("iterative", 0.75, 3, 0.02, Map.of());
        Schedules.create("iterative").run(iterative);
        assertEquals(0.75, sparsity(iterative.net(), "0_W"), 0.01);
        assertEquals(3, iterative.epochsSpent());

        PruningSession gradual = session("gradual", 0.75, 2, 0.02, Map.of("rampFraction", 0.5, "pruneEvery", 1));
        Schedules.create("gradual").run(gradual);
        assertEquals(0.75, sparsity(gradual.net(), "0_W"), 0.01);
        assertEquals(0.75, gradual.currentRatio(), 1e-12);
        assertTrue(Fixtures.maskedAreZero(gradual.net(), gradual.masks()));
    }

    @Test
    void gradualPrunesInManySmallEventsUnlessToldHowOften() {
        assertEquals(24, GradualSchedule.stepsBetweenEvents(4837, 0));
        assertEquals(1, GradualSchedule.stepsBetweenEvents(150, 0));
        assertEquals(40, GradualSchedule.stepsBetweenEvents(4837, 40));
    }

    @Test
    void gradualRejectsAStartAboveTheTarget() {
        PruningSession s = session("gradual", 0.5, 1, 0.02, Map.of("initialSparsity", 0.6));
        BadInputException e = assertThrows(BadInputException.class, () -> Schedules.create("gradual").run(s));
        assertTrue(e.getMessage().contains("initialSparsity"), e.getMessage());
    }

    @Test
    void aCosineRateDecaysOverEachFineTuningPhaseEpochByEpoch() {
        assertEquals(0.1, RateSchedule.COSINE.rate(0.1, 0, 4), 1e-15);
        assertEquals(0.05, RateSchedule.COSINE.rate(0.1, 2, 4), 1e-15);
        assertTrue(RateSchedule.COSINE.rate(0.1, 3, 4) > 0 && RateSchedule.COSINE.rate(0.1, 3, 4) < 0.02);
        assertEquals(0.1, RateSchedule.CONSTANT.rate(0.1, 3, 4));

        PruningSession cosine = session("oneshot", 0.5, 3, 0.02, Map.of("rateSchedule", "cosine"));
        PruningSession constant = session("oneshot", 0.5, 3, 0.02, Map.of());
        Network byHand = cosine.net().copy();
        cosine.pruneTo(0.5);
        MaskSet mask = cosine.masks().copy();
        mask.apply(byHand);
        List<long[]> seen = new java.util.ArrayList<>();
        cosine.finetune(3, (step, total) -> seen.add(new long[] {step, total}));
        PruningPlan plan = cosine.plan();
        for (int e = 0; e < 3; e++) {
            Trainer.fit(byHand, DATA.train(), null, 1, plan.batchSize(),
                    RateSchedule.COSINE.rate(plan.learningRate(), e, 3), plan.seed() + e, mask, null);
        }
        assertEquals(byHand.params(), cosine.net().params(), "an epoch at a time, each at its decayed rate");
        long steps = cosine.finetuneSteps(3);
        assertEquals(steps, seen.size());
        assertArrayEquals(new long[] {steps, steps}, seen.get(seen.size() - 1), "the hook counts the phase's steps");
        assertArrayEquals(new long[] {steps / 3 + 1, steps}, seen.get((int) (steps / 3)));

        constant.pruneTo(0.5);
        constant.finetune(3, null);
        assertTrue(Fixtures.maskedAreZero(cosine.net(), cosine.masks()));
        assertTrue(!constant.net().params().equals(cosine.net().params()), "the constant rate trains otherwise");
    }

    @Test
    void aHeldRateDecaysOnlyOverTheRestOfThePhase() {
        // 8 epochs, half held: 4 at the full rate, then the cosine of a 4-epoch phase
        for (int e = 0; e < 4; e++) {
            assertEquals(0.1, RateSchedule.COSINE.rate(0.1, e, 8, 0.5));
        }
        for (int e = 4; e < 8; e++) {
            assertEquals(RateSchedule.COSINE.rate(0.1, e - 4, 4), RateSchedule.COSINE.rate(0.1, e, 8, 0.5), 1e-15);
        }
        assertEquals(0.05, RateSchedule.COSINE.rate(0.1, 6, 8, 0.5), 1e-15);
        assertEquals(RateSchedule.COSINE.rate(0.1, 3, 8), RateSchedule.COSINE.rate(0.1, 3, 8, 0), 1e-15);
        assertEquals(0.1, RateSchedule.CONSTANT.rate(0.1, 7, 8, 0.5));

        PruningSession held = session("oneshot", 0.5, 4, 0.02, Map.of("rateSchedule", "cosine", "rateHold", 0.5));
        Network byHand = held.net().copy();
        held.pruneTo(0.5);
        MaskSet mask = held.masks().copy();
        mask.apply(byHand);
        held.finetune(4, null);
        PruningPlan plan = held.plan();
        double[] rates = {plan.learningRate(), plan.learningRate(), RateSchedule.COSINE.rate(plan.learningRate(), 0, 2),
                RateSchedule.COSINE.rate(plan.learningRate(), 1, 2)};
        for (int e = 0; e < 4; e++) {
            Trainer.fit(byHand, DATA.train(), null, 1, plan.batchSize(), rates[e], plan.seed() + e, mask, null);
        }
        assertEquals(byHand.params(), held.net().params(), "two epochs at the plan's rate, then two decaying");
    }

    @Test
    void gradualPruningReachesItsRatioUnderACosineRate() {
        PruningSession gradual = session("gradual", 0.75, 3, 0.02,
                Map.of("rampFraction", 0.5, "pruneEvery", 1, "rateSchedule", "cosine"));
        Schedules.create("gradual").run(gradual);
        assertEquals(0.75, sparsity(gradual.net(), "0_W"), 0.01);
        assertEquals(3, gradual.epochsSpent());
        assertTrue(Fixtures.maskedAreZero(gradual.net(), gradual.masks()));
    }

    @Test
    void augmentationFineTunesEachEpochOnItsOwnDrawOfImages() {
        DataSplits images = Fixtures.splits(96, new int[] {4, 4, 1}, 3);
        PruningPlan p = Fixtures.plan("magnitude", "weight", "all", 0.5, "oneshot", 2,
                Map.of("augmentShift", 1, "augmentMirror", true));
        Network net = Network.of(MlpFactory.build(16, List.of(12), 3, 1e-3, 1));
        Network byHand = net.copy();
        PruningSession s = new PruningSession(net, p, images, new MaskSet());
        s.pruneTo(0.5);
        MaskSet mask = s.masks().copy();
        mask.apply(byHand);
        s.finetune(2, null);
        ImageAugment augment = new ImageAugment(1, true);
        for (int e = 0; e < 2; e++) {
            long seed = p.seed() + e;
            Trainer.fit(byHand, augment.apply(images.train(), seed * 1_000_003L), null, 1, p.batchSize(),
                    p.learningRate(), seed, mask, null);
        }
        assertEquals(byHand.params(), net.params(), "each epoch on the images its seed draws");
        assertTrue(Fixtures.maskedAreZero(net, s.masks()));

        PruningPlan onVectors = Fixtures.plan("magnitude", "weight", "all", 0.5, "oneshot", 1, Map.of("augmentShift", 2));
        BadInputException e = assertThrows(BadInputException.class, () -> new PruningSession(
                Network.of(MlpFactory.build(16, List.of(12), 3, 1e-3, 1)), onVectors, DATA, new MaskSet()));
        assertTrue(e.getMessage().contains("options.augmentShift") && e.getMessage().contains("image rows"),
                e.getMessage());
    }
}
