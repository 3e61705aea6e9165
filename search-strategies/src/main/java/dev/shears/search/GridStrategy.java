package dev.shears.search;

import java.util.List;
import java.util.Optional;

/**
 * Every combination of the space's choices in a fixed order, up to the budget. Given several
 * spaces, it walks their grids one after another: a union of grids, so one search can sweep
 * scorers with one setting and schedules with another without their full cross product.
 */
public final class GridStrategy implements SearchStrategy {

    private final List<SearchSpace> parts;
    private final long limit;
    private final int fidelity;
    private long next;

    /**
     * @param budget   the most candidates to propose
     * @param fidelity fine-tuning epochs per trial, or 0 to let the candidate's {@code epochs} decide
     */
    public GridStrategy(SearchSpace space, long budget, int fidelity) {
        this(List.of(space), budget, fidelity);
    }

    public GridStrategy(List<SearchSpace> parts, long budget, int fidelity) {
        long size = SearchSpace.gridSize(parts);
        if (size < 0) {
            throw new IllegalArgumentException("the grid strategy needs lists of values, not ranges");
        }
        this.parts = List.copyOf(parts);
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
        long local = i;
        for (SearchSpace part : parts) {
            if (local < part.gridSize()) {
                return Optional.of(new Candidate(CandidateIds.of(i), part.gridPoint(local), fidelity));
            }
            local -= part.gridSize();
        }
        throw new IllegalStateException("grid index " + i + " is past the last space");
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
