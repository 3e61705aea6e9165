package dev.shears.jobs.result;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.function.Function;

/**
 * A column of the result table: its name, its type (which fixes how it is printed, written to JSON
 * and Parquet, and read back), how it is read from a {@link Row}, and when a table has it.
 * The columns are listed in {@link Columns}.
 */
public final class Column {

    /** What a column holds. */
    public enum Type {
        TEXT, WHOLE, DECIMAL, FLAG,
        /** A nested value (per-layer figures): in results.json only. */
        NESTED;

        /** The value in this type: whole numbers as Long, decimals as Double, text as String. */
        Object normalise(Object v) {
            if (v == null) {
                return null;
            }
            return switch (this) {
                case TEXT -> v instanceof Enum<?> e ? e.name() : String.valueOf(v);
                case WHOLE -> v instanceof Number n ? (Object) n.longValue() : v;
                case DECIMAL -> v instanceof Number n ? (Object) n.doubleValue() : v;
                case FLAG, NESTED -> v;
            };
        }

        /** A cell as text: decimals to 6 significant digits, empty cells empty. */
        public String format(Object v) {
            if (v == null) {
                return "";
            }
            if (this == DECIMAL && v instanceof Double d) {
                return Double.isFinite(d) ? new BigDecimal(d).round(new MathContext(6)).stripTrailingZeros().toPlainString()
                        : Double.toString(d);
            }
            return String.valueOf(v);
        }

        /** A value as results.json holds it (NaN as the string "NaN"), back in this type. */
        Object fromJson(JsonNode n) {
            if (n == null || n.isNull()) {
                return null;
            }
            return switch (this) {
                case TEXT -> n.asText();
                case WHOLE -> n.asLong();
                case DECIMAL -> n.isNumber() ? n.doubleValue() : Double.parseDouble(n.asText());
                case FLAG -> n.asBoolean();
                case NESTED -> n;
            };
        }
    }

    /** When a table has the column. */
    enum Presence {
        /** Always. */
        ALWAYS,
        /** When the table has a candidate row. */
        CANDIDATES,
        /** When some row has a value in it. */
        VALUES
    }

    private final String name;
    private final Type type;
    private final Function<Row, Object> reader;
    private final Presence presence;
    private final boolean method;

    Column(String name, Type type, Function<Row, Object> reader, Presence presence, boolean method) {
        this.name = name;
        this.type = type;
        this.reader = reader;
        this.presence = presence;
        this.method = method;
    }

    public String name() {
        return name;
    }

    public Type type() {
        return type;
    }

    /** Whether the column says how the candidate was pruned (what identifies it across runs). */
    public boolean method() {
        return method;
    }

    Presence presence() {
        return presence;
    }

    /** The row's value in this column, in the column's type. */
    Object read(Row row) {
        return type.normalise(reader.apply(row));
    }

    /** The row's cell as text. */
    public String format(TableRow row) {
        return type.format(row.get(this));
    }

    @Override
    public String toString() {
        return name;
    }
}
