package dev.shears.jobs.result;

import dev.shears.search.Pareto;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Orders the table: the base row first, then candidates that keep accuracy within the tolerance
 * ({@link Selection#ORDER}: most compressed first), then the other successful candidates (most accurate
 * first), then failed ones. Marks the accuracy-versus-compression Pareto front. Every decision
 * reads the accuracy of one split, the validation split unless a spec chooses test.
 */
public final class Ranking {

    private Ranking() {
    }

    /** The trials as rows in rank order. */
    public static List<Row> rank(List<Trial> trials, double maxAccuracyDrop, SelectionSplit split) {
        List<Trial> base = new ArrayList<>();
        List<Trial> within = new ArrayList<>();
        List<Trial> outside = new ArrayList<>();
        List<Trial> failed = new ArrayList<>();
        Set<Trial> meets = identitySet();
        for (Trial t : trials) {
            if (meets(t, maxAccuracyDrop, split)) {
                meets.add(t);
            }
            if (t.isBase()) {
                base.add(t);
            } else if (!t.ok()) {
                failed.add(t);
            } else if (meets.contains(t)) {
                within.add(t);
            } else {
                outside.add(t);
            }
        }
        Comparator<Trial> byId = Comparator.comparing(Trial::candidate);
        within.sort(Comparator.comparing((Trial t) -> score(t, true, split), Selection.ORDER));
        outside.sort(Comparator.comparingDouble((Trial t) -> -t.accuracy(split))
                .thenComparingDouble(t -> -t.compression()).thenComparing(byId));
        failed.sort(byId);
        List<Trial> ranked = new ArrayList<>(base);
        ranked.addAll(within);
        ranked.addAll(outside);
        ranked.addAll(failed);
        List<Trial> ok = ranked.stream().filter(Trial::ok).toList();
        Set<Trial> front = identitySet();
        for (int i : Pareto.front(ok.stream().map(t -> new double[] {t.accuracy(split), t.compression()}).toList())) {
            front.add(ok.get(i));
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ranked.size(); i++) {
            Trial t = ranked.get(i);
            rows.add(new Row(t, base.isEmpty() ? i + 1 : i, meets.contains(t), front.contains(t), null));
        }
        return rows;
    }

    private static Set<Trial> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    /** Whether a trial succeeded with its accuracy drop on the split within the tolerance. */
    public static boolean meets(Trial t, double maxAccuracyDrop, SelectionSplit split) {
        return t.ok() && Selection.within(t.drop(split), maxAccuracyDrop);
    }

    /** What {@link Selection} reads of a trial. */
    public static Selection.Score score(Trial t, boolean within, SelectionSplit split) {
        return new Selection.Score(t.candidate(), within, t.accuracy(split), t.compression());
    }
}
