package dev.shears.jobs.cli;

import dev.shears.jobs.driver.TrialCache;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.HadoopFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code shears nightly}: one scheduled night of the same search, so any scheduler (cron, a Kubernetes
 * ScheduledSparkApplication, Airflow) needs only a fixed command line. Tonight's run goes into
 * ROOT/DATE; a night that stopped part-way is resumed; the newest earlier night is compared with;
 * nights share a trial cache; ROOT/latest names the newest finished night; ROOT/history.csv and ROOT/dashboard.html
 * then show every night.
 */
@Command(name = "nightly", mixinStandardHelpOptions = true,
        description = {"Run tonight's search into ROOT/<date>: resume a stopped night, compare with the newest earlier",
                "night, share the trial cache ROOT/cache, point ROOT/latest at it. Run it again the same night and it",
                "only says tonight's run is there. A finished night rewrites ROOT/history.csv and ROOT/dashboard.html."})
final class NightlyCommand implements Callable<Integer> {

    /** Where ROOT/latest cannot be a symbolic link (HDFS, object stores), a file holding the night's name. */
    static final String LATEST_FILE = "LATEST";

    @Mixin
    SpecOptions specOptions;

    @Option(names = "--root", required = true, paramLabel = "ROOT",
            description = "the folder (local path or Hadoop URI) holding one run per night")
    String root;

    @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "the night's date (default: today)")
    String date;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: what spark-submit set, else embedded local[*])")
    String master;

    @Option(names = "--fail-if-worse", paramLabel = "POINTS",
            description = "exit with code 3 when validation accuracy at the previous night's best compression fell by "
                    + "more than POINTS percentage points (the first night has nothing to be worse than)")
    Double failIfWorse;

    @Mixin
    CacheOptions caching;

    @Override
    public Integer call() throws IOException {
        String rootUri = SpecLoader.toUri(root);
        String tonight = night();
        String out = HadoopFiles.join(rootUri, tonight);
        if (HadoopFiles.exists(HadoopFiles.join(out, "run.json"))) {
            System.err.println("shears: nightly: " + out + " already holds tonight's run");
            markLatest(rootUri, tonight);
            return ShearsMain.OK;
        }
        String previous = previousNight(rootUri, tonight);
        SearchCommand search = new SearchCommand();
        search.specOptions = specOptions;
        search.out = out;
        search.master = master;
        search.resume = true;
        search.compareTo = previous;
        search.failIfWorse = previous == null ? null : failIfWorse;
        search.caching = caching;
        if (caching.cache == null && System.getenv(TrialCache.ENV) == null) {
            caching.cache = HadoopFiles.join(rootUri, "cache");
        }
        System.err.println("shears: nightly: tonight into " + out
                + (previous == null ? " (the first night: nothing to compare with)" : ", compared with " + previous));
        int code = search.call();
        // a finished night, also one worse than the night before, becomes the latest and joins the dashboard
        if (HadoopFiles.exists(HadoopFiles.join(out, "run.json"))) {
            markLatest(rootUri, tonight);
            HistoryCommand.write(root, failIfWorse, true, System.out);
        }
        return code;
    }

    private String night() {
        if (date == null) {
            return LocalDate.now().toString();
        }
        try {
            return LocalDate.parse(date).toString();
        } catch (DateTimeParseException e) {
            throw new BadInputException("--date " + date + ": not a date of the form YYYY-MM-DD");
        }
    }

    /** The newest earlier night that finished, or null. */
    private static String previousNight(String rootUri, String tonight) throws IOException {
        FileSystem fs = HadoopFiles.fs(rootUri);
        TreeSet<String> finished = new TreeSet<>();
        if (fs.exists(HadoopFiles.path(rootUri))) {
            for (FileStatus st : fs.listStatus(HadoopFiles.path(rootUri))) {
                String name = st.getPath().getName();
                if (st.isDirectory() && name.matches("\\d{4}-\\d{2}-\\d{2}") && !name.equals(tonight)
                        && HadoopFiles.exists(HadoopFiles.join(HadoopFiles.join(rootUri, name), "results.json"))) {
                    finished.add(name);
                }
            }
        }
        return finished.isEmpty() ? null : HadoopFiles.join(rootUri, finished.last());
    }

    /**
     * Points ROOT/latest at the night: a relative symbolic link on local disk (replaced with one rename),
     * elsewhere the file ROOT/LATEST holding the night's name.
     */
    private static void markLatest(String rootUri, String night) {
        try {
            if (rootUri.startsWith("file:")) {
                Path dir = Path.of(HadoopFiles.path(rootUri).toUri());
                Path link = Files.createSymbolicLink(dir.resolve(".latest-" + night + "-" + ProcessHandle.current().pid()),
                        Path.of(night));
                Files.move(link, dir.resolve("latest"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                HadoopFiles.writeAtomically(HadoopFiles.join(rootUri, LATEST_FILE), night.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot point " + rootUri + "/latest at " + night, e);
        }
    }
}
