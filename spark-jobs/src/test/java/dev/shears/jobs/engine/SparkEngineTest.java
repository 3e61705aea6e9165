package dev.shears.jobs.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.shears.jobs.SharedSpark;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** On local[2]: a search that may use every core keeps one trial per slot queued; one that may not, none. */
class SparkEngineTest {

    private static int submittedAtOnce(int slots) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SharedSpark.get().sparkContext());
        try (SparkEngine engine = new SparkEngine(jsc, new byte[] {1}, new TrialContext(null, null, 1, 0), slots)) {
            return engine.slots();
        }
    }

    @Test
    void everyCoreInUseQueuesOneTrialPerSlot() {
        assertEquals(4, submittedAtOnce(2));
    }

    @Test
    void fewerSlotsThanCoresQueueNothing() {
        // a queued trial would start at once on the idle core, past the parallelism the spec set
        assertEquals(1, submittedAtOnce(1));
    }
}
