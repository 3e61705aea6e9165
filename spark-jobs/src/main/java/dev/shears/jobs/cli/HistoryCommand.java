package dev.shears.jobs.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.jobs.output.Changes;
import dev.shears.jobs.output.TableFormats;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.HadoopFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
        List<Map<String, Object>> history = new ArrayList<>();
        List<Map<String, Object>> previous = null;
        for (String night : nights) {
            String dir = HadoopFiles.join(uri, night);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("night", night);
            if (!HadoopFiles.exists(HadoopFiles.join(dir, "run.json"))) {
                line.put("status", "unfinished");
                history.add(line);
                System.out.println(night + "  unfinished (submit-scripts/nightly resumes it)");
                continue;
            }
            List<Map<String, Object>> rows = Changes.readPrevious(dir);
            JsonNode run = SpecLoader.JSON.readTree(new String(HadoopFiles.readAll(HadoopFiles.join(dir, "run.json")),
                    StandardCharsets.UTF_8));
            line.put("status", "finished");
            JsonNode counts = run.path("counts");
            for (String c : List.of("candidates", "ok", "failed", "diverged", "timeout")) {
                line.put(c, counts.path(c).asLong());
            }
            Optional<Map<String, Object>> best = Changes.bestRow(rows);
            line.put("best", best.map(b -> b.get("candidate")).orElse(null));
            for (String c : List.of("compression", "val_accuracy", "accuracy")) {
                line.put(c, best.map(b -> b.get(c)).orElse(null));
            }
            line.put("base_val_accuracy", run.path("base_model").path("val_accuracy").asDouble());
            line.put("base_model_hash", run.path("base_model").path("hash").asText());
            line.put("data_hash", run.path("data").path("hash").asText());
            if (previous != null) {
                Changes.fall(previous, rows).ifPresent(f -> line.put("val_fall_points", f * 100));
            }
            previous = rows;
            history.add(line);
            System.out.println(describe(line));
        }
        HadoopFiles.writeAtomically(HadoopFiles.join(uri, "history.csv"),
                TableFormats.csv(history, List.of("night", "status", "candidates", "ok", "failed", "diverged", "timeout",
                        "best", "compression", "val_accuracy", "accuracy", "base_val_accuracy", "val_fall_points",
                        "base_model_hash", "data_hash")).getBytes(StandardCharsets.UTF_8));
        System.out.println("wrote " + HadoopFiles.join(uri, "history.csv"));
        return ShearsMain.OK;
    }

    private static String describe(Map<String, Object> l) {
        String best = l.get("best") == null ? "no candidate within tolerance"
                : String.format(Locale.ROOT, "best %s at %sx: validation %s, test %s", l.get("best"),
                        TableFormats.cell(l.get("compression")), TableFormats.cell(l.get("val_accuracy")),
                        TableFormats.cell(l.get("accuracy")));
        String fall = l.get("val_fall_points") instanceof Double f
                ? String.format(Locale.ROOT, "; %+.2f points at the night before's best compression", -f) : "";
        return String.format(Locale.ROOT, "%s  %d candidates: %d OK, %d failed, %d diverged, %d timed out; %s "
                        + "(base validation %s)%s", l.get("night"), l.get("candidates"), l.get("ok"), l.get("failed"),
                l.get("diverged"), l.get("timeout"), best, TableFormats.cell(l.get("base_val_accuracy")), fall);
    }
}
