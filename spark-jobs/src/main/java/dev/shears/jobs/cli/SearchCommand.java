package dev.shears.jobs.cli;

import dev.shears.jobs.driver.SearchJob;
import dev.shears.jobs.output.Changes;
import dev.shears.jobs.spark.MasterCheck;
import dev.shears.jobs.spark.SparkSearch;
import dev.shears.jobs.spark.SparkSessions;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.BadInputException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shears search}: one search, from spec to the ranked table. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Run a pruning search and write the ranked table, Pareto front, models and report.")
final class SearchCommand implements Callable<Integer> {

    @Mixin
    SpecOptions specOptions;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory (local or Hadoop URI); must be new or empty")
    String out;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: what spark-submit set, else embedded local[*])")
    String master;

    @Option(names = "--ui", description = "start Spark's web UI")
    boolean ui;

    @Option(names = "--resume", description = "carry on from the checkpoints of a run of the same spec "
            + "that stopped part-way into the same --out (starts afresh when there is none)")
    boolean resume;

    @Option(names = "--compare-to", paramLabel = "DIR",
            description = "an earlier run's output (last night's, say): writes changes.csv and says what changed")
    String compareTo;

    @Option(names = "--fail-if-worse", paramLabel = "POINTS",
            description = "with --compare-to: exit with code 3 when the validation accuracy at the earlier run's best "
                    + "compression fell by more than POINTS percentage points")
    Double failIfWorse;

    @Override
    public Integer call() {
        if (failIfWorse != null && (compareTo == null || !(failIfWorse >= 0))) {
            throw new BadInputException("--fail-if-worse " + failIfWorse
                    + ": needs --compare-to (the run to hold to) and a number of points >= 0");
        }
        LoadedSpec spec = SpecLoader.load(specOptions.spec, specOptions.sets);
        if (resume && SearchJob.finished(spec, out, System.out)) {
            return ShearsMain.OK;
        }
        MasterCheck.requireReachable(master, SparkSessions.conf());
        boolean dataParallel = SparkSearch.dataParallel(spec.spec().search);
        // per-candidate: everything that can be bad input is checked before Spark starts;
        // data-parallel: the base model trains on Spark, so Spark starts first
        SearchJob.Prepared prepared = dataParallel ? null : SearchJob.prepare(spec, out, resume, compareTo);
        // a session that already exists (a notebook's, a test's) is used and left running
        boolean own = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkSessions.create("shears: " + spec.spec().name, master,
                spec.spec().search.threadsPerTask, ui);
        try {
            if (dataParallel) {
                JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
                prepared = SearchJob.prepare(spec, out, resume, compareTo, SparkSearch.tuner(jsc, spec.spec().search));
            }
            List<Map<String, Object>> rows = SparkSearch.run(prepared, spark, System.out);
            return worse(prepared, rows) ? ShearsMain.WORSE : ShearsMain.OK;
        } finally {
            if (own) {
                spark.stop();
            }
        }
    }

    /** With --fail-if-worse: whether validation accuracy at the compared run's best compression fell by too much. */
    private boolean worse(SearchJob.Prepared prepared, List<Map<String, Object>> rows) {
        if (failIfWorse == null) {
            return false;
        }
        OptionalDouble fall = Changes.fall(prepared.previous().rows(), rows);
        if (fall.isEmpty() || fall.getAsDouble() * 100 <= failIfWorse) {
            return false;
        }
        System.err.printf(Locale.ROOT, "shears: worse than %s: validation accuracy at its best compression fell by "
                + "%.2f points (--fail-if-worse %s)%n", compareTo, fall.getAsDouble() * 100, failIfWorse);
        return true;
    }
}
