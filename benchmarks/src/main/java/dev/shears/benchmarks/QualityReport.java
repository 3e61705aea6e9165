package dev.shears.benchmarks;

import dev.shears.jobs.result.Selection;
import dev.shears.pruning.run.Metrics;
import dev.shears.benchmarks.QualityBench.Arch;
import dev.shears.benchmarks.QualityBench.Base;
import dev.shears.benchmarks.QualityBench.Method;
import dev.shears.benchmarks.QualityBench.Result;
import dev.shears.benchmarks.QualityBench.Role;
import dev.shears.benchmarks.QualityBench.Timed;
import dev.shears.jobs.output.Report;
import java.awt.BasicStroke;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The quality benchmark's figures: per method and tolerance, the candidate chosen on validation
 * (the most compressed one whose validation accuracy is within the tolerance of the dense
 * model's), its test drop and compression as mean and standard deviation over seeds; the goals
 * with met or not; sizes and latency; charts. Written as one section of BENCHMARKS.md, replaced
 * between its markers on every run, and PNG files beside it.
 */
final class QualityReport {

    static final String MARKDOWN = "BENCHMARKS.md";
    static final String CHART_PREFIX = "bench-quality-";
    static final String BEGIN = "<!-- bench quality: begin -->";
    static final String END = "<!-- bench quality: end -->";
    /** The name of the row that chooses among a network's Shears methods. */
    static final String BEST = "best";
    private static final double EPS = 1e-9;

    /** A goal with what was measured and by how much it was met or missed. */
    record Goal(String goal, String measured, boolean met, String margin) {
    }

    /** One method's choice at one tolerance, over seeds (a seed with no candidate within counts as the dense model). */
    record Choice(String arch, String method, double tolerance, List<Result> chosen, List<Base> bases) {

        double[] values(ToDoubleFunction<Result> f, double none) {
            double[] v = new double[chosen.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = chosen.get(i) == null ? none : f.applyAsDouble(chosen.get(i));
            }
            return v;
        }

        double[] compression() {
            return values(r -> r.num(Metrics::compression), 1);
        }

        double[] testDrop() {
            return values(r -> 100 * r.num(Metrics::accuracyDrop), 0);
        }

        double[] validationDrop() {
            double[] v = new double[chosen.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = chosen.get(i) == null ? 0 : 100 * (bases.get(i).metrics().valAccuracy()
                        - chosen.get(i).num(Metrics::valAccuracy));
            }
            return v;
        }

        String picks() {
            return chosen.stream().map(r -> r == null ? "none" : (method.equals(BEST) ? r.method() + " " : "")
                    + fmt(r.ratio(), 3)).collect(Collectors.joining(", "));
        }
    }

    private final List<Arch> archs;
    private final List<Base> bases;
    private final List<Result> results;
    private final List<Timed> timings;
    private final double[] tolerances;

    QualityReport(List<Arch> archs, List<Base> bases, List<Result> results, List<Timed> timings, double[] tolerances) {
        this.archs = archs;
        this.bases = bases;
        this.results = results;
        this.timings = timings;
        this.tolerances = tolerances;
    }

    List<Arch> archs() {
        return archs;
    }

    List<Result> results() {
        return results;
    }

    // ---- choosing ----

    /**
     * The most compressed successful result of {@code methods} whose validation accuracy is at most
     * {@code tolerance} points below the dense model's ({@code results} of one network and seed).
     */
    static Optional<Result> choose(List<Result> results, List<String> methods, Base base, double tolerance) {
        return Selection.best(within(results, methods, base, tolerance, r -> r.num(Metrics::valAccuracy)).toList(),
                r -> new Selection.Score(r.method() + "@" + r.ratio(), true, r.num(Metrics::valAccuracy),
                        r.num(Metrics::compression)));
    }

    /** As {@link #choose}, on the int8 copies: the smallest file whose int8 validation accuracy is within. */
    static Optional<Result> chooseInt8(List<Result> results, List<String> methods, Base base, double tolerance) {
        return within(results, methods, base, tolerance, Result::valAccuracyInt8)
                .min(Comparator.comparingDouble(r -> r.num(m -> m.int8().sizeBytes())));
    }

    /** The successful results of the methods and the base's seed whose {@code validation} accuracy is within the tolerance. */
    private static java.util.stream.Stream<Result> within(List<Result> results, List<String> methods, Base base,
                                                         double tolerance, ToDoubleFunction<Result> validation) {
        double baseValidation = base.metrics().valAccuracy();
        return results.stream()
                .filter(r -> r.ok() && methods.contains(r.method()) && r.seed() == base.seed())
                .filter(r -> Selection.within(baseValidation - validation.applyAsDouble(r), tolerance / 100));
    }

    private List<Base> basesOf(Arch arch) {
        return bases.stream().filter(b -> b.arch() == arch).toList();
    }

    Choice choice(Arch arch, String method, double tolerance) {
        List<String> methods = method.equals(BEST) ? arch.best() : List.of(method);
        List<Result> chosen = new ArrayList<>();
        for (Base b : basesOf(arch)) {
            chosen.add(choose(of(arch), methods, b, tolerance).orElse(null));
        }
        return new Choice(arch.name(), method, tolerance, chosen, basesOf(arch));
    }

    private List<Result> of(Arch arch) {
        return results.stream().filter(r -> r.arch().equals(arch.name())).toList();
    }

    private Optional<Arch> arch(String name) {
        return archs.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    // ---- goals ----

    List<Goal> goals() {
        List<Goal> goals = new ArrayList<>();
        arch("mlp").ifPresent(mlp -> {
            double[] dense = basesOf(mlp).stream().mapToDouble(b -> 100 * b.metrics().accuracy()).toArray();
            goals.add(new Goal("dense MLP test accuracy >= 89%", ms(dense, 2) + "%", mean(dense) >= 89,
                    signed(mean(dense) - 89, 2) + " points"));
            goals.add(compressionGoal(mlp, 0.5, 12));
            goals.add(compressionGoal(mlp, 1.0, 15));
        });
        arch("cnn").ifPresent(cnn -> goals.add(compressionGoal(cnn, 1.0, 10)));
        archs.forEach(a -> goals.add(diskGoal(a)));
        archs.forEach(a -> goals.add(structuralGoal(a)));
        return goals;
    }

    private Goal compressionGoal(Arch arch, double tolerance, double target) {
        Choice c = choice(arch, BEST, tolerance);
        double compression = mean(c.compression());
        double drop = mean(c.testDrop());
        boolean met = compression >= target && drop <= tolerance + EPS;
        return new Goal(String.format(Locale.ROOT, "%s >= %.0fx at <= %.1f point (best method, chosen on validation)",
                arch.name().toUpperCase(Locale.ROOT), target, tolerance),
                ms(c.compression(), 1) + "x, test drop " + ms(c.testDrop(), 2) + " points", met,
                String.format(Locale.ROOT, "%sx compression; test drop %s points from the tolerance",
                        signed(compression - target, 1), signed(tolerance - drop, 2)));
    }

    private Goal diskGoal(Arch arch) {
        List<Double> ratios = new ArrayList<>();
        List<Double> drops = new ArrayList<>();
        for (Base b : basesOf(arch)) {
            Optional<Result> r = chooseInt8(of(arch), arch.best(), b, 1.0);
            ratios.add(r.map(x -> b.metrics().sizeDenseBytes() / x.num(m -> m.int8().sizeBytes()))
                    .orElse((double) b.metrics().sizeDenseBytes() / b.metrics().int8().sizeBytes()));
            drops.add(100 * r.map(x -> x.num(m -> m.int8().accuracyDrop())).orElse(b.metrics().int8().accuracyDrop()));
        }
        double[] ratio = ratios.stream().mapToDouble(Double::doubleValue).toArray();
        double[] drop = drops.stream().mapToDouble(Double::doubleValue).toArray();
        return new Goal(arch.name().toUpperCase(Locale.ROOT) + " >= 30x smaller on disk at <= 1.0 point (pruning + int8)",
                ms(ratio, 1) + "x smaller than float32 dense, int8 test drop " + ms(drop, 2) + " points",
                mean(ratio) >= 30 && mean(drop) <= 1.0 + EPS,
                signed(mean(ratio) - 30, 1) + "x; test drop " + signed(1.0 - mean(drop), 2) + " points from the tolerance");
    }

    private Goal structuralGoal(Arch arch) {
        Choice c = choice(arch, arch.structural(), 1.0);
        double[] flops = c.values(r -> r.num(Metrics::flopsReduction), 1);
        double[] speedup = timings.stream().filter(t -> t.arch().equals(arch.name()) && t.network().equals("shrunk"))
                .mapToDouble(t -> t.latency().speedupB64()).toArray();
        double meanSpeedup = speedup.length == 0 ? 1 : mean(speedup);
        boolean met = mean(flops) >= 2 && meanSpeedup >= 1.5 && mean(c.testDrop()) <= 1.0 + EPS;
        return new Goal(arch.name().toUpperCase(Locale.ROOT) + " structural (" + arch.structural()
                + "): >= 2x fewer multiply-adds at <= 1.0 point, >= 1.5x faster at batch 64",
                ms(flops, 2) + "x fewer multiply-adds, test drop " + ms(c.testDrop(), 2) + " points, "
                        + (speedup.length == 0 ? "not timed (no candidate within)" : ms(speedup, 2) + "x at batch 64"),
                met, signed(mean(flops) - 2, 2) + "x multiply-adds; " + signed(meanSpeedup - 1.5, 2) + "x speed-up");
    }

    void printGoals(PrintStream out) {
        out.println("goals:");
        for (Goal g : goals()) {
            out.printf(Locale.ROOT, "  %-7s %s: %s (%s)%n", g.met() ? "MET" : "NOT MET", g.goal(), g.measured(), g.margin());
        }
    }

    // ---- writing ----

    void write(Path dir, String command, Map<String, Object> settings, double seconds) throws IOException {
        Files.createDirectories(dir);
        for (Arch a : archs) {
            Files.write(dir.resolve(CHART_PREFIX + a.name() + ".png"), chart(a));
        }
        Path file = dir.resolve(MARKDOWN);
        String section = BEGIN + "\n" + section(command, settings, seconds) + END + "\n";
        String before = Files.exists(file) ? Files.readString(file) : "";
        Files.writeString(file, replaceSection(before, section));
    }

    /** The text with its section (markers included) replaced, or the section appended when it has none. */
    static String replaceSection(String text, String section) {
        int from = text.indexOf(BEGIN);
        int to = text.indexOf(END);
        if (from >= 0 && to > from) {
            int after = to + END.length();
            if (after < text.length() && text.charAt(after) == '\n') {
                after++;
            }
            return text.substring(0, from) + section + text.substring(after);
        }
        return text.isEmpty() ? section : text + (text.endsWith("\n") ? "\n" : "\n\n") + section;
    }

    String section(String command, Map<String, Object> settings, double seconds) {
        StringBuilder md = new StringBuilder();
        md.append("## Pruning quality against published results (issue: reaching the results pruning papers report)\n\n");
        md.append("Command: `").append(command.trim()).append("`  \n");
        md.append("Date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
                .append(". Machine: ").append(Machine.describe()).append(". Wall time: ")
                .append(String.format(Locale.ROOT, "%.0f s (%.1f min)", seconds, seconds / 60)).append(".  \n");
        md.append("Settings: ").append(settings.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining("; "))).append(".\n\n");
        md.append("Data: Fashion-MNIST (Debian package `dataset-fashion-mnist`). Every seed draws its own validation rows from "
                + "the training rows and initialises its networks; the test rows are never used for a choice. ");
        md.append("For each method and tolerance the candidate is the most compressed one whose **validation** accuracy "
                + "is within the tolerance of the dense model's (a seed where none is counts as 1x with drop 0); the table "
                + "gives that candidate's **test** drop and compression. Compression = dense parameters / non-zero "
                + "parameters (weights and biases). `best` chooses among the Shears methods marked so, per seed. "
                + "Figures are mean ± standard deviation over the seeds (no ± with one seed). Drops are in points.\n\n");
        md.append("### Goals\n\n| goal | measured | met | margin |\n|---|---|---|---|\n");
        for (Goal g : goals()) {
            md.append("| ").append(g.goal()).append(" | ").append(g.measured()).append(" | ")
                    .append(g.met() ? "**met**" : "**not met**").append(" | ").append(g.margin()).append(" |\n");
        }
        for (Arch a : archs) {
            archSection(md, a);
        }
        md.append("\n");
        return md.toString();
    }

    private void archSection(StringBuilder md, Arch a) {
        List<Base> bs = basesOf(a);
        Base first = bs.get(0);
        md.append("\n### ").append(a.title()).append("\n\n");
        md.append(String.format(Locale.ROOT, "Rows: %d training, %d validation, %d test. Dense model: %d parameters, "
                        + "Adam 1e-3, batch 128, %d epochs with the best validation epoch kept (epochs kept: %s); "
                        + "test accuracy %s%%, validation %s%%.%n%n",
                first.data().train().size(), first.data().validation().size(), first.data().test().size(),
                (long) first.metrics().paramsTotal(), a.epochs(),
                bs.stream().map(b -> String.valueOf(b.training().epoch())).collect(Collectors.joining(", ")),
                ms(bs.stream().mapToDouble(b -> 100 * b.metrics().accuracy()).toArray(), 2),
                ms(bs.stream().mapToDouble(b -> 100 * b.metrics().valAccuracy()).toArray(), 2)));
        md.append("Methods (").append(a.best().stream().map(m -> "`" + m + "`").collect(Collectors.joining(", ")))
                .append(" are the ones `best` chooses among):\n\n");
        for (Method m : a.methods()) {
            md.append("- `").append(m.name()).append("`: ").append(m.description()).append("; ratios ")
                    .append(m.ratios()).append("\n");
        }
        md.append("\n| method | tolerance | compression | test drop | validation drop | multiply-adds reduction | chosen ratio per seed |\n"
                + "|---|---|---|---|---|---|---|\n");
        List<String> rows = new ArrayList<>();
        rows.add(BEST);
        a.methods().forEach(m -> rows.add(m.name()));
        for (String method : rows) {
            for (double tol : tolerances) {
                Choice c = choice(a, method, tol);
                md.append("| ").append(method.equals(BEST) ? "**best**" : method).append(" | ").append(fmt(tol, 1))
                        .append(" | ").append(ms(c.compression(), 1)).append("x | ").append(ms(c.testDrop(), 2))
                        .append(" | ").append(ms(c.validationDrop(), 2)).append(" | ")
                        .append(ms(c.values(r -> r.num(Metrics::flopsReduction), 1), 2)).append("x | ").append(c.picks())
                        .append(" |\n");
            }
        }
        md.append("\nEvery candidate (test and validation accuracy in %, mean ± std over seeds):\n\n"
                + "| method | ratio | compression | test accuracy | validation accuracy | int8 test accuracy | seeds not OK |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Method m : a.methods()) {
            for (double r : m.ratios()) {
                List<Result> rs = of(a).stream().filter(x -> x.method().equals(m.name()) && x.ratio() == r).toList();
                List<Result> ok = rs.stream().filter(Result::ok).toList();
                md.append("| ").append(m.name()).append(" | ").append(fmt(r, 3)).append(" | ")
                        .append(ms(values(ok, x -> x.num(Metrics::compression)), 1)).append("x | ")
                        .append(ms(values(ok, x -> 100 * x.num(Metrics::accuracy)), 2)).append(" | ")
                        .append(ms(values(ok, x -> 100 * x.num(Metrics::valAccuracy)), 2)).append(" | ")
                        .append(ms(values(ok, x -> 100 * x.num(f -> f.int8().accuracy())), 2)).append(" | ")
                        .append(notOk(rs)).append(" |\n");
            }
        }
        deployment(md, a);
        md.append("\n![").append(a.title()).append(": test accuracy versus compression](").append(CHART_PREFIX)
                .append(a.name()).append(".png)\n");
    }

    /** How many results are not OK, and why: "0", or "1 SKIPPED" and so on. */
    private static String notOk(List<Result> rs) {
        Map<String, Long> by = rs.stream().filter(r -> !r.ok())
                .collect(Collectors.groupingBy(Result::status, java.util.TreeMap::new, Collectors.counting()));
        return by.isEmpty() ? "0" : by.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
    }

    /** Sizes, multiply-adds and latency of the dense model and the networks chosen at 1.0 point. */
    private void deployment(StringBuilder md, Arch a) {
        md.append("\nDeployment, at <= 1.0 point (chosen on validation): the dense model, the `best` weight-pruned network "
                + "kept at full size with zeros (masked) and the `").append(a.structural())
                .append("` network shrunk to its smaller shape. Bytes: float32 dense, sparse (presence bitmap + float32 "
                        + "non-zeros), sparse + int8 (per-layer scale). Latency: median forward pass on one thread, dense "
                        + "and pruned timed in alternating rounds; speed-up = dense time / pruned time from the same rounds.\n\n"
                        + "| network | method, ratio per seed | test accuracy | non-zero params | multiply-adds | bytes dense | "
                        + "bytes sparse | bytes sparse+int8 | int8 test drop | batch 1 ms | batch 64 ms | speed-up b1 | speed-up b64 |\n"
                        + "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String network : List.of("dense", "masked", "shrunk")) {
            List<Timed> ts = timings.stream().filter(t -> t.arch().equals(a.name()) && t.network().equals(network)).toList();
            if (ts.isEmpty()) {
                md.append("| ").append(network).append(" | none within 1.0 point | | | | | | | | | | | |\n");
                continue;
            }
            md.append("| ").append(network).append(" | ")
                    .append(ts.stream().map(t -> t.method() + (t.ratio() > 0 ? " " + fmt(t.ratio(), 3) : ""))
                            .collect(Collectors.joining(", "))).append(" | ")
                    .append(ms(timed(ts, t -> 100 * t.metrics().accuracy()), 2)).append("% | ")
                    .append(ms(timed(ts, t -> t.metrics().paramsNonzero()), 0)).append(" | ")
                    .append(ms(timed(ts, t -> t.metrics().flops()), 0)).append(" | ")
                    .append(ms(timed(ts, t -> t.metrics().sizeDenseBytes()), 0)).append(" | ")
                    .append(ms(timed(ts, t -> t.metrics().sizeSparseBytes()), 0)).append(" | ")
                    .append(ms(timed(ts, t -> t.metrics().int8().sizeBytes()), 0)).append(" | ")
                    .append(ms(timed(ts, t -> 100 * t.metrics().int8().accuracyDrop()), 2)).append(" | ")
                    .append(ms(timed(ts, t -> t.latency().model().b1Ms()), 3)).append(" | ")
                    .append(ms(timed(ts, t -> t.latency().model().b64Ms()), 3)).append(" | ")
                    .append(network.equals("dense") ? "reference | reference |\n"
                            : ms(timed(ts, t -> t.latency().speedupB1()), 2) + "x | "
                            + ms(timed(ts, t -> t.latency().speedupB64()), 2) + "x |\n");
        }
    }

    /** Test accuracy over compression, one series per method (mean over seeds at each ratio, ± one std). */
    byte[] chart(Arch a) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        YIntervalSeries dense = new YIntervalSeries("dense");
        double[] denseAcc = basesOf(a).stream().mapToDouble(b -> b.metrics().accuracy()).toArray();
        dense.add(1, mean(denseAcc), mean(denseAcc) - std(denseAcc), mean(denseAcc) + std(denseAcc));
        data.addSeries(dense);
        for (Method m : a.methods()) {
            YIntervalSeries s = new YIntervalSeries(m.name() + (m.role() == Role.METHOD ? "" : " (control)"));
            for (double r : m.ratios()) {
                List<Result> ok = of(a).stream().filter(x -> x.ok() && x.method().equals(m.name()) && x.ratio() == r).toList();
                if (!ok.isEmpty()) {
                    double[] acc = values(ok, x -> x.num(Metrics::accuracy));
                    s.add(mean(values(ok, x -> x.num(Metrics::compression))), mean(acc), mean(acc) - std(acc), mean(acc) + std(acc));
                }
            }
            data.addSeries(s);
        }
        NumberAxis y = new NumberAxis("test accuracy");
        y.setAutoRangeIncludesZero(false);
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setDefaultLinesVisible(true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            Method m = i == 0 ? null : a.methods().get(i - 1);
            if (m != null && m.role() != Role.METHOD) {
                renderer.setSeriesStroke(i, new BasicStroke(1.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                        new float[] {5f, 4f}, 0f));
            }
        }
        return Report.png(a.title() + ": test accuracy versus compression (Fashion-MNIST)",
                new XYPlot(data, Report.compressionAxis(), y, renderer), 1000, 600);
    }

    // ---- numbers ----

    private static double[] values(List<Result> rs, ToDoubleFunction<Result> f) {
        return rs.stream().mapToDouble(f).toArray();
    }

    private static double[] timed(List<Timed> ts, ToDoubleFunction<Timed> f) {
        return ts.stream().mapToDouble(f).toArray();
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    /** Sample standard deviation; 0 for fewer than two values. */
    static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    /** "mean ± std" (just the mean for one value; "-" for none). */
    static String ms(double[] v, int decimals) {
        if (v.length == 0) {
            return "-";
        }
        return v.length == 1 ? fmt(v[0], decimals) : fmt(mean(v), decimals) + " ± " + fmt(std(v), decimals);
    }

    private static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String signed(double v, int decimals) {
        return String.format(Locale.ROOT, "%+." + decimals + "f", v);
    }

    /** This machine as the report states it: cores, CPU model, memory, Java, OS. */
    static final class Machine {

        private Machine() {
        }

        static String describe() {
            String cpu = firstValue("/proc/cpuinfo", "model name").orElse("unknown CPU");
            String memory = firstValue("/proc/meminfo", "MemTotal")
                    .map(v -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(v.replaceAll("[^0-9]", "")) / 1048576.0))
                    .orElse("unknown memory");
            return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memory + ", Java "
                    + System.getProperty("java.version") + ", " + System.getProperty("os.name") + " "
                    + System.getProperty("os.version");
        }

        private static Optional<String> firstValue(String file, String key) {
            try {
                return Files.readAllLines(Path.of(file)).stream().filter(l -> l.startsWith(key))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
    }
}
