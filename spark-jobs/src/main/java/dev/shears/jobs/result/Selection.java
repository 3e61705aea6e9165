package dev.shears.jobs.result;

import dev.shears.pruning.metrics.Tolerance;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one rule for "best within tolerance", used by the ranking, run.json's {@code best}, the kept
 * models, the report, changes since an earlier run and the quality benchmark: among the successful
 * candidates whose accuracy drop on the selection split is within the {@link Tolerance} and that keep the
 * spec's constraints, the most compressed, then the most accurate, then the first by id.
 */
public final class Selection {

    /**
     * What the rule reads of a candidate.
     *
     * @param eligible successful, within the tolerance, and keeping the constraints
     */
    public record Score(String id, boolean eligible, double accuracy, double compression) {
    }

    /** Most compressed first, then most accurate, then by id. */
    public static final Comparator<Score> ORDER = Comparator.comparingDouble((Score s) -> -s.compression())
            .thenComparingDouble(s -> -s.accuracy()).thenComparing(Score::id);

    private Selection() {
    }

    /** The rule in words, for the report. */
    public static String rule(SelectionSplit split, Tolerance tolerance) {
        return "among the successful candidates whose " + tolerance.describe(split.label())
                + " and that keep the constraints (objective.constraints), the most compressed, "
                + "then the most accurate, then the first by id";
    }

    /** The best of {@code candidates} (eligible ones only), or empty when none is eligible. */
    public static <T> Optional<T> best(Collection<T> candidates, Function<T, Score> score) {
        return candidates.stream().filter(c -> score.apply(c).eligible()).min(Comparator.comparing(score, ORDER));
    }

    /**
     * The best row of a ranked table (this run's or an earlier one's), by its {@code meets_tolerance} and
     * {@code constraints_ok} marks (a table without constraints has no {@code constraints_ok}: every row keeps them).
     */
    public static <R extends TableRow> Optional<R> best(Collection<R> rows, SelectionSplit split) {
        return best(rows.stream().filter(r -> !Trial.BASE.equals(r.text(Columns.CANDIDATE))).toList(),
                r -> new Score(r.text(Columns.CANDIDATE),
                        r.flag(Columns.MEETS_TOLERANCE) && !Boolean.FALSE.equals(r.get(Columns.CONSTRAINTS_OK)),
                        r.number(split.accuracy()), r.number(Columns.COMPRESSION)));
    }
}
