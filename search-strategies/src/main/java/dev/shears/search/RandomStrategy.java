package dev.shears.search;

import java.util.Optional;
import java.util.Random;

/**
 * Points drawn at random, reproducibly from the seed: log ranges log-uniformly, a discrete space without
 * repeats (so a budget larger than the space evaluates each point once and stops).
 */
public final class RandomStrategy implements SearchStrategy {

    private final PointSampler sampler;
    private final long limit;
    private final int fidelity;
    private long proposed;

    public RandomStrategy(SearchSpace space, StrategyConfig config) {
        this.sampler = new PointSampler(space, new Random(config.seed()));
        this.limit = Math.min(config.budget(), sampler.capacity());
        this.fidelity = config.fidelity();
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    public Optional<Candidate> ask() {
        if (isFinished()) {
            return Optional.empty();
        }
        return Optional.of(new Candidate(CandidateIds.of(proposed++), sampler.fresh().orElseThrow(), fidelity));
    }

    @Override
    public void tell(Candidate candidate, TrialResult result) {
        // random sampling does not adapt
    }

    @Override
    public boolean isFinished() {
        return proposed >= limit;
    }
}
