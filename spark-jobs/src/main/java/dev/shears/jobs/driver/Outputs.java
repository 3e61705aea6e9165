package dev.shears.jobs.driver;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.shears.jobs.output.Changes;
import dev.shears.jobs.output.Report;
import dev.shears.jobs.output.TableFormats;
import dev.shears.jobs.result.Column;
import dev.shears.jobs.result.Columns;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.result.TableRow;
import dev.shears.jobs.spec.SearchSpec;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.export.CompactModel;
import dev.shears.pruning.metrics.ProcessMemory;
import dev.shears.pruning.model.ModelBytes;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a finished search: tables, Pareto front, provenance, the best models and the report. */
public final class Outputs {

    private static final List<Column> CONSOLE = List.of(Columns.RANK, Columns.CANDIDATE, Columns.SCORER,
            Columns.GRANULARITY, Columns.SCOPE, Columns.LAYERS, Columns.SCHEDULE, Columns.TARGET_SPARSITY,
            Columns.COMPRESSION, Columns.VAL_ACCURACY_DROP, Columns.ACCURACY, Columns.ACCURACY_DROP, Columns.SPEEDUP_B64,
            Columns.PARETO, Columns.PARETO_LATENCY, Columns.STATUS);

    private Outputs() {
    }

    /** Writes results.parquet/ at a staged path. */
    @FunctionalInterface
    public interface ParquetWriter {
        void write(List<Row> rows, List<Column> columns, String path);
    }

    static String json(Object value) {
        try {
            return SpecLoader.JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /**
     * The candidates whose models are kept: the first {@code keepModels} successful ones in rank order, so those that
     * keep the constraints come before any that breaks one ({@link Ranking}).
     */
    static List<String> kept(List<Row> ranked, int keepModels, Checkpoints models) {
        List<String> kept = new ArrayList<>();
        for (Row r : ranked) {
            if (kept.size() >= keepModels) {
                break;
            }
            String id = r.candidate();
            if (!r.trial().isBase() && r.trial().ok() && models.hasModel(id)) {
                kept.add(id);
            }
        }
        return kept;
    }

    /**
     * @param ranked rows in rank order ({@link Ranking#rank})
     * @param kept   candidates whose models are saved ({@link #kept})
     */
    static List<Row> write(Prepared p, List<Row> ranked, List<String> kept,
                           Map<String, List<Map<String, Object>>> extraTables, Checkpoints models, int trials,
                           ParquetWriter parquet, PrintStream console) {
        SearchSpec s = p.spec().spec();
        long start = System.nanoTime();
        List<Column> columns = Columns.of(ranked);
        Changes.Summary changes = null;
        try {
            var out = p.out();
            out.write("results.csv", TableFormats.csv(ranked, columns));
            out.write("results.json", json(TableFormats.json(ranked, columns)));
            out.write("pareto.csv", TableFormats.csv(ranked.stream().filter(Row::onAFront).toList(), columns));
            out.writeDirectory("results.parquet", path -> parquet.write(ranked, columns, path));
            for (Map.Entry<String, List<Map<String, Object>>> t : extraTables.entrySet()) {
                out.write(t.getKey() + ".csv", TableFormats.csvOfMaps(t.getValue()));
            }
            List<String> saved = new ArrayList<>();
            out.write("models/base.zip", p.baseModel());
            saved.add("models/base.zip");
            for (String id : kept) {
                byte[] model = models.model(id);
                out.write("models/" + id + ".zip", model);
                saved.add("models/" + id + ".zip");
                // the int8, relative-index form whose size the table's size_compact_bytes gives
                out.write("models/" + id + ".compact", CompactModel.write(ModelBytes.restore(model)));
                saved.add("models/" + id + ".compact");
            }
            List<Changes.Change> diff = null;
            if (p.previous() != null) {
                diff = Changes.rows(p.previous().rows(), ranked);
                out.write("changes.csv", Changes.csv(diff));
                changes = Changes.summary(p.previous().out(), p.previous().rows(), ranked, diff);
            }
            p.timings().writeSeconds = Stopwatch.seconds(start);
            p.timings().driverPeakResidentMb = ProcessMemory.peakResidentMb();
            String runJson = json(RunRecord.of(p, ranked, trials, saved, changes));
            out.write("run.json", runJson);
            out.write("report.html", Report.html(new Report.Input("Shears: " + s.name, ranked, runJson,
                    s.objective.tolerance(), s.objective.split(), kept, extraTables, diff, changes)));
            out.commit(Checkpoints.DIR);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the results to " + p.out().target() + ": " + e.getMessage(), e);
        }
        print(ranked, s, console);
        if (console != null) {
            if (changes != null) {
                console.println();
                console.println(Changes.headline(changes));
            }
            SlotUtilisation u = p.timings().slotUtilisation;
            if (u != null) {
                console.println();
                console.println(String.format(Locale.ROOT, "slot utilisation %.1f%%: %d trials busy %.1f slot-seconds of "
                        + "%d slots x %.1f s from the first one's start to the last one's end", 100 * u.utilisation(),
                        u.trials(), u.busySlotSeconds(), u.slots(), u.spanSeconds()));
            }
            console.println();
            console.println("wrote " + p.out().target() + "/{results.csv, results.json, results.parquet/, pareto.csv, "
                    + "run.json, models/, report.html}");
        }
        return ranked;
    }

    /** The top of the ranked table on the console (nothing when {@code console} is null). */
    static void print(List<? extends TableRow> ranked, SearchSpec s, PrintStream console) {
        if (console != null) {
            console.println();
            console.print(TableFormats.console(ranked, CONSOLE, s.output.consoleRows + 1));
        }
    }
}
