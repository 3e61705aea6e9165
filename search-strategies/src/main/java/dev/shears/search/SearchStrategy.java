package dev.shears.search;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Proposes candidates and is told their results (ask/tell), so that any strategy runs on any
 * engine: a sequential loop, a thread pool, or Spark tasks fed as slots free up.
 *
 * <p>Engines call {@link #ask()} while they have free slots. A strategy that must wait for
 * results before proposing more (the end of a halving rung, a generation) returns empty while
 * trials are outstanding; the engine then waits for a result, calls {@link #tell}, and asks again.
 * The search is over when {@link #isFinished()} is true and nothing is outstanding.
 */
public interface SearchStrategy {

    /** The name used in specs and in the table's {@code strategy} column. */
    String name();

    /** The next candidate to evaluate now, or empty if none can be proposed until more results arrive. */
    Optional<Candidate> ask();

    /** The result of a candidate previously returned by {@link #ask()}. */
    void tell(Candidate candidate, TrialResult result);

    /** True once the strategy will propose nothing more (its space or budget is exhausted). */
    boolean isFinished();

    /**
     * Tables the strategy produced besides the trials themselves (a sensitivity scan, say), by
     * name; each is written beside the results as {@code <name>.csv}.
     */
    default Map<String, List<Map<String, Object>>> extraTables() {
        return Map.of();
    }
}
