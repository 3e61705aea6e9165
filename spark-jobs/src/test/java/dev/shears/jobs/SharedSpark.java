package dev.shears.jobs;

import dev.shears.jobs.spark.SparkSessions;
import org.apache.spark.sql.SparkSession;

/** One local[2] Spark session for every test in the JVM: starting Spark costs seconds. */
public final class SharedSpark {

    private static SparkSession session;

    private SharedSpark() {
    }

    public static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSessions.create("shears-tests", "local[2]", 1, false);
        }
        return session;
    }
}
