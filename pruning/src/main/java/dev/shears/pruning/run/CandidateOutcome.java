package dev.shears.pruning.run;

import dev.shears.search.TrialStatus;
import java.io.Serializable;

/**
 * What evaluating one candidate produced.
 *
 * @param error       why it failed, or null
 * @param metrics     the pruned network's figures, or null when it was not measured (failed, timed out,
 *                    or its parameters diverged)
 * @param run         how pruning went, or null with the metrics
 * @param epochsSpent fine-tuning epochs actually run
 * @param model       the pruned model's file bytes when asked for, else null
 * @param span        when the trial ran, by the clock where it ran; null until the engine records it, or when the
 *                    trial never ran (its task was lost)
 */
public record CandidateOutcome(TrialStatus status, String error, Metrics metrics, Run run, int epochsSpent,
                              byte[] model, Span span) implements Serializable {

    /**
     * @param shrunk          whether the model was rebuilt smaller (structural pruning)
     * @param finalRatio      the ratio the schedule ended at (the adaptive one moves it)
     * @param finetuneSeconds pruning and fine-tuning time
     */
    public record Run(boolean shrunk, double finalRatio, double finetuneSeconds) implements Serializable {
    }

    /**
     * A trial's start and end on the wall clock of the machine it ran on, in milliseconds since the epoch: busy
     * slot time, from which a search's slot utilisation is computed.
     */
    public record Span(long startMillis, long endMillis) implements Serializable {

        public double seconds() {
            return (endMillis - startMillis) / 1e3;
        }
    }

    public static CandidateOutcome failed(Throwable e, int epochsSpent) {
        String msg = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return unmeasured(TrialStatus.FAILED, msg.replace('\n', ' '), epochsSpent);
    }

    /** An outcome without figures: the trial failed, timed out or diverged before it could be measured. */
    public static CandidateOutcome unmeasured(TrialStatus status, String error, int epochsSpent) {
        return new CandidateOutcome(status, error, null, null, epochsSpent, null, null);
    }

    public boolean ok() {
        return status == TrialStatus.OK;
    }

    /** The same outcome with other figures. */
    public CandidateOutcome withMetrics(Metrics newMetrics) {
        return new CandidateOutcome(status, error, newMetrics, run, epochsSpent, model, span);
    }

    /** The same outcome with other model bytes (null drops them). */
    public CandidateOutcome withModel(byte[] newModel) {
        return new CandidateOutcome(status, error, metrics, run, epochsSpent, newModel, span);
    }

    /** The same outcome, run from {@code startMillis} to {@code endMillis}. */
    public CandidateOutcome ran(long startMillis, long endMillis) {
        return new CandidateOutcome(status, error, metrics, run, epochsSpent, model, new Span(startMillis, endMillis));
    }
}
