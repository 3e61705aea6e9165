package dev.shears.jobs.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.jobs.result.Column;
import dev.shears.jobs.result.Columns;
import dev.shears.jobs.result.TableRow;
import dev.shears.jobs.spec.SpecLoader;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** CSV, JSON and console renderings of tables. */
public final class TableFormats {

    /** A table of cells already formatted. */
    public record Cells(List<String> header, List<List<String>> rows) {
    }

    private TableFormats() {
    }

    /** A cell of an untyped table as text: decimals as {@link Column.Type#DECIMAL} prints them, nulls empty. */
    public static String cell(Object v) {
        return v instanceof Double || v instanceof Float ? Column.Type.DECIMAL.format(((Number) v).doubleValue())
                : Column.Type.TEXT.format(v);
    }

    /** A row of an untyped table as text ({@link #cell}). */
    public static List<String> cells(List<Object> values) {
        return values.stream().map(TableFormats::cell).toList();
    }

    /** The result table's rows in the given columns. */
    public static String csv(List<? extends TableRow> rows, List<Column> columns) {
        return cells(columns.stream().map(Column::name).toList(),
                rows.stream().map(r -> columns.stream().map(c -> c.format(r)).toList()).toList());
    }

    /** results.json (and the report's data): each row's columns, and its per-layer sparsity. */
    public static ArrayNode json(List<? extends TableRow> rows, List<Column> columns) {
        ArrayNode json = SpecLoader.JSON.createArrayNode();
        for (TableRow r : rows) {
            ObjectNode row = json.addObject();
            columns.forEach(c -> row.putPOJO(c.name(), r.get(c)));
            row.putPOJO(Columns.LAYER_SPARSITY.name(), r.get(Columns.LAYER_SPARSITY));
        }
        return json;
    }

    /** CSV of cells already formatted. */
    public static String cells(List<String> header, List<List<String>> cells) {
        StringBuilder sb = new StringBuilder();
        sb.append(header.stream().map(TableFormats::quote).collect(Collectors.joining(","))).append('\n');
        for (List<String> row : cells) {
            sb.append(row.stream().map(TableFormats::quote).collect(Collectors.joining(","))).append('\n');
        }
        return sb.toString();
    }

    /** CSV of a strategy's own table: rows that all have the first row's keys, in its order. */
    public static String csvOfMaps(List<Map<String, Object>> rows) {
        List<String> header = rows.isEmpty() ? List.of() : List.copyOf(rows.get(0).keySet());
        return cells(header, rows.stream().map(r -> header.stream().map(k -> cell(r.get(k))).toList()).toList());
    }

    private static String quote(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /** Fixed-width text of the first {@code limit} rows, for the console. */
    public static String console(List<? extends TableRow> rows, List<Column> columns, int limit) {
        List<? extends TableRow> shown = rows.subList(0, Math.min(limit, rows.size()));
        int[] width = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            width[c] = columns.get(c).name().length();
            for (TableRow r : shown) {
                width[c] = Math.max(width[c], columns.get(c).format(r).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < columns.size(); c++) {
            sb.append(String.format("%-" + width[c] + "s  ", columns.get(c).name()));
        }
        sb.append('\n');
        for (TableRow r : shown) {
            for (int c = 0; c < columns.size(); c++) {
                sb.append(String.format("%-" + width[c] + "s  ", columns.get(c).format(r)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
