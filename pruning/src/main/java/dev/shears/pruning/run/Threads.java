package dev.shears.pruning.run;

import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's native thread count. Several Spark tasks share one executor JVM; at the batch sizes a
 * search uses, single-threaded tasks side by side beat one task using every core, and letting
 * each task use all cores oversubscribes them.
 */
public final class Threads {

    private Threads() {
    }

    /** Sets the native math threads of this JVM (a process-wide setting); 0 leaves ND4J's default. */
    public static void limit(int threads) {
        if (threads <= 0) {
            return;
        }
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }
}
