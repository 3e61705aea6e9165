package dev.shears.search;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Model-based search: each new candidate is the point {@link TpeSampler} draws from a density model of the
 * good and the other results so far, at the candidate's own epochs; {@code budget} counts candidates, and a
 * discrete space stops once every point was proposed. A proposal waits only for results at least
 * {@code parallel} proposals older than itself, so the proposals follow from the results whatever order they
 * arrive in (see {@link TpeSampler}).
 */
public final class TpeStrategy implements SearchStrategy {

    /** Every option this strategy reads. */
    public static final Set<String> OPTIONS = Stream.concat(Stream.of(SelectionMetric.OPTION), TpeSampler.OPTIONS.stream())
            .collect(Collectors.toUnmodifiableSet());

    private final TpeSampler sampler;
    private final long limit;
    private final int fidelity;
    /** Each proposed candidate's draw number. */
    private final Map<String, Integer> draws = new HashMap<>();

    public TpeStrategy(SearchSpace space, StrategyConfig config) {
        Options options = new Options(config, OPTIONS);
        this.sampler = new TpeSampler(space, config.seed(), options.selectionMetric(), options);
        this.limit = Math.min(config.budget(), sampler.capacity());
        this.fidelity = config.fidelity();
    }

    @Override
    public String name() {
        return "tpe";
    }

    @Override
    public Optional<Candidate> ask() {
        if (isFinished() || !sampler.ready()) {
            return Optional.empty();
        }
        int draw = draws.size();
        Candidate c = new Candidate(CandidateIds.of(draw), sampler.fresh().orElseThrow(), fidelity);
        draws.put(c.id(), draw);
        return Optional.of(c);
    }

    @Override
    public void tell(Candidate candidate, TrialResult result) {
        Integer draw = draws.get(candidate.id());
        if (draw == null) {
            throw new IllegalArgumentException("candidate '" + candidate.id() + "' was not proposed");
        }
        sampler.tell(draw, result);
    }

    @Override
    public boolean isFinished() {
        return draws.size() >= limit;
    }
}
