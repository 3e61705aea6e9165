package dev.shears.jobs.output;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** CSV and console renderings of the table. */
public final class TableFormats {

    private TableFormats() {
    }

    /** A cell as text: doubles to 6 significant digits, nulls empty. */
    public static String cell(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d || v instanceof Float) {
            double x = ((Number) v).doubleValue();
            if (!Double.isFinite(x)) {
                return Double.toString(x);
            }
            return new BigDecimal(x).round(new MathContext(6)).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(v);
    }

    public static String csv(List<Map<String, Object>> rows, List<String> columns) {
        StringBuilder sb = new StringBuilder();
        sb.append(columns.stream().map(TableFormats::quote).collect(Collectors.joining(","))).append('\n');
        for (Map<String, Object> row : rows) {
            sb.append(columns.stream().map(c -> quote(cell(row.get(c)))).collect(Collectors.joining(","))).append('\n');
        }
        return sb.toString();
    }

    /** CSV of rows that all have the first row's columns, in its order. */
    public static String csv(List<Map<String, Object>> rows) {
        return csv(rows, rows.isEmpty() ? List.of() : List.copyOf(rows.get(0).keySet()));
    }

    private static String quote(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /** Fixed-width text of the first {@code limit} rows, for the console. */
    public static String console(List<Map<String, Object>> rows, List<String> columns, int limit) {
        List<Map<String, Object>> shown = rows.subList(0, Math.min(limit, rows.size()));
        int[] width = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            width[c] = columns.get(c).length();
            for (Map<String, Object> r : shown) {
                width[c] = Math.max(width[c], cell(r.get(columns.get(c))).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < columns.size(); c++) {
            sb.append(String.format("%-" + width[c] + "s  ", columns.get(c)));
        }
        sb.append('\n');
        for (Map<String, Object> r : shown) {
            for (int c = 0; c < columns.size(); c++) {
                sb.append(String.format("%-" + width[c] + "s  ", cell(r.get(columns.get(c)))));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
