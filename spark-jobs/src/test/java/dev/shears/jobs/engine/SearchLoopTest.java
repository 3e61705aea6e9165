package dev.shears.jobs.engine;

import dev.shears.jobs.TestResults;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.search.Candidate;
import dev.shears.search.Dimension;
import dev.shears.search.GridStrategy;
import dev.shears.search.SearchSpace;
import dev.shears.search.SearchStrategy;
import dev.shears.search.TrialResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SearchLoopTest {

    /** Completes trials out of order; a candidate whose ratio is 0.3 throws, as a broken executor would. */
    private static final class FakeEngine implements CandidateEngine {
        final List<CompletableFuture<CandidateOutcome>> pending = new ArrayList<>();
        final List<TrialRequest> requests = new ArrayList<>();
        int maxRunning;

        @Override
        public int slots() {
            return 2;
        }

        @Override
        public CompletableFuture<CandidateOutcome> submit(TrialRequest request) {
            requests.add(request);
            CompletableFuture<CandidateOutcome> f = new CompletableFuture<>();
            pending.add(f);
            maxRunning = Math.max(maxRunning, (int) pending.stream().filter(p -> !p.isDone()).count());
            double ratio = request.plan().ratio();
            // finish the older trial only once a second one is running
            if (pending.size() % 2 == 0 || ratio == 0.7) {
                for (CompletableFuture<CandidateOutcome> p : List.copyOf(pending)) {
                    if (!p.isDone()) {
                        TrialRequest r = requests.get(pending.indexOf(p));
                        if (r.plan().ratio() == 0.3) {
                            p.completeExceptionally(new IllegalStateException("executor lost"));
                        } else {
                            p.complete(TestResults.ok(1 - r.plan().ratio(), 2, r.plan().epochs(), null));
                        }
                    }
                }
            }
            return f;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void everyProposedCandidateIsToldOnceAndFailuresBecomeFailedResults() {
        SearchSpace space = new SearchSpace(List.of(new Dimension.Choice("ratio", List.of(0.1, 0.3, 0.5, 0.7))));
        List<String> told = new ArrayList<>();
        List<TrialResult> results = new ArrayList<>();
        SearchStrategy grid = new GridStrategy(space, 10, 0);
        SearchStrategy recording = new SearchStrategy() {
            public String name() {
                return "grid";
            }

            public Optional<Candidate> ask() {
                return grid.ask();
            }

            public void tell(Candidate c, TrialResult r) {
                told.add(c.id());
                results.add(r);
            }

            public boolean isFinished() {
                return grid.isFinished();
            }
        };
        FakeEngine engine = new FakeEngine();
        List<String> rows = new ArrayList<>();
        int trials = SearchLoop.run(recording, engine,
                c -> new TrialRequest(c, PruningPlan.magnitude(((Number) c.get("ratio")).doubleValue(), 1), null),
                100, 0, (req, outcome) -> rows.add(req.candidate().id() + ":" + outcome.status()));
        assertEquals(4, trials);
        assertEquals(4, told.size());
        assertEquals(4, told.stream().distinct().count());
        assertTrue(rows.contains("c0001:FAILED"), rows.toString());
        assertEquals(3, results.stream().filter(TrialResult::ok).count());
        assertEquals(2, engine.maxRunning, "both slots are used");
    }

    @Test
    void stopsProposingWhenTheEpochBudgetIsSpent() {
        assertEquals(2, trialsWithinEpochs(4), "two trials of 2 epochs spend a budget of 4");
        assertEquals(2, trialsWithinEpochs(5), "a third would take the epochs past the budget: it is not started");
    }

    private static int trialsWithinEpochs(long epochBudget) {
        SearchSpace space = new SearchSpace(List.of(new Dimension.Choice("ratio", List.of(0.1, 0.5, 0.7, 0.9))));
        FakeEngine engine = new FakeEngine();
        int trials = SearchLoop.run(new GridStrategy(space, 10, 0), engine,
                c -> new TrialRequest(c, PruningPlan.magnitude(((Number) c.get("ratio")).doubleValue(), 2), null),
                100, epochBudget, (req, outcome) -> { });
        assertEquals(trials, engine.requests.size(), "only started trials reach the engine");
        return trials;
    }
}
