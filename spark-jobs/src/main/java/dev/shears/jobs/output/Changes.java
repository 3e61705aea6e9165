package dev.shears.jobs.output;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.shears.jobs.result.Column;
import dev.shears.jobs.result.Columns;
import dev.shears.jobs.result.PastRow;
import dev.shears.jobs.result.Selection;
import dev.shears.jobs.result.SelectionSplit;
import dev.shears.jobs.result.TableRow;
import dev.shears.jobs.result.Trial;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.HadoopFiles;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * What changed since an earlier run of a search (last night's, say): the base model's accuracy,
 * the best candidate, and each candidate's figures, matched by method (ids shift when a space changes).
 */
public final class Changes {

    /** The figures shown before and now, side by side. */
    private static final List<Column> COMPARED = List.of(Columns.CANDIDATE, Columns.RANK, Columns.STATUS,
            Columns.COMPRESSION, Columns.VAL_ACCURACY, Columns.ACCURACY);
    /** The figures whose change is shown. */
    private static final List<Column> CHANGED = List.of(Columns.VAL_ACCURACY, Columns.ACCURACY);

    /**
     * One candidate in either run.
     *
     * @param before its row in the earlier run, or null when it is new
     * @param now    its row now, or null when it is gone
     */
    public record Change(TableRow before, TableRow now) {

        TableRow method() {
            return now != null ? now : before;
        }

        /** How much a figure moved, or NaN when the candidate is not in both runs. */
        public double change(Column column) {
            return before == null || now == null ? Double.NaN : now.number(column) - before.number(column);
        }
    }

    /**
     * The headline: base and best before and now, and how many candidates appeared, went or changed status.
     * run.json holds it as {@code changes}.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder(alphabetic = true)
    public record Summary(String previous, Double baseAccuracyBefore, Double baseAccuracyNow, boolean baseModelChanged,
                          boolean dataChanged, String bestBefore, String bestNow, long candidatesNew,
                          long candidatesGone, long statusChanged) {
    }

    private Changes() {
    }

    /** The ranked rows of an earlier run's results.json; a missing or unreadable one is bad input. */
    public static List<PastRow> readPrevious(String previousOut) {
        String file = HadoopFiles.join(previousOut, "results.json");
        if (!HadoopFiles.exists(file)) {
            throw new BadInputException("--compare-to " + previousOut + ": holds no finished run (no " + file + ")");
        }
        try (InputStream in = HadoopFiles.open(file)) {
            JsonNode rows = SpecLoader.JSON.readTree(in);
            if (!rows.isArray()) {
                throw new IOException("not a list of rows");
            }
            List<PastRow> past = new ArrayList<>();
            rows.forEach(r -> past.add(new PastRow(r)));
            return past;
        } catch (IOException e) {
            throw new BadInputException("--compare-to " + previousOut + ": " + file + " is not a Shears results file: "
                    + e.getMessage(), e);
        }
    }

    /** One change per candidate in either run: the candidates of now first, then those gone. */
    public static List<Change> rows(List<? extends TableRow> before, List<? extends TableRow> now) {
        Map<String, TableRow> old = index(before);
        Map<String, TableRow> current = index(now);
        List<Change> out = new ArrayList<>();
        current.forEach((method, row) -> out.add(new Change(old.get(method), row)));
        old.forEach((method, row) -> {
            if (!current.containsKey(method)) {
                out.add(new Change(row, null));
            }
        });
        return out;
    }

    /** Each candidate's method, its figures before and now, and their change: changes.csv, and the report's table. */
    public static TableFormats.Cells table(List<Change> changes) {
        List<Column> method = Columns.method();
        List<String> header = new ArrayList<>();
        header.add(Columns.CANDIDATE.name());
        method.forEach(c -> header.add(c.name()));
        COMPARED.forEach(c -> {
            header.add(c.name() + "_before");
            header.add(c.name() + "_now");
        });
        CHANGED.forEach(c -> header.add(c.name() + "_change"));
        List<List<String>> cells = new ArrayList<>();
        for (Change ch : changes) {
            List<String> row = new ArrayList<>();
            row.add(Columns.CANDIDATE.format(ch.method()));
            method.forEach(c -> row.add(c.format(ch.method())));
            COMPARED.forEach(c -> {
                row.add(ch.before() == null ? "" : c.format(ch.before()));
                row.add(ch.now() == null ? "" : c.format(ch.now()));
            });
            CHANGED.forEach(c -> row.add(Double.isNaN(ch.change(c)) ? "" : TableFormats.cell(ch.change(c))));
            cells.add(row);
        }
        return new TableFormats.Cells(header, cells);
    }

    /** changes.csv ({@link #table}). */
    public static String csv(List<Change> changes) {
        TableFormats.Cells t = table(changes);
        return TableFormats.cells(t.header(), t.rows());
    }

    /** The headline of {@code changes} ({@link #rows} of {@code before} and {@code now}). */
    public static Summary summary(String previousOut, List<? extends TableRow> before, List<? extends TableRow> now,
                                  List<Change> changes) {
        Optional<? extends TableRow> was = base(before);
        Optional<? extends TableRow> is = base(now);
        return new Summary(previousOut, was.map(r -> r.number(Columns.ACCURACY)).orElse(null),
                is.map(r -> r.number(Columns.ACCURACY)).orElse(null),
                !Objects.equals(was.map(r -> r.text(Columns.BASE_MODEL_HASH)), is.map(r -> r.text(Columns.BASE_MODEL_HASH))),
                !Objects.equals(was.map(r -> r.text(Columns.DATA_HASH)), is.map(r -> r.text(Columns.DATA_HASH))),
                best(before), best(now),
                changes.stream().filter(c -> c.before() == null).count(),
                changes.stream().filter(c -> c.now() == null).count(),
                changes.stream().filter(c -> c.before() != null && c.now() != null
                        && !Objects.equals(c.before().text(Columns.STATUS), c.now().text(Columns.STATUS))).count());
    }

    /** A line for the console. */
    public static String headline(Summary s) {
        return String.format("since %s: base accuracy %s -> %s; best %s -> %s; %s new, %s gone, %s changed status",
                s.previous(), TableFormats.cell(s.baseAccuracyBefore()), TableFormats.cell(s.baseAccuracyNow()),
                s.bestBefore(), s.bestNow(), s.candidatesNew(), s.candidatesGone(), s.statusChanged());
    }

    private static Map<String, TableRow> index(List<? extends TableRow> rows) {
        Map<String, TableRow> m = new LinkedHashMap<>();
        for (TableRow r : rows) {
            m.put(Columns.method().stream().map(c -> String.valueOf(r.get(c))).collect(Collectors.joining("|")), r);
        }
        return m;
    }

    private static Optional<? extends TableRow> base(List<? extends TableRow> rows) {
        return rows.stream().filter(r -> Trial.BASE.equals(r.text(Columns.CANDIDATE))).findFirst();
    }

    /**
     * How far validation accuracy fell at the earlier run's best compression: the earlier best's
     * validation accuracy minus the best validation accuracy now among successful candidates at least
     * that compressed (all of it when none is). Empty when the earlier run had no best to hold to.
     */
    public static OptionalDouble fall(List<? extends TableRow> before, List<? extends TableRow> now) {
        Optional<? extends TableRow> best = Selection.best(before, SelectionSplit.VALIDATION);
        if (best.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(best.get().number(Columns.VAL_ACCURACY)
                - accuracyAt(now, best.get().number(Columns.COMPRESSION)));
    }

    /** The best validation accuracy among successful candidates at least {@code compression}x compressed, else 0. */
    public static double accuracyAt(List<? extends TableRow> rows, double compression) {
        return rows.stream()
                .filter(r -> !Trial.BASE.equals(r.text(Columns.CANDIDATE)) && "OK".equals(r.text(Columns.STATUS))
                        && r.number(Columns.COMPRESSION) >= compression)
                .mapToDouble(r -> r.number(Columns.VAL_ACCURACY)).filter(Double::isFinite).max().orElse(0);
    }

    private static String best(List<? extends TableRow> rows) {
        return Selection.best(rows, SelectionSplit.VALIDATION)
                .map(r -> r.text(Columns.CANDIDATE) + " (" + Columns.COMPRESSION.format(r) + "x, validation accuracy "
                        + Columns.VAL_ACCURACY.format(r) + ", test " + Columns.ACCURACY.format(r) + ")")
                .orElse("none within tolerance");
    }
}
