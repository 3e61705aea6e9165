package dev.shears.jobs.result;

import dev.shears.pruning.metrics.Tolerance;
import dev.shears.search.Constraints;
import dev.shears.search.Pareto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Orders the table: the base row first, then candidates that keep accuracy within the tolerance and the
 * constraints ({@link Selection#ORDER}: most compressed first), then the other successful candidates that keep
 * the constraints (most accurate first), then those that break one (most accurate first), then failed ones.
 * Marks two Pareto fronts of the base and the candidates that keep the constraints: accuracy against compression,
 * and accuracy against latency at batch 64 (where a smaller network's saved work shows; a pass over one example
 * is mostly fixed cost) among the rows whose latency was measured.
 * Every decision reads the accuracy of one split, the validation split unless a spec chooses test.
 */
public final class Ranking {

    private Ranking() {
    }

    /** The trials as rows in rank order. */
    public static List<Row> rank(List<Trial> trials, Tolerance tolerance, SelectionSplit split,
                                 Constraints constraints) {
        List<Trial> base = new ArrayList<>();
        List<Trial> within = new ArrayList<>();
        List<Trial> outside = new ArrayList<>();
        List<Trial> infeasible = new ArrayList<>();
        List<Trial> failed = new ArrayList<>();
        Map<Trial, List<String>> violates = new IdentityHashMap<>();
        Set<Trial> meets = identitySet();
        for (Trial t : trials) {
            violates.put(t, violations(t, constraints));
            if (meets(t, tolerance, split)) {
                meets.add(t);
            }
            if (t.isBase()) {
                base.add(t);
            } else if (!t.ok()) {
                failed.add(t);
            } else if (!feasible(violates.get(t))) {
                infeasible.add(t);
            } else if (meets.contains(t)) {
                within.add(t);
            } else {
                outside.add(t);
            }
        }
        Comparator<Trial> byId = Comparator.comparing(Trial::candidate);
        Comparator<Trial> byAccuracy = Comparator.comparingDouble((Trial t) -> -t.accuracy(split))
                .thenComparingDouble(t -> -t.compression()).thenComparing(byId);
        within.sort(Comparator.comparing((Trial t) -> score(t, true, split), Selection.ORDER));
        outside.sort(byAccuracy);
        infeasible.sort(byAccuracy);
        failed.sort(byId);
        List<Trial> ranked = new ArrayList<>(base);
        ranked.addAll(within);
        ranked.addAll(outside);
        ranked.addAll(infeasible);
        ranked.addAll(failed);
        List<Trial> ok = ranked.stream().filter(t -> t.ok() && feasible(violates.get(t))).toList();
        Set<Trial> front = front(ok, t -> new double[] {t.accuracy(split), t.compression()});
        Set<Trial> latencyFront = front(ok.stream().filter(t -> t.latency() != null).toList(),
                t -> new double[] {t.accuracy(split), -t.latency().b64Ms()});
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ranked.size(); i++) {
            Trial t = ranked.get(i);
            rows.add(new Row(t, base.isEmpty() ? i + 1 : i, meets.contains(t), front.contains(t),
                    t.latency() == null ? null : latencyFront.contains(t), violates.get(t)));
        }
        return rows;
    }

    /** The trials no other of them beats on both objectives (each maximised). */
    private static Set<Trial> front(List<Trial> trials, Function<Trial, double[]> objectives) {
        Set<Trial> front = identitySet();
        for (int i : Pareto.front(trials.stream().map(objectives).toList())) {
            front.add(trials.get(i));
        }
        return front;
    }

    private static Set<Trial> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    /** Whether a trial succeeded with its accuracy drop on the split within the tolerance. */
    public static boolean meets(Trial t, Tolerance tolerance, SelectionSplit split) {
        return t.ok() && tolerance.admits(t.drop(split), t.dropStdError(split));
    }

    /**
     * The constraints a successful candidate breaks, decided by {@link Constraints} on the figures strategies
     * are told; null for the base (the reference, not a choice), a failed trial and a spec without constraints.
     */
    public static List<String> violations(Trial t, Constraints constraints) {
        return constraints.isEmpty() || t.isBase() || !t.ok() ? null : constraints.violated(t.figures());
    }

    private static boolean feasible(List<String> violates) {
        return violates == null || violates.isEmpty();
    }

    /** What {@link Selection} reads of a trial: eligible when within the tolerance and keeping the constraints. */
    public static Selection.Score score(Trial t, Tolerance tolerance, SelectionSplit split, Constraints constraints) {
        return score(t, meets(t, tolerance, split) && feasible(violations(t, constraints)), split);
    }

    private static Selection.Score score(Trial t, boolean eligible, SelectionSplit split) {
        return new Selection.Score(t.candidate(), eligible, t.accuracy(split), t.compression());
    }
}
