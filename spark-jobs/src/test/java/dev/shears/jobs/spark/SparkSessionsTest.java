package dev.shears.jobs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.shears.pruning.train.ComputePath;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** What executors inherit from the driver's settings: they run the trials, so they must run them alike. */
class SparkSessionsTest {

    @Test
    void theFastPathSwitchedOffOnTheDriverIsOffOnTheExecutors() {
        assertFalse(SparkSessions.executorEnvironment(new SparkConf(false), 1).containsKey(ComputePath.ENV));
        System.setProperty(ComputePath.PROPERTY, "off");
        try {
            Map<String, String> env = SparkSessions.executorEnvironment(new SparkConf(false), 2);
            assertEquals("off", env.get(ComputePath.ENV));
            assertEquals("2", env.get("OMP_NUM_THREADS"));
            // what the user set for the executors stands
            SparkConf own = new SparkConf(false).set("spark.executorEnv." + ComputePath.ENV, "on");
            assertFalse(SparkSessions.executorEnvironment(own, 2).containsKey(ComputePath.ENV));
        } finally {
            System.clearProperty(ComputePath.PROPERTY);
        }
    }
}
