package dev.shears.jobs.engine;

import dev.shears.pruning.run.CandidateOutcome;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Where trials run: Spark tasks, or a plain loop in this JVM. Strategies do not know which. */
public interface CandidateEngine extends AutoCloseable {

    /** How many trials the search keeps submitted at once (running, or queued to run next). */
    int slots();

    /** How many trials run at the same time: the slots whose utilisation a search reports. */
    default int parallelism() {
        return slots();
    }

    /** Starts a trial; the future completes with its outcome (failures are FAILED outcomes, not exceptions). */
    CompletableFuture<CandidateOutcome> submit(TrialRequest request);

    /**
     * Starts trials that became ready together, as {@link #submit} each; an engine whose cost is per
     * submission rather than per trial (a Spark job) starts them at once.
     */
    default List<CompletableFuture<CandidateOutcome>> submitAll(List<TrialRequest> requests) {
        return requests.stream().map(this::submit).toList();
    }

    @Override
    void close();
}
