package dev.shears.jobs.driver;

import dev.shears.jobs.result.Ranking;
import dev.shears.jobs.result.Selection;
import dev.shears.jobs.result.SelectionSplit;
import dev.shears.jobs.result.Trial;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SearchSpec;
import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;

/** Candidates done of total, the best within tolerance so far (on the selection split), and the time left. */
final class SearchProgress implements AutoCloseable {

    private final ProgressBar bar;
    private final double maxAccuracyDrop;
    private final SelectionSplit split;
    private Selection.Score best;
    private int failed;
    private int cached;

    /** A bar up to the spec's budget, or its grid's size when smaller. */
    SearchProgress(LoadedSpec spec, PrintStream console) {
        SearchSpec s = spec.spec();
        long grid = spec.gridSize();
        long total = "grid".equals(s.search.strategy) && grid > 0 ? Math.min(grid, s.search.budget) : s.search.budget;
        this.maxAccuracyDrop = s.objective.maxAccuracyDrop;
        this.split = s.objective.split();
        this.bar = console == null ? null : new ProgressBarBuilder()
                .setTaskName("candidates")
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(1000)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .showSpeed()
                .build();
    }

    void record(Trial trial) {
        if (trial.cached()) {
            cached++;
        }
        if (trial.ok()) {
            Selection.Score score = Ranking.score(trial, Ranking.meets(trial, maxAccuracyDrop, split), split);
            if (score.within() && (best == null || Selection.ORDER.compare(score, best) < 0)) {
                best = score;
            }
        } else {
            failed++;
        }
        if (bar != null) {
            if (bar.getCurrent() >= bar.getMax()) {
                // strategies such as halving run more trials than their initial budget
                bar.maxHint(bar.getCurrent() + 1);
            }
            bar.step();
            // cached results arrive at once: saying how many explains a quick start and a long time left
            bar.setExtraMessage((best == null ? "no candidate within tolerance yet"
                    : String.format("best %.1fx at %s acc %.4f", best.compression(),
                    split == SelectionSplit.VALIDATION ? "val" : "test", best.accuracy()))
                    + (failed > 0 ? ", " + failed + " failed" : "") + (cached > 0 ? ", " + cached + " from the cache" : ""));
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
