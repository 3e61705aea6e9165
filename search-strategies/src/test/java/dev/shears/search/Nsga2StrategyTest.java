package dev.shears.search;

import static dev.shears.search.StrategyDriver.number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class Nsga2StrategyTest {

    private static Nsga2Strategy nsga2(SearchSpace space, long budget, Map<String, Object> options) {
        return new Nsga2Strategy(space, StrategyDriver.config(budget, 5, options));
    }

    /** Cost to minimise and quality to maximise: x trades one for the other, and only y = 0.5 is optimal. */
    private static TrialResult costAndQuality(Candidate c) {
        double x = number(c, "x");
        double y = number(c, "y");
        return StrategyDriver.ok(Map.of("cost", 1 - x, "quality", (1.01 - x * x) * (0.5 + y - y * y)));
    }

    @Test
    void findsTheExactFrontOfADiscreteProblem() {
        List<Object> xs = new ArrayList<>();
        for (int i = 0; i <= 10; i++) {
            xs.add(i / 10.0);
        }
        SearchSpace space = new SearchSpace(List.of(
                new Dimension.Choice("x", xs), new Dimension.Choice("y", List.of(0.0, 0.25, 0.5, 0.75, 1.0))));
        Map<String, Object> options = Map.of("objectives", List.of("-cost", "quality"), "population", 6);
        Nsga2Strategy strategy = nsga2(space, space.gridSize(), options);

        List<StrategyDriver.Trial> trials = StrategyDriver.run(strategy, Nsga2StrategyTest::costAndQuality);

        // the budget is the whole space and nothing is evaluated twice, so every point is seen once
        assertEquals(55, new HashSet<>(trials.stream().map(t -> t.candidate().params()).toList()).size());
        Set<Map<String, Object>> front = new HashSet<>(strategy.paretoFront().stream().map(Candidate::params).toList());
        assertEquals(trueFront(space), front);
        assertTrue(front.stream().allMatch(p -> (Double) p.get("y") == 0.5));
    }

    /** Brute force: the points no other point is at least as good as on both objectives and better on one. */
    private static Set<Map<String, Object>> trueFront(SearchSpace space) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (long i = 0; i < space.gridSize(); i++) {
            all.add(space.gridPoint(i));
        }
        Set<Map<String, Object>> front = new HashSet<>();
        for (Map<String, Object> p : all) {
            TrialResult a = costAndQuality(new Candidate("p", p, 0));
            boolean dominated = all.stream().map(q -> costAndQuality(new Candidate("q", q, 0))).anyMatch(b ->
                    b.metric("cost") <= a.metric("cost") && b.metric("quality") >= a.metric("quality")
                            && (b.metric("cost") < a.metric("cost") || b.metric("quality") > a.metric("quality")));
            if (!dominated) {
                front.add(p);
            }
        }
        return front;
    }

    /** ZDT1 with three variables, both objectives minimised: the true front has x2 = x3 = 0. */
    private static TrialResult zdt1(Candidate c) {
        double f1 = number(c, "x1");
        double g = 1 + 9 * (number(c, "x2") + number(c, "x3")) / 2;
        return StrategyDriver.ok(Map.of("f1", f1, "f2", g * (1 - Math.sqrt(f1 / g)), "g", g));
    }

    private static final SearchSpace ZDT1 = new SearchSpace(List.of(
            new Dimension.Range("x1", 0, 1, false), new Dimension.Range("x2", 0, 1, false), new Dimension.Range("x3", 0, 1, false)));

    @Test
    void convergesTowardsTheFrontOfAContinuousProblemFasterThanRandomSearch() {
        Map<String, Object> options = Map.of("objectives", List.of("-f1", "-f2"), "population", 20);
        Nsga2Strategy strategy = nsga2(ZDT1, 400, options);
        List<StrategyDriver.Trial> trials = StrategyDriver.run(strategy, Nsga2StrategyTest::zdt1);

        assertEquals(400, trials.size());
        List<Candidate> front = strategy.paretoFront();
        double nsgaDistance = meanG(front) - 1;

        Nsga2Strategy onlyRandom = nsga2(ZDT1, 400, Map.of("objectives", List.of("-f1", "-f2"), "population", 400));
        StrategyDriver.run(onlyRandom, Nsga2StrategyTest::zdt1);
        double randomDistance = meanG(onlyRandom.paretoFront()) - 1;

        assertTrue(nsgaDistance < randomDistance / 2,
                "NSGA-II front at distance " + nsgaDistance + ", random search's at " + randomDistance);
        // within 1.5% of the true front's hypervolume: it needs both convergence and spread
        double trueHypervolume = 0.1 + 2.0 / 3 + 0.11;
        assertTrue(hypervolume(front) > 0.985 * trueHypervolume, "hypervolume " + hypervolume(front));
    }

    private static double meanG(List<Candidate> front) {
        return front.stream().mapToDouble(c -> zdt1(c).metric("g")).average().orElseThrow();
    }

    /** Area that the front dominates in (f1, f2), both minimised, up to the reference point (1.1, 1.1). */
    private static double hypervolume(List<Candidate> front) {
        List<double[]> points = new ArrayList<>();
        for (Candidate c : front) {
            TrialResult r = zdt1(c);
            points.add(new double[] {r.metric("f1"), r.metric("f2")});
        }
        points.sort(Comparator.comparingDouble(p -> p[0]));
        double area = 0;
        double ceiling = 1.1;
        for (double[] p : points) {
            if (p[1] < ceiling) {
                area += (1.1 - p[0]) * (ceiling - p[1]);
                ceiling = p[1];
            }
        }
        return area;
    }

    @Test
    void everyTrialIsOnTheFrontWhenEveryPointIsOptimal() {
        SearchSpace space = new SearchSpace(List.of(new Dimension.Range("x", 0, 1, false)));
        Nsga2Strategy strategy = nsga2(space, 60, Map.of("objectives", List.of("a", "b")));
        // every x is optimal for a = x, b = 1 - x^2: the front is every trial
        List<StrategyDriver.Trial> trials = StrategyDriver.run(strategy,
                c -> StrategyDriver.ok(Map.of("a", number(c, "x"), "b", 1 - number(c, "x") * number(c, "x"))));

        assertEquals(trials.size(), strategy.paretoFront().size());
    }

    @Test
    void failedTrialsAndTrialsMissingAnObjectiveNeverReachTheFront() {
        SearchSpace space = new SearchSpace(List.of(new Dimension.Range("x", 0, 1, false), new Dimension.Range("y", 0, 1, false)));
        Function<Candidate, TrialResult> objective = c -> {
            double x = number(c, "x");
            if (x > 0.8) {
                return TrialResult.failed(0);
            }
            if (x < 0.2) {
                return StrategyDriver.ok(Map.of("val_accuracy", 1.0));
            }
            return StrategyDriver.ok(Map.of("val_accuracy", x * number(c, "y"), "compression", 1 - x));
        };
        Nsga2Strategy strategy = nsga2(space, 80, Map.of());
        List<StrategyDriver.Trial> trials = StrategyDriver.run(strategy, objective);
        Map<String, Double> xs = new HashMap<>();
        trials.forEach(t -> xs.put(t.candidate().id(), number(t.candidate(), "x")));

        assertTrue(trials.stream().anyMatch(t -> !t.result().ok()), "the objective should make some trials fail");
        assertFalse(strategy.paretoFront().isEmpty());
        assertTrue(strategy.paretoFront().stream().allMatch(c -> xs.get(c.id()) >= 0.2 && xs.get(c.id()) <= 0.8));
    }

    @Test
    void proposesNoMoreThanTheBudget() {
        assertEquals(5, StrategyDriver.run(nsga2(ZDT1, 5, Map.of("objectives", "-f1,-f2")), Nsga2StrategyTest::zdt1).size());
        assertEquals(21, StrategyDriver.run(nsga2(ZDT1, 21, Map.of("objectives", "-f1,-f2")), Nsga2StrategyTest::zdt1).size());
    }

    @Test
    void asksNothingWhileAGenerationIsOutstanding() {
        Nsga2Strategy strategy = nsga2(ZDT1, 40, Map.of("objectives", List.of("-f1", "-f2"), "population", 4));
        List<Candidate> generation = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            generation.add(strategy.ask().orElseThrow());
        }
        assertTrue(strategy.ask().isEmpty());
        strategy.tell(generation.get(0), zdt1(generation.get(0)));
        assertTrue(strategy.ask().isEmpty());
        generation.subList(1, 4).forEach(c -> strategy.tell(c, zdt1(c)));
        assertTrue(strategy.ask().isPresent());
    }

    @Test
    void badOptionsAreNamed() {
        IllegalArgumentException population = assertThrows(IllegalArgumentException.class,
                () -> nsga2(ZDT1, 10, Map.of("population", 1)));
        assertTrue(population.getMessage().contains("'population'"), population.getMessage());
        IllegalArgumentException objectives = assertThrows(IllegalArgumentException.class,
                () -> nsga2(ZDT1, 10, Map.of("objectives", List.of("-", "f2"))));
        assertTrue(objectives.getMessage().contains("'objectives'") && objectives.getMessage().contains("'-'"),
                objectives.getMessage());
    }
}
