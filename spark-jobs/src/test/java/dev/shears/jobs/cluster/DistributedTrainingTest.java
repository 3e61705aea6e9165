package dev.shears.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import dev.shears.jobs.spark.DataParallelFineTuner;
import dev.shears.jobs.spark.DistributedTraining;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.data.DataLoader;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.train.Evaluator;
import dev.shears.pruning.train.FineTuner;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dl4j-spark parameter averaging on local[2]: the network learns, and Spark's evaluation agrees with one JVM's. */
class DistributedTrainingTest {

    @TempDir
    Path dir;

    @Test
    void trainsWellAboveChanceAndEvaluatesLikeTheSingleJvmEvaluator() throws Exception {
        TestData.writeBlobs(dir);
        DataSplits data = DataLoader.load(SpecLoader.parse("test", TestData.spec(dir, "  ratio: [0.5]", ""), List.of()).dataLocation());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
        Network net = Network.of(MlpFactory.build(16, List.of(32, 16), 4, 0.01, 7));
        double before = Evaluator.evaluate(net, data.test()).accuracy();

        Network trained = DistributedTraining.fit(jsc, net, data.train(), 4,
                new DistributedTraining.Settings(32, 2, 0, 7));

        assertSame(net.model(), trained.model(), "trained in place");
        Evaluator.Score local = Evaluator.evaluate(trained, data.test());
        Evaluator.Score spread = DistributedTraining.evaluate(jsc, trained, data.test());
        assertEquals(local.accuracy(), spread.accuracy(), 1e-9, "Spark's accuracy and the single-JVM evaluator's disagree");
        assertEquals(local.loss(), spread.loss(), 1e-6, "Spark's loss and the single-JVM evaluator's disagree");
        assertEquals(local.correct(), spread.correct(), "the rows predicted right differ");
        // past one task's slice of rows, each slice's rows are numbered from the split's first row
        LabeledData test = data.test();
        LabeledData many = test.rows(IntStream.range(0, 2500).map(i -> i % test.size()).toArray());
        assertEquals(Evaluator.evaluate(trained, many).correct(), DistributedTraining.evaluate(jsc, trained, many).correct());
        double distributed = spread.accuracy();
        assertTrue(distributed > 0.85 && distributed > before + 0.2,
                "accuracy " + before + " -> " + distributed + " (chance is 0.25)");
    }

    @Test
    void dataParallelRunsScoreSplitsWithSparkJobs() throws Exception {
        TestData.writeBlobs(dir);
        DataSplits data = DataLoader.load(SpecLoader.parse("test", TestData.spec(dir, "  ratio: [0.5]", ""), List.of()).dataLocation());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
        Network net = Network.of(MlpFactory.build(16, List.of(8), 4, 0.01, 3));
        FineTuner tuner = new DataParallelFineTuner(jsc, 2, 0);
        jsc.setJobGroup("scoring", "scoring through the data-parallel tuner", false);
        try {
            Evaluator.Score spread = tuner.evaluate(net, data.test());
            assertTrue(jsc.statusTracker().getJobIdsForGroup("scoring").length >= 1, "no Spark job scored the split");
            Evaluator.Score local = Evaluator.evaluate(net, data.test());
            assertEquals(local.accuracy(), spread.accuracy(), 1e-9);
            assertEquals(local.loss(), spread.loss(), 1e-6);
            assertEquals(local.correct(), spread.correct());
        } finally {
            jsc.clearJobGroup();
        }
    }
}
