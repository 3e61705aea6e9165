package dev.shears.jobs.spark;

import dev.shears.jobs.driver.Prepared;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.driver.SearchJob;
import dev.shears.jobs.driver.Start;
import dev.shears.jobs.driver.TableReader;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.pruning.train.FineTuner;
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

    /**
     * A whole search on Spark: everything that can be bad input is checked before Spark starts when the
     * data are files and the trials run per candidate; data-parallel training, and tables, need Spark
     * first (the base model trains on it, or the data are read by it).
     *
     * @param master  the Spark master, or null for what spark-submit set, else embedded local[*]
     * @param ui      start Spark's web UI
     * @param console where progress and the table go
     * @return the search's prepared state and its ranked rows
     */
    public static Finished search(LoadedSpec spec, String out, Start start, String master, boolean ui,
                                  PrintStream console) {
        MasterCheck.requireReachable(master, SparkSessions.conf());
        SearchSpec.SearchSettings settings = spec.spec().search;
        boolean sparkFirst = dataParallel(settings) || spec.readsTables();
        Prepared prepared = sparkFirst ? null : SearchJob.prepare(spec, out, start, FineTuner.LOCAL, TableReader.NONE);
        // a session that already exists (a notebook's, a test's) is used and left running
        boolean own = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkSessions.create("shears: " + spec.spec().name, master, settings.threadsPerTask, ui);
        try {
            if (sparkFirst) {
                JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
                prepared = SearchJob.prepare(spec, out, start,
                        dataParallel(settings) ? tuner(jsc, settings) : FineTuner.LOCAL, new SparkTables(spark));
            }
            return new Finished(prepared, run(prepared, spark, console));
        } finally {
            if (own) {
                spark.stop();
            }
        }
    }

    /** A search done: what it was prepared with, and its ranked rows. */
    public record Finished(Prepared prepared, List<Row> rows) {
    }

    /** Runs a prepared search on a running session; {@code console} may be null for no output. */
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

    static boolean dataParallel(SearchSpec.SearchSettings settings) {
        return "data-parallel".equals(settings.execution);
    }

    /** The data-parallel trainer the spec's settings describe. */
    static DataParallelFineTuner tuner(JavaSparkContext jsc, SearchSpec.SearchSettings settings) {
        return new DataParallelFineTuner(jsc, settings.averagingFrequency, settings.parallelism);
    }
}
