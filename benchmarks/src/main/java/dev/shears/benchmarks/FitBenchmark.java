package dev.shears.benchmarks;

import dev.shears.pruning.data.DataLoader;
import dev.shears.pruning.data.DataLocation;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.ModelBytes;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.MaskSet;
import dev.shears.pruning.train.Threads;
import dev.shears.pruning.train.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where one fine-tuning epoch's time goes. On the quickstart's data (18,000 Fashion-MNIST training
 * rows) and network (MLP 784-300-100-10, Adam 1e-3, batch 128) it times, in alternating rounds:
 * a plain DL4J {@code fit} epoch over batches gathered beforehand; the matrix products of such an
 * epoch alone (forward, weight gradients, input gradients), into arrays allocated once; and an
 * epoch of Shears' fine-tuning with a 90% mask held, through DL4J's fit and through the lean step
 * ({@link Trainer#fit}). Prints the median seconds per epoch and the
 * rate of the epoch's matrix-product arithmetic in GFLOP/s.
 *
 * <p>Arguments, all optional: the IDX data directory (default
 * {@code /usr/share/datasets/fashion-mnist}), rounds (5). Run with {@code OMP_NUM_THREADS=1}; ND4J
 * is limited to one thread too.
 */
public final class FitBenchmark {

    private static final int BATCH = 128;
    private static final long SEED = 42;
    private static final int[] WIDTHS = {784, 300, 100, 10};

    private FitBenchmark() {
    }

    public static void main(String[] args) {
        String dir = args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Threads.limit(1);
        LabeledData train = DataLoader.load(DataLocation.idx(dir, 20000, 0, 0.1, SEED)).train();
        byte[] start = ModelBytes.of(Network.of(MlpFactory.build(WIDTHS[0], List.of(WIDTHS[1], WIDTHS[2]), WIDTHS[3], 1e-3,
                SEED)));
        MaskSet mask = mask(ModelBytes.restore(start));
        double gflop = flopsPerEpoch(train.size()) / 1e9;
        System.out.printf("%d training rows, batch %d, %.1f GFLOP of matrix products per epoch, %s%n",
                train.size(), BATCH, gflop, System.getProperty("java.vm.version"));

        Map<String, Runnable> variants = new LinkedHashMap<>();
        variants.put("DL4J fit, batches gathered beforehand", () -> {
            Network net = ModelBytes.restore(start);
            List<DataSet> batches = new ArrayList<>();
            int[] order = train.permutation(SEED);
            for (int from = 0; from < order.length; from += BATCH) {
                batches.add(train.batch(order, from, Math.min(order.length, from + BATCH), null));
            }
            long t = System.nanoTime();
            for (DataSet b : batches) {
                net.fit(b);
            }
            record("DL4J fit, batches gathered beforehand", t);
        });
        variants.put("matrix products alone", () -> {
            Products p = new Products();
            long t = System.nanoTime();
            for (int from = 0; from < train.size(); from += BATCH) {
                p.step(Math.min(BATCH, train.size() - from));
            }
            record("matrix products alone", t);
        });
        variants.put("fine-tuning, 90% mask, DL4J fit", () -> {
            Network net = ModelBytes.restore(start);
            long t = System.nanoTime();
            // what the trainer does on DL4J's path: each batch gathered as it comes, the mask re-applied after the step
            net.setLearningRate(1e-3);
            int[] order = train.permutation(SEED);
            for (int from = 0; from < order.length; from += BATCH) {
                net.fit(train.batch(order, from, Math.min(order.length, from + BATCH), null));
                mask.apply(net);
            }
            record("fine-tuning, 90% mask, DL4J fit", t);
        });
        variants.put("fine-tuning, 90% mask, lean step", () -> {
            Network net = ModelBytes.restore(start);
            long t = System.nanoTime();
            Trainer.fit(net, train, 1, BATCH, 1e-3, SEED, mask);
            record("fine-tuning, 90% mask, lean step", t);
        });

        variants.values().forEach(Runnable::run); // warm-up
        TIMES.clear();
        for (int r = 0; r < rounds; r++) {
            variants.values().forEach(Runnable::run);
        }
        System.out.printf("%-40s %12s %10s  %s%n", "variant", "s/epoch", "GFLOP/s", "rounds");
        for (String name : variants.keySet()) {
            double[] s = TIMES.get(name).stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double median = s[s.length / 2];
            System.out.printf("%-40s %12.3f %10.1f  %s%n", name, median, gflop / median, Arrays.toString(s));
        }
    }

    private static final Map<String, List<Double>> TIMES = new LinkedHashMap<>();

    private static void record(String name, long startNanos) {
        TIMES.computeIfAbsent(name, k -> new ArrayList<>()).add((System.nanoTime() - startNanos) / 1e9);
    }

    /** Multiply-adds x 2 of one epoch: forward and weight gradients for every layer, input gradients above the first. */
    static double flopsPerEpoch(int rows) {
        double forward = 0;
        double inputGradients = 0;
        for (int l = 1; l < WIDTHS.length; l++) {
            forward += (double) WIDTHS[l - 1] * WIDTHS[l];
            if (l > 1) {
                inputGradients += (double) WIDTHS[l - 1] * WIDTHS[l];
            }
        }
        return 2.0 * rows * (2 * forward + inputGradients);
    }

    /** Keeps a seeded random 10% of every weight matrix. */
    private static MaskSet mask(Network net) {
        MaskSet m = new MaskSet();
        Nd4j.getRandom().setSeed(SEED);
        for (int l = 0; l < WIDTHS.length - 1; l++) {
            INDArray w = net.getParam(l + "_W");
            m.put(l + "_W", Nd4j.rand(DataType.FLOAT, w.shape()).gt(0.9).castTo(DataType.FLOAT));
        }
        return m;
    }

    /** The products of one training step of the MLP, into arrays allocated once. */
    private static final class Products {
        private final INDArray[] w = new INDArray[WIDTHS.length - 1];
        private final INDArray[] gradW = new INDArray[WIDTHS.length - 1];
        private final Map<Integer, INDArray[][]> byRows = new LinkedHashMap<>();

        Products() {
            for (int l = 0; l < w.length; l++) {
                w[l] = Nd4j.rand(DataType.FLOAT, WIDTHS[l], WIDTHS[l + 1]);
                gradW[l] = Nd4j.create(DataType.FLOAT, WIDTHS[l], WIDTHS[l + 1]);
            }
        }

        void step(int rows) {
            INDArray[][] a = byRows.computeIfAbsent(rows, n -> {
                INDArray[][] x = new INDArray[2][WIDTHS.length];
                for (int l = 0; l < WIDTHS.length; l++) {
                    x[0][l] = Nd4j.rand(DataType.FLOAT, n, WIDTHS[l]);
                    x[1][l] = Nd4j.rand(DataType.FLOAT, n, WIDTHS[l]);
                }
                return x;
            });
            for (int l = 0; l < w.length; l++) {
                Nd4j.gemm(a[0][l], w[l], a[0][l + 1], false, false, 1.0, 0.0);
            }
            for (int l = w.length - 1; l >= 0; l--) {
                Nd4j.gemm(a[0][l], a[1][l + 1], gradW[l], true, false, 1.0, 0.0);
                if (l > 0) {
                    Nd4j.gemm(a[1][l + 1], w[l], a[1][l], false, true, 1.0, 0.0);
                }
            }
        }
    }
}
