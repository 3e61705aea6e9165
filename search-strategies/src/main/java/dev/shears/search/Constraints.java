package dev.shears.search;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Limits a candidate must keep to be eligible ({@code objective.constraints}), each on one figure a trial reports:
 * the one place that decides feasibility, for the strategies (ranking, promotion, TPE's good share, NSGA-II's
 * constrained domination) and for the table ({@code constraints_ok}, {@code violates}, the best candidate).
 * A figure a trial does not report (a failed trial, latency not measured) violates its limit: a candidate is
 * feasible only when it is known to be.
 */
public final class Constraints implements Serializable {

    /** One limit: {@code figure} at least (or at most) {@code value}. */
    private record Limit(String name, String figure, boolean max, double value) implements Serializable {

        /** How far the figure is outside the limit, relative to the limit; 0 inside, 1 when unknown. */
        double excess(Map<String, Double> figures) {
            Double v = figures.get(figure);
            if (v == null || v.isNaN()) {
                return 1;
            }
            return Math.max(0, (max ? v - value : value - v) / value);
        }
    }

    /** Each constraint's name in a spec and the figure (table column) it limits; {@code min} or {@code max} by prefix. */
    private static final Map<String, String> FIGURES = new LinkedHashMap<>();

    static {
        FIGURES.put("minCompression", "compression");
        FIGURES.put("maxLatencyB1Ms", "latency_b1_ms");
        FIGURES.put("maxLatencyB64Ms", "latency_b64_ms");
        FIGURES.put("maxSizeCompactBytes", "size_compact_bytes");
        FIGURES.put("maxFlops", "flops");
    }

    public static final Constraints NONE = new Constraints(List.of());

    private final List<Limit> limits;

    private Constraints(List<Limit> limits) {
        this.limits = List.copyOf(limits);
    }

    /** The names a spec may give, in order. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(FIGURES.keySet());
    }

    /**
     * The constraints by name and limit; an unknown name or a limit that is not a number above 0 is refused,
     * naming it and what is allowed.
     */
    public static Constraints of(Map<String, ?> given) {
        List<Limit> limits = new ArrayList<>();
        for (Map.Entry<String, ?> e : given.entrySet()) {
            String figure = FIGURES.get(e.getKey());
            if (figure == null) {
                throw new IllegalArgumentException("unknown constraint '" + e.getKey() + "' (allowed: "
                        + String.join(", ", FIGURES.keySet()) + ")");
            }
            if (!(e.getValue() instanceof Number n) || !(n.doubleValue() > 0) || Double.isInfinite(n.doubleValue())) {
                throw new IllegalArgumentException("constraint '" + e.getKey() + "' must be a number > 0, got "
                        + e.getValue());
            }
            limits.add(new Limit(e.getKey(), figure, e.getKey().startsWith("max"), n.doubleValue()));
        }
        return new Constraints(limits);
    }

    public boolean isEmpty() {
        return limits.isEmpty();
    }

    /** The figures (table columns) the constraints read. */
    public List<String> figures() {
        return limits.stream().map(Limit::figure).toList();
    }

    /** The names of the constraints the figures break, in the order given; empty when all hold. */
    public List<String> violated(Map<String, Double> figures) {
        return limits.stream().filter(l -> l.excess(figures) > 0).map(Limit::name).toList();
    }

    /** Whether the trial ended OK and keeps every limit. */
    public boolean feasible(TrialResult result) {
        return result.ok() && violated(result.metrics()).isEmpty();
    }

    /**
     * The total violation Deb's constrained domination compares infeasible trials by: each broken limit's excess
     * relative to the limit (1 for a figure not reported); 0 for a feasible trial.
     */
    public double violation(Map<String, Double> figures) {
        return limits.stream().mapToDouble(l -> l.excess(figures)).sum();
    }
}
