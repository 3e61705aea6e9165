package dev.shears.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.jobs.output.Changes;
import dev.shears.jobs.output.TableFormats;
import dev.shears.jobs.result.Column;
import dev.shears.jobs.result.Columns;
import dev.shears.jobs.result.PastRow;
import dev.shears.jobs.result.Selection;
import dev.shears.jobs.result.SelectionSplit;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.HadoopFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
import picocli.CommandLine.Parameters;

/** {@code shears history ROOT}: the nights submit-scripts/nightly ran under ROOT, one line each, and history.csv. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Summarise the nightly runs under ROOT (ROOT/<date>, as submit-scripts/nightly writes them):",
                "one line per night on the console, and ROOT/history.csv."})
final class HistoryCommand implements Callable<Integer> {

    private static final Pattern NIGHT = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})(\\.partial-.*)?");

    @Parameters(paramLabel = "ROOT", description = "the folder (local or Hadoop URI) holding one run per night")
    String root;

    @Override
    public Integer call() throws IOException {
        String uri = SpecLoader.toUri(root);
        FileSystem fs = HadoopFiles.fs(uri);
        if (!fs.exists(HadoopFiles.path(uri)) || !fs.getFileStatus(HadoopFiles.path(uri)).isDirectory()) {
            throw new BadInputException("history " + root + ": no such folder of nightly runs");
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
        for (String night : nights) {
            String dir = HadoopFiles.join(uri, night);
            if (!HadoopFiles.exists(HadoopFiles.join(dir, "run.json"))) {
                history.add(new Night(night, "unfinished", null, null, null, Double.NaN, null, null));
                System.out.println(night + "  unfinished (submit-scripts/nightly resumes it)");
                continue;
            }
            List<PastRow> rows = Changes.readPrevious(dir);
            JsonNode run = SpecLoader.JSON.readTree(new String(HadoopFiles.readAll(HadoopFiles.join(dir, "run.json")),
                    StandardCharsets.UTF_8));
            List<Long> counts = COUNTS.stream().map(c -> run.path("counts").path(c).asLong()).toList();
            Double fall = previous == null ? null : Changes.fall(previous, rows).stream().map(f -> f * 100).boxed()
                    .findFirst().orElse(null);
            Night line = new Night(night, "finished", counts, Selection.best(rows, SelectionSplit.VALIDATION).orElse(null),
                    fall, run.path("base_model").path("val_accuracy").asDouble(), run.path("base_model").path("hash").asText(),
                    run.path("data").path("hash").asText());
            previous = rows;
            history.add(line);
            System.out.println(line.describe());
        }
        List<String> header = new ArrayList<>(List.of("night", "status"));
        header.addAll(COUNTS);
        header.addAll(List.of("best", "compression", "val_accuracy", "accuracy", "base_val_accuracy", "val_fall_points",
                "base_model_hash", "data_hash"));
        HadoopFiles.writeAtomically(HadoopFiles.join(uri, "history.csv"),
                TableFormats.cells(header, history.stream().map(Night::cells).toList()).getBytes(StandardCharsets.UTF_8));
        System.out.println("wrote " + HadoopFiles.join(uri, "history.csv"));
        return ShearsMain.OK;
    }

    private static final List<String> COUNTS = List.of("candidates", "ok", "failed", "diverged", "timeout");

    /**
     * One night's line.
     *
     * @param counts   candidates and their statuses ({@link #COUNTS}), null when unfinished
     * @param best     the night's best row, or null
     * @param fall     validation points lost at the night before's best compression, or null
     */
    private record Night(String night, String status, List<Long> counts, PastRow best, Double fall,
                         double baseValAccuracy, String baseModelHash, String dataHash) {

        List<String> cells() {
            List<String> cells = new ArrayList<>(List.of(night, status));
            cells.addAll(counts == null ? Collections.nCopies(COUNTS.size(), "")
                    : counts.stream().map(String::valueOf).toList());
            cells.add(best == null ? "" : best.text(Columns.CANDIDATE));
            for (Column c : List.of(Columns.COMPRESSION, Columns.VAL_ACCURACY, Columns.ACCURACY)) {
                cells.add(best == null ? "" : c.format(best));
            }
            cells.add(counts == null ? "" : TableFormats.cell(baseValAccuracy));
            cells.add(TableFormats.cell(fall));
            cells.add(baseModelHash == null ? "" : baseModelHash);
            cells.add(dataHash == null ? "" : dataHash);
            return cells;
        }

        String describe() {
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
