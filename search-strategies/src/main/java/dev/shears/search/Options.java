package dev.shears.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed reads of {@link StrategyConfig#options()}. Specs come from YAML or the command line, so numbers may
 * arrive as strings and lists as comma-separated text; a bad value fails naming the option and what it allows.
 * A {@code null} fallback makes the option required.
 */
final class Options {

    private final Map<String, Object> values;
    private final Set<String> declared;
    private final Constraints constraints;

    /** @param declared every option the strategy reads, as registered in {@link Strategies} */
    Options(StrategyConfig config, Set<String> declared) {
        this.values = config.options();
        this.declared = declared;
        this.constraints = config.constraints();
    }

    int integer(String name, int fallback, int min) {
        requireDeclared(name);
        String expected = "an integer >= " + min;
        double v = parse(name, values.get(name), (double) fallback, expected);
        if (v != Math.rint(v) || v < min || v > Integer.MAX_VALUE) {
            throw invalid(name, expected, shown(name, fallback));
        }
        return (int) v;
    }

    double number(String name, Double fallback, double min, double max) {
        requireDeclared(name);
        String expected = "a number " + bounds(min, max);
        double v = parse(name, values.get(name), fallback, expected);
        if (!(v >= min && v <= max)) {
            throw invalid(name, expected, shown(name, fallback));
        }
        return v;
    }

    String text(String name, String fallback) {
        requireDeclared(name);
        Object raw = values.getOrDefault(name, fallback);
        if (!(raw instanceof String s) || s.isBlank()) {
            throw invalid(name, "a non-blank name", raw);
        }
        return s.trim();
    }

    List<String> names(String name, List<String> fallback) {
        String expected = "a non-empty list of distinct names";
        List<?> raw = list(name, fallback, expected);
        List<String> names = new ArrayList<>();
        for (Object item : raw) {
            if (!(item instanceof String s) || s.isBlank()) {
                throw invalid(name, expected, raw);
            }
            names.add(s.trim());
        }
        if (names.isEmpty() || new HashSet<>(names).size() != names.size()) {
            throw invalid(name, expected, raw);
        }
        return names;
    }

    List<Double> numbers(String name, List<Double> fallback, double min, double max) {
        String expected = "a non-empty list of numbers " + bounds(min, max);
        List<?> raw = list(name, fallback, expected);
        List<Double> numbers = new ArrayList<>();
        for (Object item : raw) {
            double v = parse(name, item, null, expected);
            if (!(v >= min && v <= max)) {
                throw invalid(name, expected, raw);
            }
            numbers.add(v);
        }
        if (numbers.isEmpty()) {
            throw invalid(name, expected, raw);
        }
        return numbers;
    }

    /** Whether the spec gives option {@code name}. */
    boolean has(String name) {
        requireDeclared(name);
        return values.containsKey(name);
    }

    /** The metric trials are ranked by, among those that keep the constraints. */
    SelectionMetric selectionMetric() {
        return new SelectionMetric(text(SelectionMetric.OPTION, SelectionMetric.DEFAULT), constraints);
    }

    private List<?> list(String name, List<?> fallback, String expected) {
        requireDeclared(name);
        Object raw = values.containsKey(name) ? values.get(name) : fallback;
        if (raw instanceof String s) {
            return Arrays.stream(s.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
        }
        if (raw instanceof List<?> l) {
            return l;
        }
        throw invalid(name, expected, raw);
    }

    /** An option read but not declared would be refused in a spec (see {@link Strategies#create}). */
    private void requireDeclared(String name) {
        if (!declared.contains(name)) {
            throw new IllegalStateException("option '" + name + "' is read but not declared");
        }
    }

    private static double parse(String name, Object raw, Double fallback, String expected) {
        if (raw == null && fallback != null) {
            return fallback;
        }
        if (raw instanceof Number n) {
            return n.doubleValue();
        }
        if (raw instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException notANumber) {
                // reported below with the expected form
            }
        }
        throw invalid(name, expected, raw);
    }

    private Object shown(String name, Object fallback) {
        return values.containsKey(name) ? values.get(name) : fallback + " (the default)";
    }

    private static String bounds(double min, double max) {
        return max == Double.POSITIVE_INFINITY ? ">= " + min : "in [" + min + ", " + max + "]";
    }

    static IllegalArgumentException invalid(String name, String expected, Object got) {
        String shown = got == null ? "nothing" : got instanceof String ? "'" + got + "'" : String.valueOf(got);
        return new IllegalArgumentException("option '" + name + "' must be " + expected + ", got " + shown);
    }
}
