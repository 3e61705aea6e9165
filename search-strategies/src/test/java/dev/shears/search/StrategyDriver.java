package dev.shears.search;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/** Runs a strategy to the end against a synthetic objective, the way an engine does. */
final class StrategyDriver {

    /** A proposed candidate with the result it was told. */
    record Trial(Candidate candidate, TrialResult result) {
    }

    private static final int RUNAWAY = 100_000;

    private StrategyDriver() {
    }

    /** One trial at a time, each told before the next ask: a sequential engine. */
    static List<Trial> run(SearchStrategy strategy, Function<Candidate, TrialResult> objective) {
        return run(strategy, objective, 1, 0);
    }

    /**
     * Keeps up to {@code slots} trials outstanding and finishes them in a seeded random order, like an
     * asynchronous engine whose workers run at different speeds.
     */
    static List<Trial> run(SearchStrategy strategy, Function<Candidate, TrialResult> objective, int slots, long seed) {
        Random finishOrder = new Random(seed);
        List<Candidate> outstanding = new ArrayList<>();
        List<Trial> trials = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        while (true) {
            while (outstanding.size() < slots) {
                Optional<Candidate> next = strategy.ask();
                if (next.isEmpty()) {
                    break;
                }
                assertTrue(ids.add(next.get().id()), "id proposed twice: " + next.get().id());
                outstanding.add(next.get());
            }
            if (outstanding.isEmpty()) {
                assertTrue(strategy.isFinished(), strategy.name() + " proposes nothing and waits for nothing, yet is not finished");
                assertTrue(strategy.ask().isEmpty(), strategy.name() + " proposed after finishing");
                return trials;
            }
            Candidate done = outstanding.remove(finishOrder.nextInt(outstanding.size()));
            TrialResult result = objective.apply(done);
            strategy.tell(done, result);
            trials.add(new Trial(done, result));
            assertTrue(trials.size() < RUNAWAY, strategy.name() + " never finishes");
        }
    }

    static TrialResult ok(Map<String, Double> metrics) {
        return new TrialResult(TrialStatus.OK, metrics, 0);
    }

    static double number(Candidate candidate, String param) {
        return ((Number) candidate.get(param)).doubleValue();
    }

    static StrategyConfig config(long budget, long seed, Map<String, Object> options) {
        return new StrategyConfig(budget, 0, seed, 0, options);
    }
}
