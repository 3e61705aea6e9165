package dev.shears.jobs.spark;

import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.ModelBytes;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.train.Evaluator;
import java.io.Serializable;
import java.util.BitSet;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Data-parallel training and evaluation of one network with dl4j-spark. Each worker fits its own
 * mini-batches and the parameters, with Adam's state, are averaged every few batches. The rows
 * leave the driver once per executor, broadcast as plain float and int arrays, and become ND4J
 * DataSets on the executors.
 */
public final class DistributedTraining {

    /** Rows per evaluation slice, as the single-JVM evaluator's forward passes. */
    private static final int EVAL_BATCH = 1000;

    /**
     * @param batchSizePerWorker rows of one mini-batch on a worker
     * @param averagingFrequency mini-batches each worker fits between two averagings
     * @param workers            Spark tasks that train at once; 0 = the context's default parallelism
     * @param seed               seeds the shuffle of the rows and how batches are dealt to averaging rounds
     */
    public record Settings(int batchSizePerWorker, int averagingFrequency, int workers, long seed) {
        public Settings {
            if (batchSizePerWorker < 1 || averagingFrequency < 1 || workers < 0) {
                throw new IllegalArgumentException("batchSizePerWorker and averagingFrequency must be >= 1 and workers >= 0, got "
                        + batchSizePerWorker + ", " + averagingFrequency + ", " + workers);
            }
        }
    }

    private DistributedTraining() {
    }

    /**
     * Trains {@code net} in place for {@code epochs} passes over {@code data} with parameter
     * averaging, and returns it.
     */
    public static Network fit(JavaSparkContext jsc, Network net, LabeledData data, int epochs,
                                        Settings settings) {
        int workers = settings.workers() > 0 ? settings.workers() : jsc.defaultParallelism();
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(workers,
                settings.batchSizePerWorker())
                .batchSizePerWorker(settings.batchSizePerWorker())
                .averagingFrequency(settings.averagingFrequency())
                .saveUpdater(true)
                .workerPrefetchNumBatches(0)
                // straight from the RDD: exporting batches to files needs a file system every executor shares
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .rngSeed(settings.seed())
                .build();
        Broadcast<LabeledData> rows = jsc.broadcast(data.rows(data.permutation(settings.seed())));
        JavaRDD<DataSet> batches = dataSets(jsc, rows, settings.batchSizePerWorker(), workers);
        try {
            if (net.chain().isPresent()) {
                SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(jsc, net.chain().get(), master);
                for (int epoch = 0; epoch < epochs; epoch++) {
                    spark.fit(batches);
                }
                return Network.of(spark.getNetwork());
            }
            SparkComputationGraph spark = new SparkComputationGraph(jsc, (ComputationGraph) net.model(), master);
            for (int epoch = 0; epoch < epochs; epoch++) {
                spark.fit(batches);
            }
            return Network.of(spark.getNetwork());
        } finally {
            batches.unpersist(false);
            rows.destroy();
        }
    }

    /**
     * Accuracy and mean cross-entropy of {@code net} on {@code data}, scored by Spark tasks: each
     * scores row ranges of the broadcast rows with the single-JVM evaluator, and the sums are combined,
     * so the figures are those of one JVM (up to the order of the additions).
     */
    public static Evaluator.Score evaluate(JavaSparkContext jsc, Network net, LabeledData data) {
        if (data.size() == 0) {
            return Evaluator.evaluate(net, data);
        }
        Broadcast<byte[]> model = jsc.broadcast(ModelBytes.of(net));
        Broadcast<LabeledData> rows = jsc.broadcast(data);
        try {
            int total = data.size();
            List<Integer> starts = IntStream.iterate(0, from -> from < total, from -> from + EVAL_BATCH).boxed().toList();
            Partial sums = jsc.parallelize(starts, Math.max(1, Math.min(jsc.defaultParallelism(), starts.size())))
                    .mapPartitions(slices -> {
                        Network local = ModelBytes.restore(model.value());
                        Partial partial = new Partial(0, new BitSet());
                        while (slices.hasNext()) {
                            int from = slices.next();
                            int to = Math.min(total, from + EVAL_BATCH);
                            Evaluator.Score score = Evaluator.evaluate(local, rows.value(), from, to);
                            partial = partial.plus(
                                    new Partial(score.loss() * (to - from), shifted(score.correct(), from)));
                        }
                        return List.of(partial).iterator();
                    })
                    .reduce(Partial::plus);
            return new Evaluator.Score((double) sums.correct().cardinality() / total, sums.loss() / total,
                    sums.correct());
        } finally {
            model.destroy();
            rows.destroy();
        }
    }

    /** Scored rows' summed loss and the rows predicted right, numbered from the split's first row. */
    private record Partial(double loss, BitSet correct) implements Serializable {
        Partial plus(Partial other) {
            BitSet both = (BitSet) correct.clone();
            both.or(other.correct);
            return new Partial(loss + other.loss, both);
        }
    }

    private static BitSet shifted(BitSet bits, int offset) {
        BitSet moved = new BitSet();
        bits.stream().forEach(i -> moved.set(i + offset));
        return moved;
    }

    /**
     * Batches of {@code size} rows, cut from the broadcast rows on the executors: every averaging
     * round is a Spark job, whose tasks then stay small, and a lost executor's batches can be cut again.
     */
    private static JavaRDD<DataSet> dataSets(JavaSparkContext jsc, Broadcast<LabeledData> rows, int size, int partitions) {
        int total = rows.value().size();
        List<Integer> starts = IntStream.iterate(0, from -> from < total, from -> from + size).boxed().toList();
        return jsc.parallelize(starts, Math.max(1, Math.min(partitions, starts.size())))
                .map(from -> rows.value().batch(from, Math.min(total, from + size)));
    }
}
