package dev.shears.pruning.train;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * ND4J's native thread count. Several Spark tasks share one executor JVM; at the batch sizes a
 * search uses, single-threaded tasks side by side beat one task using every core, and letting
 * each task use all cores oversubscribes them.
 */
public final class Threads {

    /**
     * The count last set: every trial asks for its count, and OpenBLAS's setter goes through JavaCPP's
     * library loader each time (file checks and jar lookups, milliseconds a trial), so an unchanged count
     * is not set again.
     */
    private static int set;

    private Threads() {
    }

    /** Sets the native math threads of this JVM (a process-wide setting); 0 leaves ND4J's default. */
    public static synchronized void limit(int threads) {
        if (threads <= 0 || threads == set) {
            return;
        }
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        set = threads;
        openMpOnThisThread();
    }

    /**
     * Sets OpenMP's thread count for parallel work started from the calling thread (oneDNN's primitives) to the
     * count last set, or to this machine's cores when none was: ND4J sets four at start-up whatever the cores,
     * which on two cores made oneDNN's weight gradients many times slower. OpenMP keeps the setting per thread,
     * so every thread that runs oneDNN calls this once.
     */
    public static void openMpOnThisThread() {
        int threads = set > 0 ? set : Runtime.getRuntime().availableProcessors();
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    }
}
