package dev.shears.jobs.engine;

import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.search.Candidate;
import dev.shears.search.SearchStrategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives any strategy on any engine: keeps every slot busy with the strategy's proposals and
 * tells it each result as it arrives, until the strategy is finished or the budget is spent.
 */
public final class SearchLoop {

    private static final Logger LOG = LoggerFactory.getLogger(SearchLoop.class);

    /** Receives every finished trial, in completion order, on the driver thread. */
    @FunctionalInterface
    public interface Listener {
        void onResult(TrialRequest request, CandidateOutcome outcome);
    }

    private SearchLoop() {
    }

    /**
     * @param requestFor  builds the trial for a proposed candidate (plan, parent model)
     * @param maxTrials   stop proposing after this many trials
     * @param maxEpochs   the most fine-tuning epochs the started trials may add up to (0 = no limit): the first
     *                    proposal that would take them past it is not started, and nothing is proposed after it
     * @return trials run
     */
    public static int run(SearchStrategy strategy, CandidateEngine engine, Function<Candidate, TrialRequest> requestFor,
                          int maxTrials, long maxEpochs, Listener listener) {
        Map<CompletableFuture<CandidateOutcome>, TrialRequest> running = new LinkedHashMap<>();
        int started = 0;
        long epochs = 0;
        boolean budgetSpent = false;
        while (true) {
            List<TrialRequest> ready = new ArrayList<>();
            while (running.size() + ready.size() < engine.slots() && started < maxTrials && !budgetSpent) {
                Optional<Candidate> next = strategy.ask();
                if (next.isEmpty()) {
                    break;
                }
                TrialRequest request = requestFor.apply(next.get());
                // a cap, not a target: strategies that plan their epochs (halving, asha) fit under it themselves
                if (maxEpochs > 0 && epochs + request.plan().epochs() > maxEpochs) {
                    budgetSpent = true;
                    break;
                }
                ready.add(request);
                started++;
                epochs += request.plan().epochs();
            }
            List<CompletableFuture<CandidateOutcome>> submitted = engine.submitAll(ready);
            for (int i = 0; i < ready.size(); i++) {
                running.put(submitted.get(i), ready.get(i));
            }
            if (running.isEmpty()) {
                if (!strategy.isFinished() && started < maxTrials && !budgetSpent) {
                    LOG.warn("strategy {} proposes nothing more but is not finished; stopping", strategy.name());
                }
                return started;
            }
            CompletableFuture<?> any = CompletableFuture.anyOf(running.keySet().toArray(CompletableFuture[]::new));
            try {
                any.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("search interrupted", e);
            } catch (ExecutionException e) {
                // an engine future does not fail; a failed one is reported below as a FAILED trial
            }
            for (var it = running.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                if (!entry.getKey().isDone()) {
                    continue;
                }
                it.remove();
                CandidateOutcome outcome = entry.getKey().exceptionally(e -> CandidateOutcome.failed(e, 0)).join();
                TrialRequest request = entry.getValue();
                strategy.tell(request.candidate(), Outcomes.toTrialResult(outcome));
                listener.onResult(request, outcome);
            }
        }
    }
}
