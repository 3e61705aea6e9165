package dev.shears.jobs.spark;

import dev.shears.jobs.driver.SearchJob;
import dev.shears.jobs.engine.SparkEngine;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** Runs a prepared search on a Spark session: one trial slot per core Spark offers unless the spec says otherwise. */
public final class SparkSearch {

    private SparkSearch() {
    }

    /** @param console where progress and the table go, or null for none */
    public static List<Map<String, Object>> run(SearchJob.Prepared prepared, SparkSession spark, PrintStream console) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int parallelism = prepared.spec().spec().search.parallelism;
        int slots = parallelism > 0 ? parallelism : jsc.defaultParallelism();
        return SearchJob.run(prepared, ctx -> new SparkEngine(jsc, prepared.baseModel(), ctx, slots), spark.version(),
                (rows, columns, path) -> ParquetTables.write(spark, rows, columns, path), console);
    }
}
