package dev.shears.pruning.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import dev.shears.pruning.train.ComputePath;
import dev.shears.pruning.train.FineTuner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * What a latency measurement does, whatever the machine's speed: which passes it times, at which batch
 * sizes, in which order, and which of the timings it reports. How much faster a shrunk network runs is
 * measured by {@code shears bench shrink} (docs/BENCHMARKS.md), not here: a unit test on a busy machine
 * cannot tell.
 */
class LatencyComparisonTest {

    private static final int WIDTH = 12;

    /** Every forward pass of a {@link Recording} network, in order: its tag and its rows. */
    private static final List<Call> CALLS = new ArrayList<>();
    /** How long each pass is held back, by tag, rows and the pass's index among the tag's passes. */
    private static Hold hold = (tag, rows, index) -> 0;

    record Call(String tag, long rows) {
    }

    interface Hold {
        long nanos(String tag, long rows, int index);
    }

    @AfterEach
    void forget() {
        synchronized (CALLS) {
            CALLS.clear();
        }
        hold = (tag, rows, index) -> 0;
    }

    @Test
    void medianIsTheMiddleValueAndLeavesItsInputAlone() {
        double[] odd = {3, 9, 1, 2, 8};
        assertEquals(3, Latency.median(odd));
        assertArrayEquals(new double[] {3, 9, 1, 2, 8}, odd);
        assertEquals(2.5, Latency.median(new double[] {4, 1, 3, 2}));
        assertEquals(7, Latency.median(new double[] {7}));
    }

    @Test
    void aTimingIsTheMedianOfTheTimedPassesAfterTheWarmUp() {
        Network net = recording("net", 6);
        assertEquals(ComputePath.DL4J, ComputePath.of(net), "the recording activation keeps the fast paths away");
        // 20 warm-up passes, then 5 timed ones of which the first 3 are held back: a majority, so the median
        // is held back too, while a mean or a minimum over the 5 would not be (unless a plain pass took as long)
        long held = 20_000_000;
        hold = (tag, rows, index) -> index >= 20 && index < 23 ? held : 0;
        double ms = Latency.medianMillis(net, WIDTH, 8, 20, 5);

        assertEquals(Collections.nCopies(25, call("net", 8)), calls(), "every pass, warm-up included, of 8 rows");
        assertTrue(Double.isFinite(ms) && ms >= held / 1e6, "median of the timed passes: " + ms + " ms");
    }

    @Test
    void aComparisonTimesBothNetworksAtTheSameBatchSizesAndSwapsWhichGoesFirst() {
        // the model narrower than the reference, as a shrunk candidate is
        Network reference = recording("reference", 8);
        Network model = recording("model", 3);
        int rounds = 3;
        LatencyComparison.Compared c = LatencyComparison.compare(reference, model, WIDTH, rounds);

        List<Run> runs = runs(calls());
        assertEquals(4 * rounds, runs.size(), "per round, each network at batch 1 then at batch 64: " + runs);
        for (int round = 0; round < rounds; round++) {
            String first = round % 2 == 0 ? "reference" : "model";
            String second = round % 2 == 0 ? "model" : "reference";
            List<Run> r = runs.subList(4 * round, 4 * round + 4);
            assertEquals(List.of(first, first, second, second), r.stream().map(Run::tag).toList(), "round " + round);
            assertEquals(List.of(1L, 64L, 1L, 64L), r.stream().map(Run::rows).toList(), "round " + round);
            assertEquals(r.get(0).passes(), r.get(2).passes(), "passes at batch 1, round " + round);
            assertEquals(r.get(1).passes(), r.get(3).passes(), "passes at batch 64, round " + round);
        }
        assertPositiveFinite(c);
        assertEquals(c.reference().b1Ms() / c.model().b1Ms(), c.speedupB1(), 1e-12);
        assertEquals(c.reference().b64Ms() / c.model().b64Ms(), c.speedupB64(), 1e-12);
    }

    /** A trial's measurement stops starting rounds once its time budget has passed, but never before its minimum. */
    @Test
    void roundsStopAtTheTimeBudgetAfterTheMinimum() {
        Network reference = recording("reference", 6);
        Network model = recording("model", 3);
        // every pass held 1 ms: a round (both networks, 31 passes at batch 1 and 14 at 64 each) takes over 90 ms
        hold = (tag, rows, index) -> 1_000_000;
        LatencyComparison.compare(reference, model, WIDTH, new LatencyComparison.Rounds(2, 50, 0.1));
        int rounds = runs(calls()).size() / 4;
        assertTrue(rounds >= 2 && rounds <= 3, "2 rounds, and a third only if begun within 0.1 s: " + rounds);

        forget();
        LatencyComparison.compare(reference, model, WIDTH, new LatencyComparison.Rounds(3, 9, 0));
        assertEquals(12, runs(calls()).size(), "no budget: the minimum, 3 rounds");
        forget();
        LatencyComparison.compare(reference, model, WIDTH, new LatencyComparison.Rounds(1, 4, 60));
        assertEquals(16, runs(calls()).size(), "a budget never reached: the maximum, 4 rounds");
    }

