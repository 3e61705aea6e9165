package dev.shears.search;

import java.util.Optional;

/** Every combination of the space's choices in a fixed order, up to the budget. */
public final class GridStrategy implements SearchStrategy {

    private final SearchSpace space;
    private final long limit;
    private final int fidelity;
    private long next;

    /**
     * @param budget   the most candidates to propose
     * @param fidelity fine-tuning epochs per trial, or 0 to let the candidate's {@code epochs} decide
     */
    public GridStrategy(SearchSpace space, long budget, int fidelity) {
        long size = space.gridSize();
        if (size < 0) {
            throw new IllegalArgumentException("the grid strategy needs lists of values, not ranges");
        }
        this.space = space;
        this.limit = Math.min(size, budget);
        this.fidelity = fidelity;
    }

    @Override
    public String name() {
        return "grid";
    }

    @Override
    public Optional<Candidate> ask() {
        if (next >= limit) {
            return Optional.empty();
        }
        long i = next++;
        return Optional.of(new Candidate(CandidateIds.of(i), space.gridPoint(i), fidelity));
    }

    @Override
    public void tell(Candidate candidate, TrialResult result) {
        // a grid does not adapt
    }

    @Override
    public boolean isFinished() {
        return next >= limit;
    }
}
