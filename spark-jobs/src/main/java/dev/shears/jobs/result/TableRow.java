package dev.shears.jobs.result;

/** A row of a result table, read column by column: this run's, or an earlier run's read back from its results.json. */
public sealed interface TableRow permits Row, PastRow {

    /** The cell's value in the column's type ({@link Column.Type}), or null when empty. */
    Object get(Column column);

    default double number(Column column) {
        return get(column) instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    default String text(Column column) {
        Object v = get(column);
        return v == null ? null : String.valueOf(v);
    }

    default boolean flag(Column column) {
        return Boolean.TRUE.equals(get(column));
    }
}
