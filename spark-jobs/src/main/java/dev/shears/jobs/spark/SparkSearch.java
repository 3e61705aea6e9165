package dev.shears.jobs.spark;

import dev.shears.jobs.driver.Prepared;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.driver.SearchJob;
import dev.shears.jobs.engine.CandidateEngine;
import dev.shears.jobs.engine.LocalEngine;
import dev.shears.jobs.engine.SparkEngine;
import dev.shears.jobs.engine.TrialContext;
import dev.shears.jobs.spec.SearchSpec;
import java.util.function.Function;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a prepared search on a Spark session. Per-candidate execution: one trial slot per core
 * Spark offers unless the spec says otherwise. Data-parallel execution: trials one after another
 * on the driver, each trial's fine-tuning spread over the executors.
 */
public final class SparkSearch {

    private SparkSearch() {
    }

    /** @param console where progress and the table go, or null for none */
    public static List<Row> run(Prepared prepared, SparkSession spark, PrintStream console) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        SearchSpec.SearchSettings settings = prepared.spec().spec().search;
        int slots = settings.parallelism > 0 ? settings.parallelism : jsc.defaultParallelism();
        Function<TrialContext, CandidateEngine> engine = dataParallel(settings)
                ? ctx -> new LocalEngine(prepared.baseModel(), ctx, tuner(jsc, settings))
                : ctx -> new SparkEngine(jsc, prepared.baseModel(), ctx, slots);
        return SearchJob.run(prepared, engine, spark.version(),
                (rows, columns, path) -> ParquetTables.write(spark, rows, columns, path), console);
    }

    public static boolean dataParallel(SearchSpec.SearchSettings settings) {
        return "data-parallel".equals(settings.execution);
    }

    /** The data-parallel trainer the spec's settings describe. */
    public static DataParallelFineTuner tuner(JavaSparkContext jsc, SearchSpec.SearchSettings settings) {
        return new DataParallelFineTuner(jsc, settings.averagingFrequency, settings.parallelism);
    }
}
