package dev.shears.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * NSGA-II: a population evolved towards the Pareto front of several metrics. The first generation is drawn
 * at random; each later one is bred by binary tournaments on (front rank, crowding distance), uniform
 * crossover and mutation, and the next population is the best of parents and offspring by non-dominated
 * sorting then crowding. Failed trials, and trials missing an objective, rank below every other trial.
 *
 * <p>With {@link Constraints}, domination is Deb's constrained domination (Deb, "An efficient constraint handling
 * method for genetic algorithms", 2000): a feasible trial dominates every infeasible one, and of two infeasible
 * trials the one with the smaller total violation dominates. So the feasible trials are sorted into fronts as
 * without constraints, and the infeasible ones follow, one front per level of violation, smallest first.
 */
public final class Nsga2Strategy implements SearchStrategy {

    /** Children tried per slot before a fresh random point is used instead of a repeat. */
    private static final int VARIATION_ATTEMPTS = 20;

    /** Lower rank first, then the less crowded, then the earlier proposed: the order NSGA-II prefers. */
    private static final Comparator<Ranked> PREFERRED = Comparator.comparingInt(Ranked::rank)
            .thenComparing(Comparator.comparingDouble(Ranked::crowding).reversed())
            .thenComparingLong(r -> r.member().order());

    /** @param violation how far the trial breaks the constraints (0 when it keeps them); unused without objectives */
    private record Member(Candidate candidate, double[] objectives, double violation, long order) {

        boolean feasible() {
            return objectives != null && violation == 0;
        }
    }

    private record Ranked(Member member, int rank, double crowding) {
    }

    private final Objectives objectives;
    private final Constraints constraints;
    private final int populationSize;
    private final long budget;
    private final int fidelity;
    private final Random random;
    private final PointSampler sampler;
    private final Variation variation;
    private final List<Member> evaluated = new ArrayList<>();
    private List<Ranked> population = List.of();
    private Batch generation;
    private long proposed;
    private boolean exhausted;

    /** Every option this strategy reads. */
    public static final Set<String> OPTIONS = Set.of("objectives", "population");

    public Nsga2Strategy(SearchSpace space, StrategyConfig config) {
        Options options = new Options(config, OPTIONS);
        this.objectives = new Objectives(options.names("objectives", Objectives.DEFAULT));
        this.constraints = config.constraints();
        this.populationSize = options.integer("population", 8, 2);
        this.budget = config.budget();
        this.fidelity = config.fidelity();
        this.random = new Random(config.seed());
        this.sampler = new PointSampler(space, random);
        this.variation = new Variation(space, random);
        this.generation = new Batch(propose(sampler::fresh));
    }

    @Override
    public String name() {
        return "nsga2";
    }

    @Override
    public Optional<Candidate> ask() {
        return generation.next();
    }

    @Override
    public void tell(Candidate candidate, TrialResult result) {
        generation.record(candidate, result);
        if (!generation.isComplete()) {
            return;
        }
        List<Member> offspring = new ArrayList<>();
        for (Batch.Outcome o : generation.outcomes()) {
            offspring.add(new Member(o.candidate(), objectives.of(o.result()),
                    constraints.violation(o.result().metrics()), evaluated.size() + offspring.size()));
        }
        evaluated.addAll(offspring);
        List<Member> pool = new ArrayList<>(offspring);
        population.forEach(r -> pool.add(r.member()));
        population = rank(pool).stream().sorted(PREFERRED).limit(populationSize).toList();
        generation = new Batch(propose(this::breed));
    }

    @Override
    public boolean isFinished() {
        return !generation.hasUnasked() && (proposed >= budget || exhausted);
    }

    /** The feasible evaluated candidates no other feasible one dominates, in proposal order. */
    public List<Candidate> paretoFront() {
        List<Member> ok = evaluated.stream().filter(Member::feasible).toList();
        List<double[]> points = ok.stream().map(Member::objectives).toList();
        return Pareto.front(points).stream().sorted().map(i -> ok.get(i).candidate()).toList();
    }

    /** Up to a population of new candidates within the budget; fewer once the space has no new points. */
    private List<Candidate> propose(Supplier<Optional<Map<String, Object>>> points) {
        List<Candidate> candidates = new ArrayList<>();
        while (candidates.size() < populationSize && proposed < budget) {
            Optional<Map<String, Object>> point = points.get();
            if (point.isEmpty()) {
                exhausted = true;
                break;
            }
            candidates.add(new Candidate(CandidateIds.of(proposed++), point.get(), fidelity));
        }
        return candidates;
    }

    /** A child of two tournament winners not evaluated before, else a fresh random point. */
    private Optional<Map<String, Object>> breed() {
        for (int attempt = 0; attempt < VARIATION_ATTEMPTS; attempt++) {
            Map<String, Object> child = variation.child(tournament(), tournament());
            if (sampler.claim(child)) {
                return Optional.of(child);
            }
        }
        return sampler.fresh();
    }

    /** The preferred of two distinct members drawn at random (the only one when the population is one). */
    private Map<String, Object> tournament() {
        int size = population.size();
        int i = random.nextInt(size);
        Ranked a = population.get(i);
        Ranked b = size < 2 ? a : population.get((i + 1 + random.nextInt(size - 1)) % size);
        return (PREFERRED.compare(a, b) <= 0 ? a : b).member().candidate().params();
    }

    /**
     * Front rank and crowding distance within the front of each member, by constrained domination: the feasible
     * members' fronts, then the infeasible ones by violation (equal violations share a front), then failed ones.
     */
    private static List<Ranked> rank(List<Member> members) {
        List<Integer> feasible = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).feasible()) {
                feasible.add(i);
            }
        }
        List<double[]> points = feasible.stream().map(i -> members.get(i).objectives()).toList();
        List<List<Integer>> fronts = Pareto.fronts(points);
        List<Ranked> ranked = new ArrayList<>();
        for (int f = 0; f < fronts.size(); f++) {
            double[] crowding = Pareto.crowding(points, fronts.get(f));
            for (int j = 0; j < crowding.length; j++) {
                ranked.add(new Ranked(members.get(feasible.get(fronts.get(f).get(j))), f, crowding[j]));
            }
        }
        int front = fronts.size();
        List<Member> infeasible = members.stream().filter(m -> m.objectives() != null && !m.feasible())
                .sorted(Comparator.comparingDouble(Member::violation)).toList();
        for (int i = 0; i < infeasible.size(); i++) {
            if (i > 0 && infeasible.get(i).violation() > infeasible.get(i - 1).violation()) {
                front++;
            }
            ranked.add(new Ranked(infeasible.get(i), front, 0));
        }
        int failed = front + (infeasible.isEmpty() ? 0 : 1);
        for (Member m : members) {
            if (m.objectives() == null) {
                ranked.add(new Ranked(m, failed, 0));
            }
        }
        return ranked;
    }
}
