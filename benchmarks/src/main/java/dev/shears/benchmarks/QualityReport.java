package dev.shears.benchmarks;

import dev.shears.jobs.result.Selection;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.pruning.run.Metrics;
import dev.shears.benchmarks.QualityBench.Arch;
import dev.shears.benchmarks.QualityBench.Base;
import dev.shears.benchmarks.QualityBench.Method;
import dev.shears.benchmarks.QualityBench.Result;
import dev.shears.benchmarks.QualityBench.Role;
import dev.shears.benchmarks.QualityBench.Timed;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The quality benchmark's figures: per method, tolerance and seed, the candidate chosen on
 * validation (the most compressed one whose validation accuracy is within the tolerance of the
 * dense model's, with {@link QualityBench#CONFIDENCE}) or none; its test drop and compression as mean
 * and standard deviation over the seeds that had one; the goals, met only when they hold on every
 * seed; sizes and latency; charts. Written as one section of BENCHMARKS.md, replaced between its markers on every run, and
 * PNG files beside it.
 */
final class QualityReport {

    static final String MARKDOWN = "BENCHMARKS.md";
    static final String CHART_PREFIX = "bench-quality-";

    /** Where a record goes in BENCHMARKS.md: between its markers, under its heading; each mode has its own. */
    record Section(String key, String heading, String detail) {

        String begin() {
            return "<!-- " + key + ": begin -->";
        }

        String end() {
            return "<!-- " + key + ": end -->";
        }
    }

    /** The record of the MLP and LeNet-5 ({@code --mode full}, and quick runs). */
    static final Section MAIN = new Section("bench quality", "Pruning quality against published results", "quality.md");
    /** The record of ResNet-8 ({@code --mode residual}). */
    static final Section RESIDUAL = new Section("bench quality residual", "Pruning quality of a residual network",
            "quality-residual.md");
    /** The folder, beside BENCHMARKS.md, of the full records and their charts. */
    static final String DETAIL_DIR = "benchmarks";
    /** The name of the row that chooses among a network's Shears methods. */
    static final String BEST = "best";
    private static final double EPS = 1e-9;

    /** A goal with what was measured and by how much it was met or missed. */
    record Goal(String goal, String measured, boolean met, String margin) {
    }

    /** One seed's choice: the chosen result, or null when none was within the tolerance. */
    record Pick(Base base, Result result, boolean atCeiling) {

        boolean found() {
            return result != null;
        }
    }

    /**
     * One method's choice at one tolerance, per seed. Its figures are over the seeds that had a
     * candidate within the tolerance only: counting the others as the dense model would put
     * figures in the mean that no pruned network reached.
     */
    record Choice(String arch, String method, double tolerance, List<Pick> picks) {

        List<Pick> found() {
            return picks.stream().filter(Pick::found).toList();
        }

        double[] values(ToDoubleFunction<Result> f) {
            return found().stream().mapToDouble(p -> f.applyAsDouble(p.result())).toArray();
        }

        double[] compression() {
            return values(r -> r.num(Metrics::compression));
        }

        double[] testDrop() {
            return values(r -> 100 * r.num(Metrics::accuracyDrop));
        }

        double[] validationDrop() {
            return found().stream().mapToDouble(p -> 100 * (p.base().metrics().valAccuracy()
                    - p.result().num(Metrics::valAccuracy))).toArray();
        }

        /** "2 of 3 seeds": how many seeds the figures are over. */
        String count() {
            return seeds(found().size(), picks.size());
        }

        /** Each seed's choice: its ratio (and method, for {@code best}), "(ceiling)" when at the grid's ceiling, or none. */
        String perSeed() {
            return picks.stream().map(p -> !p.found() ? "none"
                    : (method.equals(BEST) ? p.result().method() + " " : "") + fmt(p.result().ratio(), 3)
                    + (p.atCeiling() ? " (ceiling)" : "")).collect(Collectors.joining(", "));
        }
    }

    /**
     * A figure a goal bounds, as its text names it: {@code name value unit}, at least or at most
     * {@code limit}.
     */
    record Bound(String name, String unit, int decimals, boolean atLeast, double limit) {

        boolean holds(double v) {
            return atLeast ? v >= limit - EPS : v <= limit + EPS;
        }

        double margin(double v) {
            return atLeast ? v - limit : limit - v;
        }

        String text(double v) {
            return Double.isNaN(v) ? name + " not measured" : name + " " + fmt(v, decimals) + unit;
        }

        /** The unit of a margin: a difference of percentages is in points. */
        String marginUnit() {
            return unit.equals("%") ? " points" : unit;
        }
    }

    private final Section where;
    private final List<Arch> archs;
    private final List<Base> bases;
    private final List<Result> results;
    private final List<Timed> timings;
    private final double[] tolerances;
    private final double seconds;

    /** @param seconds the run's wall time */
    QualityReport(Section where, List<Arch> archs, List<Base> bases, List<Result> results, List<Timed> timings,
                  double[] tolerances, double seconds) {
        this.where = where;
        this.seconds = seconds;
        this.archs = archs;
        this.bases = bases;
        this.results = results;
        this.timings = timings;
        this.tolerances = tolerances;
    }

    List<Arch> archs() {
        return archs;
    }

    Section where() {
        return where;
    }

    List<Result> results() {
        return results;
    }

    List<Base> bases() {
        return bases;
    }

    // ---- choosing ----

    /**
     * The most compressed successful result of {@code methods} whose validation accuracy is at most
     * {@code tolerance} points below the dense model's with {@link QualityBench#CONFIDENCE} ({@code results} of one
     * network and seed).
     */
    static Optional<Result> choose(List<Result> results, List<String> methods, Base base, double tolerance) {
        return Selection.best(within(results, methods, base, tolerance, r -> r.num(Metrics::valAccuracy),
                        r -> r.num(Metrics::valAccuracyDropSe)).toList(),
                r -> new Selection.Score(r.method() + "@" + r.ratio(), true, r.num(Metrics::valAccuracy),
                        r.num(Metrics::compression)));
    }

    /**
     * As {@link #choose}, on the int8 copies: the smallest compact file (int8 values, relative indices; the
     * int8 copy is what it reads back as) whose int8 validation accuracy is within.
     */
    static Optional<Result> chooseInt8(List<Result> results, List<String> methods, Base base, double tolerance) {
        return within(results.stream().filter(r -> r.int8() != null).toList(), methods, base, tolerance,
                r -> r.int8().accuracy(), r -> r.int8().dropSe())
                .min(Comparator.comparingDouble(r -> r.num(Metrics::sizeCompactBytes)));
    }

    /**
     * The successful results of the methods and the base's seed whose {@code validation} accuracy is within the
     * tolerance, its drop's standard error {@code dropSe} allowed for.
     */
    private static Stream<Result> within(List<Result> results, List<String> methods, Base base, double tolerance,
                                         ToDoubleFunction<Result> validation, ToDoubleFunction<Result> dropSe) {
        double baseValidation = base.metrics().valAccuracy();
        Tolerance rule = new Tolerance(tolerance / 100, QualityBench.CONFIDENCE);
        return results.stream()
                .filter(r -> r.ok() && methods.contains(r.method()) && r.seed() == base.seed())
                .filter(r -> rule.admits(baseValidation - validation.applyAsDouble(r), dropSe.applyAsDouble(r)));
    }

    private List<Base> basesOf(Arch arch) {
        return bases.stream().filter(b -> b.arch() == arch).toList();
    }

    Choice choice(Arch arch, String method, double tolerance) {
        List<String> methods = method.equals(BEST) ? arch.best() : List.of(method);
        List<Pick> picks = new ArrayList<>();
        for (Base b : basesOf(arch)) {
            Result r = choose(of(arch), methods, b, tolerance).orElse(null);
            picks.add(new Pick(b, r, r != null && atCeiling(r, of(arch))));
        }
        return new Choice(arch.name(), method, tolerance, picks);
    }

    /**
     * Whether {@code chosen} is at its grid's ceiling: no larger ratio of its method was measured on
     * its seed, so a more compressed candidate might have been within the tolerance too.
     */
    static boolean atCeiling(Result chosen, List<Result> results) {
        return results.stream().noneMatch(r -> r.ok() && r.arch().equals(chosen.arch())
                && r.method().equals(chosen.method()) && r.seed() == chosen.seed() && r.ratio() > chosen.ratio());
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
            goals.add(denseGoal(mlp, 89));
            goals.add(compressionGoal(mlp, 0.5, 12));
            goals.add(compressionGoal(mlp, 1.0, 20));
            goals.add(diskGoal(mlp));
            goals.add(structuralGoal(mlp, true));
            controlsGoal(mlp).ifPresent(goals::add);
        });
        arch("cnn").ifPresent(cnn -> {
            goals.add(denseGoal(cnn, 90.5));
            goals.add(compressionGoal(cnn, 1.0, 10));
            goals.add(structuralGoal(cnn, true));
            controlsGoal(cnn).ifPresent(goals::add);
        });
        arch("resnet").ifPresent(resnet -> {
            goals.add(denseGoal(resnet, 92));
            goals.add(structuralGoal(resnet, false));
            controlsGoal(resnet).ifPresent(goals::add);
        });
        Bound minutes = new Bound("wall time", " min", 1, false, 60);
        goals.add(new Goal("the run under 60 minutes on this machine", minutes.text(seconds / 60), minutes.holds(seconds / 60),
                signed(minutes.margin(seconds / 60), 1) + " min"));
        return goals;
    }

    private Goal denseGoal(Arch arch, double target) {
        return perSeed(String.format(Locale.ROOT, "dense %s test accuracy >= %s%%", arch.name().toUpperCase(Locale.ROOT),
                        fmt(target, target == Math.rint(target) ? 0 : 1)),
                basesOf(arch).stream().map(b -> new Seed(b.seed(), new double[] {100 * b.metrics().accuracy()}, "")).toList(),
                new Bound("test accuracy", "%", 2, true, target));
    }

    /** One seed's figures for a goal, in the order of its bounds; null when the seed had no candidate within. */
    private record Seed(long seed, double[] values, String note) {
    }

    private Goal compressionGoal(Arch arch, double tolerance, double target) {
        List<Seed> seeds = choice(arch, BEST, tolerance).picks().stream().map(p -> new Seed(p.base().seed(),
                p.found() ? new double[] {p.result().num(Metrics::compression), 100 * p.result().num(Metrics::accuracyDrop)}
                        : null, p.atCeiling() ? " (at the grid's ceiling)" : "")).toList();
        return perSeed(String.format(Locale.ROOT, "%s >= %.0fx at <= %.1f point (best method, chosen on validation)",
                        arch.name().toUpperCase(Locale.ROOT), target, tolerance), seeds,
                new Bound("compression", "x", 1, true, target), new Bound("test drop", " points", 2, false, tolerance));
    }

    private Goal diskGoal(Arch arch) {
        List<Seed> seeds = new ArrayList<>();
        for (Base b : basesOf(arch)) {
            Optional<Result> r = chooseInt8(of(arch), arch.best(), b, 1.0);
            seeds.add(new Seed(b.seed(), r.map(x -> new double[] {
                    b.metrics().sizeDenseBytes() / x.num(Metrics::sizeCompactBytes),
                    100 * x.num(m -> m.int8().accuracyDrop())}).orElse(null), ""));
        }
        return perSeed(arch.name().toUpperCase(Locale.ROOT)
                        + " >= 40x smaller on disk at <= 1.0 point (pruning + int8 + relative indices)",
                seeds, new Bound("smaller than float32 dense", "x", 1, true, 40),
                new Bound("int8 test drop", " points", 2, false, 1.0));
    }

    /**
     * Multiply-adds, speed-up and drop over the same seeds: those with a structural candidate within
     * 1.0 point, each timed against its own dense model; the speed-up bounds the goal when {@code timed}.
     */
    private Goal structuralGoal(Arch arch, boolean timed) {
        List<Seed> seeds = new ArrayList<>();
        for (Pick p : choice(arch, arch.structural(), 1.0).picks()) {
            double speedup = timings.stream().filter(t -> p.found() && t.arch().equals(arch.name())
                            && t.seed() == p.base().seed() && t.network().equals("shrunk")
                            && t.method().equals(p.result().method()) && t.ratio() == p.result().ratio())
                    .mapToDouble(t -> t.latency().speedupB64()).findFirst().orElse(Double.NaN);
            double macs = p.found() ? p.result().num(Metrics::flopsReduction) : Double.NaN;
            double drop = p.found() ? 100 * p.result().num(Metrics::accuracyDrop) : Double.NaN;
            seeds.add(new Seed(p.base().seed(), !p.found() ? null : timed ? new double[] {macs, speedup, drop}
                    : new double[] {macs, drop}, (p.atCeiling() ? " (at the grid's ceiling)" : "")
                    + (timed || Double.isNaN(speedup) ? "" : String.format(Locale.ROOT, ", speed-up at batch 64 %.2fx", speedup))));
        }
        Bound macs = new Bound("fewer multiply-adds", "x", 2, true, 2);
        Bound drop = new Bound("test drop", " points", 2, false, 1.0);
        String goal = arch.name().toUpperCase(Locale.ROOT) + " structural (" + arch.structural()
                + "): >= 2x fewer multiply-adds at <= 1.0 point";
        return timed ? perSeed(goal + ", >= 1.5x faster at batch 64", seeds, macs,
                new Bound("speed-up at batch 64", "x", 2, true, 1.5), drop) : perSeed(goal, seeds, macs, drop);
    }

    /**
     * The structural method against its random and from-scratch controls at the same shapes, so the same
     * multiply-adds: at the largest ratio all of them measured on every seed, met when its mean test accuracy is
     * above each control's by more than the larger of their standard deviations over the seeds (above, with one seed).
     */
    private Optional<Goal> controlsGoal(Arch arch) {
        String method = arch.structural();
        List<String> controls = Stream.of(method + "-random", method + "-scratch")
                .filter(c -> arch.methods().stream().anyMatch(m -> m.name().equals(c))).toList();
        if (controls.isEmpty()) {
            return Optional.empty();
        }
        String goal = arch.name().toUpperCase(Locale.ROOT) + " " + method + " above " + String.join(" and ", controls)
                + " at the same multiply-adds, by more than the seeds' std";
        int seedCount = basesOf(arch).size();
        List<String> all = Stream.concat(Stream.of(method), controls.stream()).toList();
        OptionalDouble at = of(arch).stream().filter(r -> r.method().equals(method)).mapToDouble(Result::ratio).distinct()
                .filter(ratio -> all.stream().allMatch(n -> accuracies(arch, n, ratio).length == seedCount)).max();
        if (at.isEmpty()) {
            return Optional.of(new Goal(goal, "no ratio measured on every seed by all of them", false, "-"));
        }
        double ratio = at.getAsDouble();
        double[] mine = accuracies(arch, method, ratio);
        double[] macs = values(of(arch).stream().filter(r -> r.ok() && r.method().equals(method) && r.ratio() == ratio)
                .toList(), r -> r.num(Metrics::flopsReduction));
        boolean met = true;
        double smallest = Double.POSITIVE_INFINITY;
        List<String> against = new ArrayList<>();
        for (String c : controls) {
            double[] theirs = accuracies(arch, c, ratio);
            double gap = mean(mine) - mean(theirs);
            double spread = Math.max(std(mine), std(theirs));
            met &= gap > spread;
            smallest = Math.min(smallest, gap - spread);
            against.add(c + " " + ms(theirs, 2) + "% (" + signed(gap, 2) + " points, std " + fmt(spread, 2) + ")");
        }
        return Optional.of(new Goal(goal, method + " " + ms(mine, 2) + "% at ratio " + fmt(ratio, 3) + " ("
                + times(macs, 2) + " fewer multiply-adds, " + seeds(mine.length, seedCount) + "); " + String.join("; ", against),
                met, "smallest gap over std: " + signed(smallest, 2) + " points"));
    }

    /** The test accuracies in % of a method's successful results at a ratio, one per seed that has one. */
    private double[] accuracies(Arch arch, String method, double ratio) {
        return values(of(arch).stream().filter(r -> r.ok() && r.method().equals(method) && r.ratio() == ratio).toList(),
                r -> 100 * r.num(Metrics::accuracy));
    }

    /**
     * A goal met only when every bound holds on every seed: a mean can pass while a seed misses.
     * Measured: each figure's mean ± std over the seeds that had a candidate (and how many), then
     * every seed's figures; margin: the smallest margin of each figure over those seeds.
     */
    private static Goal perSeed(String goal, List<Seed> seeds, Bound... bounds) {
        List<Seed> found = seeds.stream().filter(s -> s.values() != null).toList();
        boolean met = !seeds.isEmpty() && found.size() == seeds.size() && found.stream()
                .allMatch(s -> IntStream.range(0, bounds.length).allMatch(i -> bounds[i].holds(s.values()[i])));
        List<String> means = new ArrayList<>();
        List<String> margins = new ArrayList<>();
        for (int i = 0; i < bounds.length; i++) {
            int at = i;
            double[] v = found.stream().mapToDouble(s -> s.values()[at]).filter(x -> !Double.isNaN(x)).toArray();
            means.add(bounds[i].name() + " " + ms(v, bounds[i].decimals()) + (v.length > 0 ? bounds[i].unit() : ""));
            double worst = Arrays.stream(v).map(bounds[at]::margin).min().orElse(Double.NaN);
            margins.add(bounds[i].name() + " " + (Double.isNaN(worst) ? "-" : signed(worst, bounds[i].decimals())
                    + bounds[i].marginUnit()));
        }
        String perSeed = seeds.stream().map(s -> "seed " + s.seed() + ": " + (s.values() == null ? "none within"
                : IntStream.range(0, bounds.length).mapToObj(i -> bounds[i].text(s.values()[i]))
                .collect(Collectors.joining(", ")) + s.note())).collect(Collectors.joining("; "));
        String missing = seeds.stream().filter(s -> s.values() == null).map(s -> String.valueOf(s.seed()))
                .collect(Collectors.joining(", "));
        String count = " (" + seeds(found.size(), seeds.size()) + ")";
        if (found.isEmpty()) {
            return new Goal(goal, "none within" + count, false, "no candidate on seed(s) " + missing);
        }
        return new Goal(goal, String.join(", ", means) + count + "; " + perSeed, met,
                (missing.isEmpty() ? "" : "no candidate on seed(s) " + missing + "; ") + "smallest over seeds: "
                        + String.join(", ", margins));
    }

    /** "1 of 3 seeds", "1 of 1 seed". */
    static String seeds(int found, int of) {
        return found + " of " + of + (of == 1 ? " seed" : " seeds");
    }

    void printGoals(PrintStream out) {
        out.println("goals (each met only when it holds on every seed):");
        for (Goal g : goals()) {
            out.printf(Locale.ROOT, "  %-7s %s: %s (%s)%n", g.met() ? "MET" : "NOT MET", g.goal(), g.measured(), g.margin());
        }
    }

    // ---- writing ----

    /**
     * Writes the full record (methods, every candidate, deployment, charts) to its own file under
     * {@link #DETAIL_DIR}, and the goals with a link to it as the section of BENCHMARKS.md, which stays short.
     */
    void write(Path dir, String command, Map<String, Object> settings) throws IOException {
        Path details = dir.resolve(DETAIL_DIR);
        Files.createDirectories(details);
        for (Arch a : archs) {
            Files.write(details.resolve(CHART_PREFIX + a.name() + ".png"), chart(a));
        }
        Files.writeString(details.resolve(where.detail()), record(command, settings));
        Path file = dir.resolve(MARKDOWN);
        String section = where.begin() + "\n" + summary(command) + where.end() + "\n";
        String before = Files.exists(file) ? Files.readString(file) : "";
        Files.writeString(file, replaceSection(before, where, section));
    }

    /** The text with its section (markers included) replaced, or the section appended when it has none. */
    static String replaceSection(String text, Section where, String section) {
        int from = text.indexOf(where.begin());
        int to = text.indexOf(where.end());
        if (from >= 0 && to > from) {
            int after = to + where.end().length();
            if (after < text.length() && text.charAt(after) == '\n') {
                after++;
            }
            return text.substring(0, from) + section + text.substring(after);
        }
        return text.isEmpty() ? section : text + (text.endsWith("\n") ? "\n" : "\n\n") + section;
    }

    /** The section of BENCHMARKS.md: when and how the record was made, its goals, and where the rest is. */
    String summary(String command) {
        StringBuilder md = new StringBuilder();
        md.append("## ").append(where.heading()).append("\n\n");
        header(md, command);
        md.append("Methods, every candidate, sizes, latency and charts: [").append(DETAIL_DIR).append("/")
                .append(where.detail()).append("](").append(DETAIL_DIR).append("/").append(where.detail()).append(").\n\n");
        goalTable(md);
        md.append("\n");
        return md.toString();
    }

    private void header(StringBuilder md, String command) {
        md.append("Command: `").append(command.trim()).append("`  \n");
        md.append("Date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
                .append(". Machine: ").append(Machine.describe()).append(". Wall time: ")
                .append(String.format(Locale.ROOT, "%.0f s (%.1f min)", seconds, seconds / 60)).append(".  \n");
    }

    private void goalTable(StringBuilder md) {
        md.append("| goal | measured | met | margin |\n|---|---|---|---|\n");
        for (Goal g : goals()) {
            md.append("| ").append(g.goal()).append(" | ").append(g.measured()).append(" | ")
                    .append(g.met() ? "**met**" : "**not met**").append(" | ").append(g.margin()).append(" |\n");
        }
    }

    /** The full record: settings, how choices are made, goals, and each network's methods, candidates and deployment. */
    String record(String command, Map<String, Object> settings) {
        StringBuilder md = new StringBuilder();
        md.append("# ").append(where.heading()).append("\n\n");
        header(md, command);
        md.append("Settings: ").append(settings.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining("; "))).append(".\n\n");
        md.append("Data: Fashion-MNIST (Debian package `dataset-fashion-mnist`). Every seed draws its own validation rows from "
                + "the training rows and initialises its networks; the test rows are never used for a choice. ");
        md.append("For each method, tolerance and seed the candidate is the most compressed one whose **validation** "
                + "accuracy is within the tolerance of the dense model's with " + fmt(QualityBench.CONFIDENCE, 2)
                + " one-sided confidence (its drop plus " + fmt(new Tolerance(0, QualityBench.CONFIDENCE).z(), 2)
                + " standard errors of the drop, paired on the validation rows, within the tolerance), or none; the "
                + "table gives the chosen candidates' "
                + "**test** drop and compression as mean ± standard deviation over the seeds that had one (their count "
                + "beside it; no ± with one seed), and each seed's choice. `(ceiling)` marks a choice at the grid's "
                + "ceiling, the largest ratio measured for its method and seed: a larger ratio might have been within "
                + "too. When a method's choice at " + fmt(QualityBench.loosest(tolerances), 1) + " point is there, the "
                + "method runs on that seed at further ratios, each half way from the last to "
                + fmt(QualityBench.WEIGHT_LIMIT, 2) + " (weights) or " + fmt(QualityBench.STRUCTURE_LIMIT, 1)
                + " (neurons, filters, channels), straight to the limit when half way is less than 0.01 further, until "
                + "its choice is below the largest ratio tried, the limit is reached or the time limit has passed; the "
                + "retraining controls stay at their grid. A goal is met only when it holds on every seed; its margin "
                + "is each figure's smallest distance to its bound over the seeds (positive: on the right side). "
                + "Compression = dense parameters / non-zero parameters (weights and biases). `best` chooses among the "
                + "Shears methods marked so, per seed. Drops are in points.\n\n");
        md.append("## Goals\n\n");
        goalTable(md);
        for (Arch a : archs) {
            archSection(md, a);
        }
        md.append("\n");
        return md.toString();
    }

    private void archSection(StringBuilder md, Arch a) {
        List<Base> bs = basesOf(a);
        Base first = bs.get(0);
        md.append("\n## ").append(a.title()).append("\n\n");
        md.append(String.format(Locale.ROOT, "Rows: %d training, %d validation, %d test. Dense model: %d parameters, "
                        + "Adam 1e-3 decayed epoch by epoch along a half cosine, batch 128, %d epochs%s, with the best validation "
                        + "epoch kept (epochs kept: %s); "
                        + "test accuracy %s%%, validation %s%%.%n%n",
                first.data().train().size(), first.data().validation().size(), first.data().test().size(),
                (long) first.metrics().paramsTotal(), a.epochs(), a.augment().on() ? ", " + a.augment().describe() : "",
                bs.stream().map(b -> String.valueOf(b.training().epoch())).collect(Collectors.joining(", ")),
                ms(bs.stream().mapToDouble(b -> 100 * b.metrics().accuracy()).toArray(), 2),
                ms(bs.stream().mapToDouble(b -> 100 * b.metrics().valAccuracy()).toArray(), 2)));
        md.append("Methods (").append(a.best().stream().map(m -> "`" + m + "`").collect(Collectors.joining(", ")))
                .append(" are the ones `best` chooses among):\n\n");
        for (Method m : a.methods()) {
            List<Double> beyond = ratios(a, m).stream().filter(r -> !m.ratios().contains(r)).toList();
            md.append("- `").append(m.name()).append("`: ").append(m.description()).append("; ratios ")
                    .append(m.ratios()).append(beyond.isEmpty() ? "" : ", beyond the grid on some seeds " + beyond)
                    .append("\n");
        }
        md.append("\n| method | tolerance | compression | test drop | validation drop | multiply-adds reduction | chosen ratio per seed "
                + "| fine-tuning epochs |\n|---|---|---|---|---|---|---|---|\n");
        List<String> rows = new ArrayList<>();
        rows.add(BEST);
        a.methods().forEach(m -> rows.add(m.name()));
        for (String method : rows) {
            for (double tol : tolerances) {
                md.append(row(a, method, tol)).append("\n");
            }
        }
        md.append("\nEvery candidate (test and validation accuracy in %, mean ± std over seeds):\n\n"
                + "| method | ratio | compression | test accuracy | validation accuracy | int8 test accuracy | measured on |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Method m : a.methods()) {
            for (double r : ratios(a, m)) {
                List<Result> rs = of(a).stream().filter(x -> x.method().equals(m.name()) && x.ratio() == r).toList();
                List<Result> ok = rs.stream().filter(Result::ok).toList();
                md.append("| ").append(m.name()).append(" | ").append(fmt(r, 3)).append(" | ")
                        .append(times(values(ok, x -> x.num(Metrics::compression)), 1)).append(" | ")
                        .append(ms(values(ok, x -> 100 * x.num(Metrics::accuracy)), 2)).append(" | ")
                        .append(ms(values(ok, x -> 100 * x.num(Metrics::valAccuracy)), 2)).append(" | ")
                        .append(ms(values(ok, x -> 100 * x.num(f -> f.int8().accuracy())), 2)).append(" | ")
                        .append(seeds(ok.size(), bs.size())).append(notOk(rs)).append(" |\n");
            }
        }
        deployment(md, a);
        md.append("\n![").append(a.title()).append(": test accuracy versus compression](").append(CHART_PREFIX)
                .append(a.name()).append(".png)\n");
    }

    /** The results that are not OK, and why: "", or " (1 SKIPPED)" and so on. */
    private static String notOk(List<Result> rs) {
        Map<String, Long> by = rs.stream().filter(r -> !r.ok())
                .collect(Collectors.groupingBy(Result::status, java.util.TreeMap::new, Collectors.counting()));
        return by.isEmpty() ? "" : by.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", ", " (", ")"));
    }

    /** The ratios a method ran at on some seed: its grid and those beyond it, ascending. */
    private List<Double> ratios(Arch a, Method m) {
        return Stream.concat(m.ratios().stream(),
                of(a).stream().filter(r -> r.method().equals(m.name())).map(Result::ratio)).distinct().sorted().toList();
    }

    /**
     * A row of a network's table: the method's compression with the number of seeds it is over
     * ("none within" when no seed had a candidate), drops, multiply-adds and each seed's choice.
     */
    String row(Arch a, String method, double tolerance) {
        Choice c = choice(a, method, tolerance);
        boolean none = c.found().isEmpty();
        return "| " + (method.equals(BEST) ? "**best**" : method) + " | " + fmt(tolerance, 1) + " | "
                + (none ? "none within" : ms(c.compression(), 1) + "x") + " (" + c.count() + ") | "
                + ms(c.testDrop(), 2) + " | " + ms(c.validationDrop(), 2) + " | "
                + times(c.values(r -> r.num(Metrics::flopsReduction)), 2) + " | " + c.perSeed() + " | "
                + epochs(a, c) + " |";
    }

    /**
     * The fine-tuning epochs behind a choice (training epochs for the retraining controls), so that methods are
     * compared knowing their budgets; {@code best}'s are those of the methods it chose, per seed.
     */
    private static String epochs(Arch a, Choice c) {
        if (!c.method().equals(BEST)) {
            return String.valueOf(epochs(a, c.method()));
        }
        String chosen = c.found().stream().map(p -> String.valueOf(epochs(a, p.result().method())))
                .collect(Collectors.joining(", "));
        return chosen.isEmpty() ? "-" : chosen;
    }

    private static int epochs(Arch a, String method) {
        Method m = a.methods().stream().filter(x -> x.name().equals(method)).findFirst().orElseThrow();
        return m.plan() == null ? a.epochs() : m.plan().at(0.5, 0).epochs();
    }

    /** Sizes, multiply-adds and latency of the dense model and the networks chosen at 1.0 point. */
    private void deployment(StringBuilder md, Arch a) {
        md.append("\nDeployment, at <= 1.0 point (chosen on validation): the dense model, the `best` weight-pruned network "
                + "kept at full size with zeros (masked) and the `").append(a.structural())
                .append("` network shrunk to its smaller shape. Bytes: float32 dense, sparse (presence bitmap + float32 "
                        + "non-zeros), compact (int8 values with a per-layer scale, byte gaps between non-zeros, deflated). Latency: median forward pass on one thread, dense "
                        + "and pruned timed in alternating rounds; speed-up = dense time / pruned time from the same rounds.\n\n"
                        + "| network | method, ratio per seed | test accuracy | non-zero params | multiply-adds | bytes dense | "
                        + "bytes sparse | bytes compact | int8 test drop | batch 1 ms | batch 64 ms | speed-up b1 | speed-up b64 |\n"
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
                    .append(ms(timed(ts, t -> t.metrics().sizeCompactBytes()), 0)).append(" | ")
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
            for (double r : ratios(a, m)) {
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
        return png(a.title() + ": test accuracy versus compression (Fashion-MNIST)",
                new XYPlot(data, compressionAxis(), y, renderer), 1000, 600);
    }

    /** A logarithmic compression axis, labelled with plain numbers (1, 2, 5, 10, ...) rather than powers of ten. */
    private static LogAxis compressionAxis() {
        LogAxis x = new LogAxis("compression (base parameters / non-zero parameters)");
        x.setSmallestValue(0.5);
        x.setStandardTickUnits(NumberAxis.createStandardTickUnits());
        x.setNumberFormatOverride(new DecimalFormat("0.#"));
        return x;
    }

    /** The plot as a PNG on white, with a title and a legend: a chart the markdown record links. */
    private static byte[] png(String title, XYPlot plot, int width, int height) {
        System.setProperty("java.awt.headless", "true");
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(out, chart, width, height);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot render the chart", e);
        }
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

    /** A factor: "mean ± std" followed by x, or "-" for none. */
    private static String times(double[] v, int decimals) {
        return v.length == 0 ? "-" : ms(v, decimals) + "x";
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
