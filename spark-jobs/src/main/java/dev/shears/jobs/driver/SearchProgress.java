package dev.shears.jobs.driver;

import dev.shears.jobs.result.Ranking;
import dev.shears.jobs.result.Selection;
import dev.shears.jobs.result.SelectionSplit;
import dev.shears.jobs.result.Trial;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SearchSpec;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.search.Constraints;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Candidates done of total, the best within tolerance so far (on the selection split), and the time left:
 * a progress bar on a terminal; elsewhere (a log file, a scheduler, a pipe) one line per finished
 * candidate, since a bar's carriage-return frames would fill a log with overwritten lines.
 */
final class SearchProgress implements AutoCloseable {

    private final PrintStream out;
    private final ProgressBar bar;
    private final Tolerance tolerance;
    private final SelectionSplit split;
    private final Constraints constraints;
    private final long startNanos = System.nanoTime();
    private long total;
    private long done;
    private Selection.Score best;
    private int failed;
    private int cached;

    /**
     * Progress on standard error, up to the spec's budget (or its grid's size when smaller); none when
     * {@code console} is null. A bar only when the JVM has a terminal ({@link System#console()}).
     */
    SearchProgress(LoadedSpec spec, PrintStream console) {
        this(total(spec.spec(), spec.gridSize()), spec.spec().objective.tolerance(), spec.spec().objective.split(),
                spec.spec().objective.constraints(), console == null ? null : System.err, System.console() != null);
    }

    /** @param out where progress goes, or null for none */
    SearchProgress(long total, Tolerance tolerance, SelectionSplit split, Constraints constraints, PrintStream out,
                   boolean terminal) {
        this.total = total;
        this.tolerance = tolerance;
        this.split = split;
        this.constraints = constraints;
        this.out = out;
        this.bar = out == null || !terminal ? null : new ProgressBarBuilder()
                .setTaskName("candidates")
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(1000)
                .setConsumer(new ConsoleProgressBarConsumer(out))
                .showSpeed()
                .build();
    }

    private static long total(SearchSpec s, long grid) {
        return "grid".equals(s.search.strategy) && grid > 0 ? Math.min(grid, s.search.budget) : s.search.budget;
    }

    void record(Trial trial) {
        done++;
        // strategies such as halving run more trials than their initial budget
        total = Math.max(total, done);
        if (trial.cached()) {
            cached++;
        }
        if (trial.ok()) {
            Selection.Score score = Ranking.score(trial, tolerance, split, constraints);
            best = Selection.best(Stream.of(best, score).filter(Objects::nonNull).toList(), Function.identity())
                    .orElse(null);
        } else {
            failed++;
        }
        if (bar != null) {
            bar.maxHint(total);
            bar.step();
            bar.setExtraMessage(" " + status());
        } else if (out != null) {
            long elapsed = System.nanoTime() - startNanos;
            out.println(String.format(Locale.ROOT, "candidates %d/%d: %s; %s elapsed, about %s left", done, total,
                    status(), duration(elapsed), duration(elapsed / done * (total - done))));
        }
    }

    /** The best so far, and counts that explain the pace: cached results arrive at once. */
    private String status() {
        return (best == null ? "no candidate within tolerance yet"
                : String.format(Locale.ROOT, "best %s %.1fx at %s acc %.4f", best.id(), best.compression(),
                split == SelectionSplit.VALIDATION ? "val" : "test", best.accuracy()))
                + (failed > 0 ? ", " + failed + " failed" : "") + (cached > 0 ? ", " + cached + " from the cache" : "");
    }

    private static String duration(long nanos) {
        long s = Math.round(nanos / 1e9);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
