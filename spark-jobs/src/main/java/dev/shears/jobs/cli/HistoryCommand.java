package dev.shears.jobs.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.jobs.driver.Timings;
import dev.shears.jobs.output.Changes;
import dev.shears.jobs.output.Dashboard;
import dev.shears.jobs.output.TableFormats;
import dev.shears.jobs.result.Columns;
import dev.shears.jobs.result.PastRow;
import dev.shears.jobs.result.Selection;
import dev.shears.jobs.result.SelectionSplit;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.HadoopFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code shears history ROOT}: the nights submit-scripts/nightly ran under ROOT, one line each, history.csv and,
 * with --html, dashboard.html drawn from the same figures.
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Summarise the nightly runs under ROOT (ROOT/<date>, as submit-scripts/nightly writes them):",
                "one line per night on the console, ROOT/history.csv and, with --html, ROOT/dashboard.html."})
final class HistoryCommand implements Callable<Integer> {

    static final String CSV = "history.csv";
    static final String DASHBOARD = "dashboard.html";
    private static final Pattern NIGHT = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})(\\.partial-.*)?");
    private static final List<String> COUNTS = List.of("candidates", "ok", "failed", "diverged", "timeout");
    /** history.csv's columns, and the keys of each night in the dashboard's data: {@link Night#values} in order. */
    private static final List<String> HEADER;

    static {
        List<String> header = new ArrayList<>(List.of("night", "status"));
        header.addAll(COUNTS);
        header.addAll(List.of("best", "compression", "val_accuracy", "accuracy", "base_val_accuracy", "val_fall_points",
                "target_compression", "val_accuracy_at_target", "alert_val_accuracy", "run_seconds",
                "base_model_hash", "data_hash"));
        HEADER = List.copyOf(header);
    }

    @Parameters(paramLabel = "ROOT", description = "the folder (local or Hadoop URI) holding one run per night")
    String root;

    @Option(names = "--html", description = "also write ROOT/dashboard.html: the nights' accuracy, compression and "
            + "run time as charts, in one page that opens offline")
    boolean html;

    @Option(names = "--fail-if-worse", paramLabel = "POINTS",
            description = "the alert threshold nightly runs with: each night's alert_val_accuracy is the night before's "
                    + "best validation accuracy minus POINTS percentage points (drawn on the dashboard)")
    Double failIfWorse;

    @Override
    public Integer call() throws IOException {
        write(root, failIfWorse, html, System.out);
        return ShearsMain.OK;
    }

    /** Reads the nights under {@code root}, says each on {@code console}, writes history.csv and the dashboard. */
    static void write(String root, Double failIfWorse, boolean html, PrintStream console) throws IOException {
        if (failIfWorse != null && !(failIfWorse >= 0)) {
            throw new BadInputException("--fail-if-worse " + failIfWorse + ": needs a number of points >= 0");
        }
        String uri = SpecLoader.toUri(root);
        List<Night> history = nights(uri, failIfWorse);
        history.forEach(n -> console.println(n.describe()));
        List<List<Object>> values = history.stream().map(Night::values).toList();
        HadoopFiles.writeAtomically(HadoopFiles.join(uri, CSV), TableFormats.cells(HEADER,
                values.stream().map(TableFormats::cells).toList()).getBytes(StandardCharsets.UTF_8));
        console.println("wrote " + HadoopFiles.join(uri, CSV));
        if (html) {
            String page = Dashboard.html(new Dashboard.Input("Shears nightly: " + root, HEADER, values, failIfWorse));
            HadoopFiles.writeAtomically(HadoopFiles.join(uri, DASHBOARD), page.getBytes(StandardCharsets.UTF_8));
            console.println("wrote " + HadoopFiles.join(uri, DASHBOARD));
        }
    }

    private static List<Night> nights(String uri, Double failIfWorse) throws IOException {
        FileSystem fs = HadoopFiles.fs(uri);
        if (!fs.exists(HadoopFiles.path(uri)) || !fs.getFileStatus(HadoopFiles.path(uri)).isDirectory()) {
            throw new BadInputException("history " + uri + ": no such folder of nightly runs");
        }
        TreeSet<String> nights = new TreeSet<>();
        for (FileStatus st : fs.listStatus(HadoopFiles.path(uri))) {
            Matcher m = NIGHT.matcher(st.getPath().getName());
            if (st.isDirectory() && m.matches()) {
                nights.add(m.group(1));
            }
        }
        List<Night> history = new ArrayList<>();
        List<PastRow> previous = null;
        PastRow previousBest = null;
        for (String night : nights) {
            String dir = HadoopFiles.join(uri, night);
            if (!HadoopFiles.exists(HadoopFiles.join(dir, "run.json"))) {
                history.add(new Night(night, "unfinished", null, null, null, null, null, null, null, null, null, null));
                continue;
            }
            List<PastRow> rows = Changes.readPrevious(dir);
            JsonNode run = SpecLoader.JSON.readTree(new String(HadoopFiles.readAll(HadoopFiles.join(dir, "run.json")),
                    StandardCharsets.UTF_8));
            List<Long> counts = COUNTS.stream().map(c -> run.path("counts").path(c).asLong()).toList();
            Double fall = previous == null ? null : Changes.fall(previous, rows).stream().map(f -> f * 100).boxed()
                    .findFirst().orElse(null);
            // the target is the compression --fail-if-worse holds tonight to: the night before's best
            Double target = previousBest == null ? null : previousBest.number(Columns.COMPRESSION);
            Double alert = previousBest == null || failIfWorse == null ? null
                    : previousBest.number(Columns.VAL_ACCURACY) - failIfWorse / 100;
            Timings timings = SpecLoader.JSON.readerFor(Timings.class)
                    .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(run.path("timings"));
            PastRow best = Selection.best(rows, SelectionSplit.VALIDATION).orElse(null);
            history.add(new Night(night, "finished", counts, best, fall, target,
                    target == null ? null : Changes.accuracyAt(rows, target), alert, timings.wallSeconds(),
                    run.path("base_model").path("val_accuracy").asDouble(), run.path("base_model").path("hash").asText(),
                    run.path("data").path("hash").asText()));
            previous = rows;
            previousBest = best;
        }
        return history;
    }

    /**
     * One night's figures: its line, its row of history.csv and its point on each of the dashboard's charts.
     *
     * @param counts   candidates and their statuses ({@link #COUNTS}), null when unfinished
     * @param best     the night's best row, or null
     * @param fall     validation points lost at the night before's best compression, or null
     * @param target   the night before's best compression, or null
     * @param atTarget the best validation accuracy at the target, or null
     * @param alert    the validation accuracy at the target below which --fail-if-worse alerts, or null
     */
    private record Night(String night, String status, List<Long> counts, PastRow best, Double fall, Double target,
                         Double atTarget, Double alert, Double runSeconds, Double baseValAccuracy,
                         String baseModelHash, String dataHash) {

        /** In {@link #HEADER}'s order, nulls for what the night does not have. */
        List<Object> values() {
            List<Object> values = new ArrayList<>(List.of(night, status));
            values.addAll(counts == null ? Collections.nCopies(COUNTS.size(), null) : counts);
            values.add(best == null ? null : best.text(Columns.CANDIDATE));
            values.addAll(Arrays.asList(best == null ? null : best.get(Columns.COMPRESSION),
                    best == null ? null : best.get(Columns.VAL_ACCURACY), best == null ? null : best.get(Columns.ACCURACY),
                    baseValAccuracy, fall, target, atTarget, alert, runSeconds, baseModelHash, dataHash));
            return values;
        }

        String describe() {
            if (counts == null) {
                return night + "  unfinished (submit-scripts/nightly resumes it)";
            }
            String bestText = best == null ? "no candidate within tolerance"
                    : String.format(Locale.ROOT, "best %s at %sx: validation %s, test %s", best.text(Columns.CANDIDATE),
                            Columns.COMPRESSION.format(best), Columns.VAL_ACCURACY.format(best),
                            Columns.ACCURACY.format(best));
            String fallText = fall == null ? "" : String.format(Locale.ROOT,
                    "; %+.2f points at the night before's best compression", -fall);
            return String.format(Locale.ROOT, "%s  %d candidates: %d OK, %d failed, %d diverged, %d timed out; %s "
                            + "(base validation %s)%s", night, counts.get(0), counts.get(1), counts.get(2), counts.get(3),
                    counts.get(4), bestText, TableFormats.cell(baseValAccuracy), fallText);
        }
    }
}
