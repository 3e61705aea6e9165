package dev.shears.jobs.result;

import java.util.Arrays;
import java.util.Locale;

/**
 * The split that decides: tolerance, rank, Pareto front, best and kept models. Validation by
 * default, so that the test split stays an unbiased report of what was chosen; choosing on test
 * flatters the winner more the more candidates a search tries.
 */
public enum SelectionSplit {
    VALIDATION(Columns.VAL_ACCURACY, Columns.VAL_ACCURACY_DROP),
    TEST(Columns.ACCURACY, Columns.ACCURACY_DROP);

    private final Column accuracy;
    private final Column drop;

    SelectionSplit(Column accuracy, Column drop) {
        this.accuracy = accuracy;
        this.drop = drop;
    }

    /** The column holding a row's accuracy on this split. */
    public Column accuracy() {
        return accuracy;
    }

    /** The column holding the base accuracy minus the row's, on this split. */
    public Column drop() {
        return drop;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Allowed names, for messages. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(SelectionSplit::label).toList());
    }

    /** The split of this name, or null when there is none. */
    public static SelectionSplit of(String name) {
        return Arrays.stream(values()).filter(s -> s.label().equals(name)).findFirst().orElse(null);
    }
}
