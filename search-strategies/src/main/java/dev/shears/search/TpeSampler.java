package dev.shears.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The tree-structured Parzen estimator (Bergstra et al., "Algorithms for Hyper-Parameter Optimization",
 * NeurIPS 2011), as Optuna's TPE sampler does it, one dimension at a time. The results the model has seen
 * are split by the selection metric into the best {@code gamma} share ("good") and the rest ("bad"; a
 * failed, diverged or timed-out trial is always bad). Each dimension gets a density from the good points,
 * l(x), and one from the bad, g(x); {@code candidates} points are drawn from l and the one with the highest
 * l(x)/g(x) (the product over dimensions) that was not drawn before is proposed. Until the model has seen
 * {@code startup} results, points are drawn at random as {@code random} draws them.
 *
 * <p>A range is continuous: Gaussian kernels on where each point lies between min and max (in log space for
 * a log range), truncated to the range, plus a prior kernel over the whole range; each kernel is as wide as
 * the larger gap to its neighbours, between 1/min(100, n+1) of the range and the whole of it. A list of
 * values is categorical, numbers included: each value's share of the points, smoothed by a prior of one
 * point spread over all values. Lists carry no order, so a value is only learnt about once tried; a range
 * is the way to let nearby values share what one has shown.
 *
 * <p><b>Why draws do not depend on timing.</b> Draw i is modelled on the results of draws 0 .. i-{@code parallel}
 * exactly (in draw order, never more), and waits ({@link #ready()} is false) until they are all in; the
 * {@code parallel - 1} draws between, outstanding or not, count as bad results at their points (the
 * "constant liar"), so draws made side by side steer away from each other's points. The draws therefore
 * follow from the results alone, whatever order those arrive in: a resumed run, told its finished trials
 * again in another rhythm, draws the same points; up to {@code parallel} draws can run at once.
 */
final class TpeSampler implements Sampler {

    /** Every option the sampler reads. */
    static final Set<String> OPTIONS = Set.of("startup", "gamma", "candidates", "parallel");

    /** The prior's weight, as one more point, for both kinds of dimension. */
    private static final double PRIOR = 1;
    private static final int TRUNCATION_TRIES = 100;

    private final SearchSpace space;
    private final SelectionMetric metric;
    private final Random random;
    /** The startup draws, the fallback, and the record of every point drawn. */
    private final PointSampler points;
    private final int startup;
    private final double gamma;
    private final int candidates;
    private final int parallel;
    private final List<Map<String, Object>> draws = new ArrayList<>();
    private final List<TrialResult> results = new ArrayList<>();
    /** Results in draw order: every one before this position is in. */
    private int counted;

    TpeSampler(SearchSpace space, long seed, SelectionMetric metric, Options options) {
        this.space = space;
        this.metric = metric;
        this.random = new Random(seed);
        // the same stream: the startup draws are those random search would make
        this.points = new PointSampler(space, random);
        this.startup = options.integer("startup", 10, 1);
        this.gamma = options.number("gamma", 0.25, 0.01, 1);
        this.candidates = options.integer("candidates", 24, 1);
        this.parallel = options.integer("parallel", 4, 1);
    }

    @Override
    public long capacity() {
        return points.capacity();
    }

    @Override
    public boolean ready() {
        return seen(draws.size()) <= counted;
    }

    @Override
    public Optional<Map<String, Object>> fresh() {
        if (!ready()) {
            throw new IllegalStateException("draw " + draws.size() + " waits for the result of draw " + counted);
        }
        int seen = seen(draws.size());
        Optional<Map<String, Object>> point = seen < startup ? points.fresh() : modelled(seen);
        point.ifPresent(p -> {
            draws.add(p);
            results.add(null);
        });
        return point;
    }

    @Override
    public void tell(int draw, TrialResult result) {
        if (draw < 0 || draw >= draws.size() || results.get(draw) != null) {
            throw new IllegalArgumentException("draw " + draw + " is not outstanding");
        }
        results.set(draw, result);
        while (counted < results.size() && results.get(counted) != null) {
            counted++;
        }
    }

    /** How many results draw {@code draw} is modelled on. */
    private int seen(int draw) {
        return Math.max(0, draw - (parallel - 1));
    }

    /** The best of {@code candidates} points drawn from the good points' density, by l(x)/g(x). */
    private Optional<Map<String, Object>> modelled(int seen) {
        Set<Integer> good = new HashSet<>(metric.best(results.subList(0, seen), (long) Math.ceil(gamma * seen)));
        List<Map<String, Object>> goodPoints = new ArrayList<>();
        List<Map<String, Object>> badPoints = new ArrayList<>();
        for (int i = 0; i < draws.size(); i++) {
            // draws after the seen ones are the liars
            (good.contains(i) ? goodPoints : badPoints).add(draws.get(i));
        }
        List<Dimension> dims = space.dimensions();
        List<Density> l = new ArrayList<>();
        List<Density> g = new ArrayList<>();
        for (Dimension d : dims) {
            l.add(Density.of(d, goodPoints));
            g.add(Density.of(d, badPoints));
        }
        List<Map<String, Object>> drawn = new ArrayList<>();
        double[] score = new double[candidates];
        for (int c = 0; c < candidates; c++) {
            Map<String, Object> point = new LinkedHashMap<>();
            for (int k = 0; k < dims.size(); k++) {
                double x = l.get(k).sample(random);
                score[c] += l.get(k).logDensity(x) - g.get(k).logDensity(x);
                point.put(dims.get(k).name(), Density.value(dims.get(k), x));
            }
            drawn.add(point);
        }
        Integer[] order = new Integer[candidates];
        Arrays.setAll(order, i -> i);
        // stable: equal scores keep the order drawn
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> score[i]).reversed());
        for (int i : order) {
            if (points.claim(drawn.get(i))) {
                return Optional.of(drawn.get(i));
            }
        }
        return points.fresh();
    }

    /**
     * One dimension's density over its own coordinate: a range's fraction of the way from min to max, a list's
     * value index.
     */
    private interface Density {

        double sample(Random random);

        double logDensity(double x);

        static Density of(Dimension d, List<Map<String, Object>> observed) {
            if (d instanceof Dimension.Range r) {
                return new Kernels(observed.stream().mapToDouble(p -> clamp(r.fractionOf(((Number) p.get(d.name())).doubleValue()))).toArray());
            }
            Dimension.Choice c = (Dimension.Choice) d;
            double[] counts = new double[c.values().size()];
            observed.forEach(p -> counts[c.values().indexOf(p.get(d.name()))]++);
            return new Frequencies(counts, observed.size());
        }

        /** The dimension's value at coordinate {@code x}. */
        static Object value(Dimension d, double x) {
            return d instanceof Dimension.Range r ? (Object) r.at(x) : ((Dimension.Choice) d).values().get((int) x);
        }
    }

    /** Gaussian kernels truncated to [0, 1], one per point and one prior over the whole interval, equally weighted. */
    private static final class Kernels implements Density {
        private final double[] mu;
        private final double[] sigma;
        /** Each kernel's mass inside [0, 1], which its truncated density is divided by. */
        private final double[] mass;

        Kernels(double[] points) {
            int n = points.length + 1;
            mu = Arrays.copyOf(points, n);
            mu[n - 1] = 0.5;
            Arrays.sort(mu);
            sigma = new double[n];
            mass = new double[n];
            double minSigma = 1.0 / Math.min(100, n);
            for (int i = 0; i < n; i++) {
                double left = mu[i] - (i == 0 ? 0 : mu[i - 1]);
                double right = (i == n - 1 ? 1 : mu[i + 1]) - mu[i];
                sigma[i] = Math.max(minSigma, Math.min(1, Math.max(left, right)));
            }
            // the prior keeps the whole interval's width, however close the points around it
            int prior = Arrays.binarySearch(mu, 0.5);
            sigma[prior] = 1;
            for (int i = 0; i < n; i++) {
                mass[i] = normalCdf((1 - mu[i]) / sigma[i]) - normalCdf(-mu[i] / sigma[i]);
            }
        }

        @Override
        public double sample(Random random) {
            int k = random.nextInt(mu.length);
            double x = mu[k] + sigma[k] * random.nextGaussian();
            for (int tries = 1; (x < 0 || x > 1) && tries < TRUNCATION_TRIES; tries++) {
                x = mu[k] + sigma[k] * random.nextGaussian();
            }
            return clamp(x);
        }

        @Override
        public double logDensity(double x) {
            double sum = 0;
            for (int i = 0; i < mu.length; i++) {
                double z = (x - mu[i]) / sigma[i];
                sum += Math.exp(-0.5 * z * z) / (Math.sqrt(2 * Math.PI) * sigma[i] * mass[i]);
            }
            return Math.log(sum / mu.length);
        }
    }

    /** Each value's share of the points, with the prior spread evenly over the values. */
    private static final class Frequencies implements Density {
        private final double[] p;

        Frequencies(double[] counts, int n) {
            p = new double[counts.length];
            for (int i = 0; i < counts.length; i++) {
                p[i] = (counts[i] + PRIOR / counts.length) / (n + PRIOR);
            }
        }

        @Override
        public double sample(Random random) {
            double u = random.nextDouble();
            for (int i = 0; i < p.length - 1; i++) {
                u -= p[i];
                if (u < 0) {
                    return i;
                }
            }
            return p.length - 1;
        }

        @Override
        public double logDensity(double x) {
            return Math.log(p[(int) x]);
        }
    }

    private static double clamp(double x) {
        return Math.max(0, Math.min(1, x));
    }

    /** The standard normal distribution function, through erf (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
    static double normalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
                * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
