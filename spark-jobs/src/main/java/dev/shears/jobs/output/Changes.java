package dev.shears.jobs.output;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.jobs.spec.Dimensions;
import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.HadoopFiles;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What changed since an earlier run of a search (last night's, say): the base model's accuracy,
 * the best candidate, and each candidate's figures, matched by id and method.
 */
public final class Changes {

    /** What identifies a candidate across runs: its method, not its id (ids shift when a space changes). */
    private static final List<String> METHOD = Stream.concat(Stream.of("scorer", "granularity", "scope", "layers",
            "schedule", "target_sparsity", "epochs", "learning_rate", "layer_ratios"),
            Dimensions.planOptions().stream().map(Dimensions::column)).toList();

    private Changes() {
    }

    /** The ranked rows of an earlier run's results.json; a missing or unreadable one is bad input. */
    public static List<Map<String, Object>> readPrevious(String previousOut) {
        String file = HadoopFiles.join(previousOut, "results.json");
        if (!HadoopFiles.exists(file)) {
            throw new BadInputException("--compare-to " + previousOut + ": holds no finished run (no " + file + ")");
        }
        try (InputStream in = HadoopFiles.open(file)) {
            return new ObjectMapper().readValue(in, new TypeReference<>() { });
        } catch (IOException e) {
            throw new BadInputException("--compare-to " + previousOut + ": " + file + " is not a Shears results file: "
                    + e.getMessage(), e);
        }
    }

    /** One row per candidate in either run: before and now side by side. */
    public static List<Map<String, Object>> rows(List<Map<String, Object>> before, List<Map<String, Object>> now) {
        Map<String, Map<String, Object>> old = index(before);
        Map<String, Map<String, Object>> current = index(now);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> e : current.entrySet()) {
            out.add(row(e.getValue(), old.get(e.getKey()), e.getValue()));
        }
        for (Map.Entry<String, Map<String, Object>> e : old.entrySet()) {
            if (!current.containsKey(e.getKey())) {
                out.add(row(e.getValue(), e.getValue(), null));
            }
        }
        return out;
    }

    /**
     * The headline: base and best before and now, and how many candidates appeared, went or changed status.
     *
     * @param rows {@link #rows} of {@code before} and {@code now}
     */
    public static Map<String, Object> summary(String previousOut, List<Map<String, Object>> before,
                                              List<Map<String, Object>> now, List<Map<String, Object>> rows) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("previous", previousOut);
        s.put("base_accuracy_before", base(before).get("accuracy"));
        s.put("base_accuracy_now", base(now).get("accuracy"));
        s.put("base_model_changed", !Objects.equals(base(before).get("base_model_hash"), base(now).get("base_model_hash")));
        s.put("data_changed", !Objects.equals(base(before).get("data_hash"), base(now).get("data_hash")));
        s.put("best_before", best(before));
        s.put("best_now", best(now));
        s.put("candidates_new", rows.stream().filter(r -> r.get("status_before") == null).count());
        s.put("candidates_gone", rows.stream().filter(r -> r.get("status_now") == null).count());
        s.put("status_changed", rows.stream().filter(r -> r.get("status_before") != null && r.get("status_now") != null
                && !r.get("status_before").equals(r.get("status_now"))).count());
        return s;
    }

    /** A line for the console. */
    public static String headline(Map<String, Object> s) {
        return String.format("since %s: base accuracy %s -> %s; best %s -> %s; %s new, %s gone, %s changed status",
                s.get("previous"), TableFormats.cell(s.get("base_accuracy_before")),
                TableFormats.cell(s.get("base_accuracy_now")), s.get("best_before"), s.get("best_now"),
                s.get("candidates_new"), s.get("candidates_gone"), s.get("status_changed"));
    }

    private static Map<String, Object> row(Map<String, Object> method, Map<String, Object> before, Map<String, Object> now) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("candidate", method.get("candidate"));
        METHOD.forEach(k -> r.put(k, method.get(k)));
        for (String k : List.of("candidate", "rank", "status", "compression", "val_accuracy", "accuracy")) {
            r.put(k + "_before", before == null ? null : before.get(k));
            r.put(k + "_now", now == null ? null : now.get(k));
        }
        for (String k : List.of("val_accuracy", "accuracy")) {
            if (before != null && now != null && before.get(k) instanceof Number b && now.get(k) instanceof Number n) {
                r.put(k + "_change", n.doubleValue() - b.doubleValue());
            }
        }
        return r;
    }

    private static Map<String, Map<String, Object>> index(List<Map<String, Object>> rows) {
        Map<String, Map<String, Object>> m = new LinkedHashMap<>();
        for (Map<String, Object> r : rows) {
            m.put(METHOD.stream().map(k -> String.valueOf(r.get(k))).reduce((a, b) -> a + "|" + b).orElse(""), r);
        }
        return m;
    }

    private static Map<String, Object> base(List<Map<String, Object>> rows) {
        return rows.stream().filter(r -> Ranking.BASE.equals(r.get("candidate"))).findFirst().orElse(Map.of());
    }

    /** The best candidate: the first in rank order within the tolerance, chosen on validation. */
    public static Optional<Map<String, Object>> bestRow(List<Map<String, Object>> rows) {
        return rows.stream()
                .filter(r -> !Ranking.BASE.equals(r.get("candidate")) && Boolean.TRUE.equals(r.get("meets_tolerance")))
                .findFirst();
    }

    /**
     * How far validation accuracy fell at the earlier run's best compression: the earlier best's
     * validation accuracy minus the best validation accuracy now among successful candidates at least
     * that compressed (all of it when none is). Empty when the earlier run had no best to hold to.
     */
    public static OptionalDouble fall(List<Map<String, Object>> before, List<Map<String, Object>> now) {
        Optional<Map<String, Object>> best = bestRow(before);
        if (best.isEmpty()) {
            return OptionalDouble.empty();
        }
        double compression = number(best.get().get("compression"));
        double reached = now.stream()
                .filter(r -> !Ranking.BASE.equals(r.get("candidate")) && "OK".equals(r.get("status"))
                        && number(r.get("compression")) >= compression)
                .mapToDouble(r -> number(r.get("val_accuracy"))).filter(Double::isFinite).max().orElse(0);
        return OptionalDouble.of(number(best.get().get("val_accuracy")) - reached);
    }

    private static double number(Object v) {
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String best(List<Map<String, Object>> rows) {
        return bestRow(rows)
                .map(r -> r.get("candidate") + " (" + TableFormats.cell(r.get("compression")) + "x, validation accuracy "
                        + TableFormats.cell(r.get("val_accuracy")) + ", test " + TableFormats.cell(r.get("accuracy")) + ")")
                .orElse("none within tolerance");
    }
}
