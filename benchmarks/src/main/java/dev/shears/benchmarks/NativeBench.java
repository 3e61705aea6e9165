package dev.shears.benchmarks;

import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.run.NativeBuild;
import dev.shears.pruning.train.Threads;
import dev.shears.pruning.train.Trainer;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shears bench native}: what the ND4J native build this JVM loaded does with the MLP's
 * matrix products and with one training epoch of it. Run it once per build
 * ({@code SHEARS_ND4J_BUILD=avx2 submit-scripts/shears bench native}) to compare builds; the AVX
 * builds are on the class path only when the application was built with {@code -Pnative-avx}. A build
 * asked for that cannot be loaded here ends the command with {@link BenchCommand#UNAVAILABLE} and the reason.
 */
@Command(name = "native", mixinStandardHelpOptions = true,
        description = {"Matrix-product rates of the quickstart MLP's shapes and one training epoch of it, on the ND4J "
                + "native build this JVM loaded: generic, or the one SHEARS_ND4J_BUILD names (avx2 and avx512 need an "
                + "application built with mvn -Pnative-avx).",
                "Exit code 4 when the build asked for cannot be loaded here (jar not packaged, CPU without its instructions).",
                "With one thread the CPU-time figures leave out what other work on the machine takes.",
                "The last line is 'native epoch S': seconds of one epoch."})
public final class NativeBench implements Callable<Integer> {

    /** rows x inner x columns of the products one training step of MLP 784-300-100-10 at batch 128 does. */
    private static final List<int[]> SHAPES = List.of(
            new int[] {128, 784, 300}, new int[] {128, 300, 100}, new int[] {128, 100, 10},
            new int[] {784, 128, 300}, new int[] {128, 300, 784}, new int[] {1024, 1024, 1024});

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Spec
    CommandSpec spec;

    /** This JVM's build choice; tests give another. */
    Supplier<NativeBuild.Choice> choices = NativeBuild::choice;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = "ND4J threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--rows", defaultValue = "18000", paramLabel = "N",
            description = "training rows of the timed epoch, random data (default: ${DEFAULT-VALUE}, as the quickstart)")
    int rows;

    @Option(names = "--seconds", defaultValue = "1", paramLabel = "S",
            description = "timed seconds per matrix shape, after a warm-up (default: ${DEFAULT-VALUE})")
    double seconds;

    @Override
    public Integer call() {
        if (threads < 1 || rows < 128 || seconds <= 0) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--threads must be at least 1, --rows at least 128 and --seconds positive");
        }
        PrintStream out = System.out;
        NativeBuild.Choice choice = choices.get();
        NativeBuild.Build build = choice.build();
        if (choice.refused()) {
            // measuring the generic build under another build's name would mislead: say why and stop
            spec.commandLine().getErr().println("shears bench native: " + choice.reason());
            return BenchCommand.UNAVAILABLE;
        }
        if (!choice.available().contains(NativeBuild.Build.AVX2) && !choice.available().contains(NativeBuild.Build.AVX512)) {
            out.println("bench native: no AVX2 or AVX-512 build on the class path (this application was built without "
                    + "-Pnative-avx); measuring the generic build only");
        }
        Threads.limit(threads);
        int level = NativeOpsHolder.getInstance().getDeviceNativeOps().binaryLevel();
        out.printf(Locale.ROOT, "bench native: build %s (ND4J binary level %s), %d ND4J thread(s)%n", build.label(),
                List.of("unknown", "generic x86-64", "AVX2", "AVX-512").get(Math.min(3, Math.max(0, level))), threads);
        out.printf(Locale.ROOT, "  %-20s %10s %10s %12s %12s%n", "rows x inner x cols", "wall ms", "CPU ms", "GFLOP/s wall",
                "GFLOP/s CPU");
        for (int[] s : SHAPES) {
            double[] t = matmul(s[0], s[1], s[2]);
            double flops = 2.0 * s[0] * s[1] * s[2];
            out.printf(Locale.ROOT, "  %4d x %4d x %4d   %10.3f %10.3f %12.1f %12.1f%n", s[0], s[1], s[2], t[0] * 1e3,
                    t[1] * 1e3, flops / t[0] / 1e9, flops / t[1] / 1e9);
        }
        double[] epoch = epoch();
        out.printf(Locale.ROOT, "  MLP 784-300-100-10, Adam, batch 128, one epoch of %d rows: %.2f s, %.2f CPU s%n", rows,
                epoch[0], epoch[1]);
        out.printf(Locale.ROOT, "native epoch %.2f%n", epoch[0]);
        return 0;
    }

    /**
     * Median wall and CPU seconds of one product {@code (m x k) . (k x n)} into a reused result, as DL4J's dense
     * layers do. With one ND4J thread the product runs on this thread, so its CPU time leaves out the time other
     * work on the machine takes the core away: on a busy machine that is the figure to compare builds by.
     */
    private double[] matmul(int m, int k, int n) {
        INDArray a = Nd4j.rand(DataType.FLOAT, m, k);
        INDArray b = Nd4j.rand(DataType.FLOAT, k, n);
        INDArray c = Nd4j.create(DataType.FLOAT, m, n);
        long warmUpEnd = System.nanoTime() + (long) (0.2e9 * seconds);
        while (System.nanoTime() < warmUpEnd) {
            a.mmuli(b, c);
        }
        // batches of products long enough to time, their median: a neighbour's burst spoils a batch, not the figure
        int perBatch = 1;
        while (time(a, b, c, perBatch)[0] < 0.01) {
            perBatch *= 2;
        }
        int batches = Math.max(5, (int) (seconds / time(a, b, c, perBatch)[0]));
        double[] wall = new double[batches];
        double[] cpu = new double[batches];
        for (int i = 0; i < batches; i++) {
            double[] t = time(a, b, c, perBatch);
            wall[i] = t[0] / perBatch;
            cpu[i] = t[1] / perBatch;
        }
        return new double[] {median(wall), median(cpu)};
    }

    private static double[] time(INDArray a, INDArray b, INDArray c, int times) {
        long cpu = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < times; i++) {
            a.mmuli(b, c);
        }
        return new double[] {(System.nanoTime() - t0) / 1e9, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9};
    }

    private static double median(double[] values) {
        Arrays.sort(values);
        return values[values.length / 2];
    }

    /** One training epoch of the quickstart's MLP on random data, after an untimed one. */
    private double[] epoch() {
        Random random = new Random(1);
        float[] features = new float[rows * 784];
        for (int i = 0; i < features.length; i++) {
            features[i] = random.nextFloat();
        }
        int[] labels = random.ints(rows, 0, 10).toArray();
        LabeledData data = new LabeledData(features, labels, 10, new int[] {784});
        Network net = Network.of(MlpFactory.build(784, List.of(300, 100), 10, 1e-3, 1));
        Trainer.fit(net, data, 1, 128, 1e-3, 1, null);
        long cpu = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        Trainer.fit(net, data, 1, 128, 1e-3, 2, null);
        return new double[] {(System.nanoTime() - t0) / 1e9, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e9};
    }
}