    @Test
    void aComparisonReportsTheMedianOverRounds() {
        Network reference = recording("reference", 6);
        Network model = recording("model", 6);
        int rounds = 5;
        // the model's passes at batch 64 held back in its first 3 rounds of 5, a majority: the median over rounds
        // is held back too, while a mean or a minimum over them would not be
        long held = 10_000_000;
        int[] modelRound = {0};
        String[] last = {""};
        hold = (tag, rows, index) -> {
            String key = tag + rows;
            if (key.equals("model1") && !key.equals(last[0])) {
                modelRound[0]++;
            }
            last[0] = key;
            return key.equals("model64") && modelRound[0] <= 3 ? held : 0;
        };
        LatencyComparison.Compared c = LatencyComparison.compare(reference, model, WIDTH, rounds);

        assertEquals(rounds, modelRound[0]);
        assertPositiveFinite(c);
        assertTrue(c.model().b64Ms() >= held / 1e6, "median over rounds: " + c.model().b64Ms() + " ms");
    }

    @Test
    void aPrunedCandidateIsTimedOnTheDensePathBesideTheBase() {
        Threads.limit(1);
        DataSplits data = Fixtures.splits(64, new int[] {784}, 10);
        Network dense = Network.of(MlpFactory.build(784, List.of(128, 64), 10, 1e-3, 1));
        byte[] bytes = ModelBytes.of(dense);
        BaseReference base = Measurement.base(dense, data, false, FineTuner.LOCAL).reference();
        // half the hidden units, no fine-tuning: masked keeps the dense shapes, shrunk drops the units
        var plan = Fixtures.plan("l2", "neuron", "hidden", 0.5, "oneshot", 0, Map.of());
        CandidateOutcome masked = CandidateRunner.run(bytes, false, data, plan.withOptions(Map.of("shrink", false)), base,
                true);
        CandidateOutcome shrunk = CandidateRunner.run(bytes, false, data, plan, base, true);
        assertTrue(masked.ok(), masked.error());
        assertTrue(shrunk.ok(), shrunk.error());

        for (CandidateOutcome outcome : List.of(masked, shrunk)) {
            Network pruned = ModelBytes.restore(outcome.model());
            assertEquals(ComputePath.DENSE, ComputePath.of(pruned));
            assertPositiveFinite(LatencyComparison.compare(dense, pruned, 784, 1));
        }
    }

    private static void assertPositiveFinite(LatencyComparison.Compared c) {
        for (double ms : new double[] {c.reference().b1Ms(), c.reference().b64Ms(), c.model().b1Ms(), c.model().b64Ms(),
                c.speedupB1(), c.speedupB64()}) {
            assertTrue(ms > 0 && Double.isFinite(ms), "positive and finite: " + c);
        }
    }

    private static Call call(String tag, long rows) {
        return new Call(tag, rows);
    }

    private static List<Call> calls() {
        synchronized (CALLS) {
            return List.copyOf(CALLS);
        }
    }

    record Run(String tag, long rows, int passes) {
    }

    /** Consecutive passes of one network at one batch size, as one run. */
    private static List<Run> runs(List<Call> calls) {
        List<Run> runs = new ArrayList<>();
        for (Call call : calls) {
            Run lastRun = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (lastRun != null && lastRun.tag().equals(call.tag()) && lastRun.rows() == call.rows()) {
                runs.set(runs.size() - 1, new Run(call.tag(), call.rows(), lastRun.passes() + 1));
            } else {
                runs.add(new Run(call.tag(), call.rows(), 1));
            }
        }
        return runs;
    }

    /** A small network whose hidden layer records every forward pass (an activation DL4J runs in every pass). */
    private static Network recording(String tag, int hidden) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new DenseLayer.Builder().nIn(WIDTH).nOut(hidden).activation(new Recording(tag)).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(hidden).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        return Network.of(net);
    }

    /** The identity, recording each call's tag and rows and holding back the passes {@link #hold} names. */
    public static final class Recording extends BaseActivationFunction {

        private String tag;

        public Recording() {
        }

        Recording(String tag) {
            this.tag = tag;
        }

        public String getTag() {
            return tag;
        }

        public void setTag(String tag) {
            this.tag = tag;
        }

        @Override
        public INDArray getActivation(INDArray in, boolean training) {
            int index;
            synchronized (CALLS) {
                index = (int) CALLS.stream().filter(c -> c.tag().equals(tag)).count();
                CALLS.add(new Call(tag, in.size(0)));
            }
            // parked until the clock the timing reads has moved on by at least that long
            long nanos = hold.nanos(tag, in.size(0), index);
            long until = System.nanoTime() + nanos;
            for (long left = nanos; left > 0; left = until - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
            return in;
        }

        @Override
        public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
            return new Pair<>(epsilon, null);
        }

        @Override
        public String toString() {
            return "recording(" + tag + ")";
        }
    }
}
