package dev.shears.jobs.result;

import java.util.List;

/**
 * A row of the ranked table: a trial and its place.
 *
 * @param rank           0 for the base, then 1, 2, ... ({@link Ranking})
 * @param meetsTolerance a successful trial whose accuracy drop on the selection split is within the tolerance
 * @param pareto         on the accuracy-versus-compression front
 * @param paretoLatency  on the accuracy-versus-latency front; null for a row without latency (not measured, or
 *                       the trial failed)
 * @param violates       the constraints a successful candidate breaks (empty when it keeps them); null for the
 *                       base, a failed trial, or a spec without constraints
 */
public record Row(Trial trial, int rank, boolean meetsTolerance, boolean pareto, Boolean paretoLatency,
                  List<String> violates) implements TableRow {

    /** Whether the row keeps the constraints: null where {@code violates} is. */
    public Boolean constraintsOk() {
        return violates == null ? null : violates.isEmpty();
    }

    /** On the accuracy-versus-latency front (not when the row has no latency). */
    public boolean onLatencyFront() {
        return Boolean.TRUE.equals(paretoLatency);
    }

    /** On either front: what pareto.csv holds. */
    public boolean onAFront() {
        return pareto || onLatencyFront();
    }

    public String candidate() {
        return trial.candidate();
    }

    @Override
    public Object get(Column column) {
        return column.read(this);
    }
}
