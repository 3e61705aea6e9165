package dev.shears.pruning.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The native thread count reaches OpenBLAS and ND4J, asked for once or again, and a changed count
 * replaces it (ND4J's own count cannot exceed OMP_NUM_THREADS, which the tests run with at 1).
 */
class ThreadsTest {

    @Test
    void aCountReachesOpenBlasAndNd4jAndAChangedOneReplacesIt() {
        int before = Nd4j.factory().blas().getMaxThreads();
        try {
            Threads.limit(2);
            Threads.limit(2);
            assertEquals(2, Nd4j.factory().blas().getMaxThreads());
            Threads.limit(1);
            assertEquals(1, Nd4j.factory().blas().getMaxThreads());
            assertEquals(1, Nd4j.getEnvironment().maxThreads());
            assertEquals(1, Nd4j.getEnvironment().maxMasterThreads());
        } finally {
            Threads.limit(before);
        }
    }
}
