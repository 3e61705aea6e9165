package dev.shears.jobs.result;

import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.Metrics;
import dev.shears.search.TrialStatus;
import java.util.Map;

/**
 * One trial's result, built once when its outcome arrives; the base model is the trial with no plan.
 *
 * @param strategy the strategy that proposed it (null for the base)
 * @param plan     what was run (null for the base)
 * @param epochs   fine-tuning epochs behind the model, its parents' included
 * @param cached   served from the trial cache rather than computed by this run
 * @param fidelity the epochs the strategy allowed the trial
 * @param parent   the candidate whose pruned model it started from, or null
 */
public record Trial(String candidate, String strategy, PruningPlan plan, CandidateOutcome outcome, int epochs,
                    boolean cached, int fidelity, String parent, Provenance provenance) {

    public static final String BASE = "base";

    /** The dense base model's row: every figure of the table has its reference beside it. */
    public static Trial base(Metrics measured, Provenance provenance) {
        return new Trial(BASE, null, null, new CandidateOutcome(TrialStatus.OK, null, measured, null, 0, null, null), 0,
                false, 0, null, provenance);
    }

    public boolean isBase() {
        return plan == null;
    }

    public TrialStatus status() {
        return outcome.status();
    }

    public boolean ok() {
        return outcome.ok();
    }

    /** The figures, or null when the trial was not measured. */
    public Metrics metrics() {
        return outcome.metrics();
    }

    /** The trial's accuracy drop from the base on the split. */
    public double drop(SelectionSplit split) {
        Metrics m = metrics();
        return m == null ? Double.NaN : split == SelectionSplit.VALIDATION ? m.valAccuracyDrop() : m.accuracyDrop();
    }

    /** The standard error of {@link #drop}, paired on the split's rows. */
    public double dropStdError(SelectionSplit split) {
        Metrics m = metrics();
        return m == null ? Double.NaN
                : split == SelectionSplit.VALIDATION ? m.valAccuracyDropSe() : m.accuracyDropSe();
    }

    /** The trial's accuracy on the split. */
    public double accuracy(SelectionSplit split) {
        Metrics m = metrics();
        return m == null ? Double.NaN : split == SelectionSplit.VALIDATION ? m.valAccuracy() : m.accuracy();
    }

    /** The outcome's figures by column name: what strategies are told and constraints are checked on. */
    public Map<String, Double> figures() {
        return Columns.figures(outcome);
    }

    /** The latency, or null when it was not measured. */
    public Metrics.Latency latency() {
        return metrics() == null ? null : metrics().latency();
    }

    public double compression() {
        return metrics() == null ? Double.NaN : metrics().compression();
    }
}
