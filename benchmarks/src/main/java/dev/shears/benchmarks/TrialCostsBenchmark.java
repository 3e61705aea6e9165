package dev.shears.benchmarks;

import dev.shears.pruning.data.HadoopFiles;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.ModelBytes;
import dev.shears.pruning.model.Network;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The fixed costs every trial of the quickstart pays around its training epoch, on its network (MLP
 * 784-300-100-10): restoring the base model from its bytes, copying a network already restored
 * instead, saving the trial's model (dense, and with 95% zeros), writing a checkpoint record and
 * a model file atomically on local disk, and a native array of the network's parameter count.
 * Prints the median milliseconds per call, wall and the calling thread's CPU. Run it in a trial JVM's
 * settings ({@code SHEARS_JAVA_TRIAL_OPTS}); argument, optional: rounds (20).
 */
public final class TrialCostsBenchmark {

    private interface Call {
        void run() throws IOException;
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private TrialCostsBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Network dense = Network.of(MlpFactory.build(784, List.of(300, 100), 10, 1e-3, 42));
        byte[] bytes = ModelBytes.of(dense);
        Network restored = ModelBytes.restore(bytes);
        Network sparse = restored.copy();
        INDArray params = sparse.params();
        params.muli(Nd4j.rand(DataType.FLOAT, params.shape()).gt(0.95).castTo(DataType.FLOAT));
        String dir = Files.createTempDirectory("shears-trial-costs").toUri().toString();
        byte[] record = new byte[2000];
        int[] file = {0};
        System.out.printf("%-52s %10s %10s%n", "per call (median of " + rounds + ")", "wall ms", "CPU ms");
        time("restore the base model (ModelBytes.restore)", rounds, () -> ModelBytes.restore(bytes));
        time("copy a restored network (Network.copy)", rounds, restored::copy);
        time("save the dense model (ModelBytes.of)", rounds, () -> ModelBytes.of(restored));
        time("save the model with 95% zeros (ModelBytes.of)", rounds, () -> ModelBytes.of(sparse));
        time("write a 2 kB checkpoint record atomically", rounds,
                () -> HadoopFiles.writeAtomically(dir + "/checkpoint/r" + file[0]++ + ".json", record));
        time("write the model file atomically", rounds,
                () -> HadoopFiles.writeAtomically(dir + "/checkpoint/m" + file[0]++ + ".zip", bytes));
        // kept alive, as a trial's arrays are until a collection frees them: each call gets memory not touched before
        List<INDArray> alive = new ArrayList<>();
        time("native array of the parameter count, kept alive", rounds,
                () -> alive.add(Nd4j.create(DataType.FLOAT, restored.numParams())));
    }

    /** One untimed call first, so that class loading and the first compilations are left out. */
    private static void time(String what, int rounds, Call call) throws IOException {
        call.run();
        double[] wall = new double[rounds];
        double[] cpu = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long w = System.nanoTime();
            long c = THREADS.getCurrentThreadCpuTime();
            call.run();
            cpu[r] = (THREADS.getCurrentThreadCpuTime() - c) / 1e6;
            wall[r] = (System.nanoTime() - w) / 1e6;
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        System.out.printf("%-52s %10.2f %10.2f%n", what, wall[rounds / 2], cpu[rounds / 2]);
    }
}
