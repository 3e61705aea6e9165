package dev.shears.jobs.cli;

import dev.shears.jobs.driver.Prepared;
import dev.shears.jobs.driver.RunFolder;
import dev.shears.jobs.driver.Start;
import dev.shears.jobs.driver.TrialCache;
import dev.shears.jobs.output.Changes;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.spark.SparkSearch;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.BadInputException;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
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
            + "that stopped part-way into the same --out (starts afresh when there is none); a finished run there "
            + "whose spec had smaller budgets is extended, as with --extend")
    boolean resume;

    @Option(names = "--extend", description = "grow the finished run in --out: the same spec with a larger "
            + "search.budget or search.epochBudget continues its strategy, evaluating only candidates it has not "
            + "(needs the trial cache; otherwise as --resume)")
    boolean extend;

    @Mixin
    CacheOptions caching = new CacheOptions();

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
        RunFolder.Finished finished = resume || extend ? RunFolder.finished(spec, out, System.out) : null;
        if (finished != null && finished.sameSpec()) {
            return ShearsMain.OK;
        }
        boolean grow = finished != null;
        TrialCache trials = grow ? extensionCache(finished) : TrialCache.resolve(caching.cache, caching.noCache, System.getenv());
        Start start = new Start(resume || extend, grow, compareTo, trials);
        SparkSearch.Finished search = SparkSearch.search(spec, out, start, master, ui, System.out);
        return worse(search.prepared(), search.rows()) ? ShearsMain.WORSE : ShearsMain.OK;
    }

    /**
     * The cache an extension reads the finished run's trials from: the one named now, else the one that
     * run used. Without one there is nothing to continue from but its table.
     */
    private TrialCache extensionCache(RunFolder.Finished finished) {
        String named = caching.cache != null ? caching.cache : System.getenv(TrialCache.ENV);
        TrialCache trials = finished.cache() == null ? TrialCache.OFF
                : TrialCache.resolve(named != null ? named : finished.cache(), caching.noCache, System.getenv());
        if (!trials.enabled()) {
            throw new BadInputException("--extend " + out + ": " + (finished.cache() == null
                    ? "the finished run there ran without the trial cache, so its trials are kept nowhere to continue from"
                    : "extending reads the finished run's trials from the trial cache, which is turned off here")
                    + "; run the larger search into a new --out, or keep the cache on");
        }
        return trials;
    }

    /** With --fail-if-worse: whether validation accuracy at the compared run's best compression fell by too much. */
    private boolean worse(Prepared prepared, List<Row> rows) {
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
