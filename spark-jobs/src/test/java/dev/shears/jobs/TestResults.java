package dev.shears.jobs;

import dev.shears.jobs.result.Trial;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.Metrics;
import dev.shears.search.TrialStatus;
import java.util.Map;

/** Results made up for tests: only the figures a test is about, the rest zero. */
public final class TestResults {

    private TestResults() {
    }

    public static Metrics metrics(double accuracy, double accuracyDrop, double valAccuracy, double valAccuracyDrop,
                                  double compression) {
        return metrics(accuracy, accuracyDrop, valAccuracy, valAccuracyDrop, 0, compression);
    }

    /** @param valDropSe the standard error of the validation drop (the test drop's is 0) */
    public static Metrics metrics(double accuracy, double accuracyDrop, double valAccuracy, double valAccuracyDrop,
                                  double valDropSe, double compression) {
        return new Metrics(0, 0, 100, Math.round(100 / compression), compression, accuracy, accuracyDrop, 0, 0.5,
                valAccuracy, valAccuracyDrop, valDropSe, 100, 1, 400, 400, 200, null, null, Map.of("0", 0.5));
    }

    public static CandidateOutcome ok(double accuracy, double compression, int epochs, byte[] model) {
        return new CandidateOutcome(TrialStatus.OK, null, metrics(accuracy, 0, accuracy, 0, compression),
                new CandidateOutcome.Run(false, 0.5, 1.0), epochs, model, null);
    }

    /** The same trial with this latency, as its measurement would report it. */
    public static Trial timed(Trial t, Metrics.Latency latency) {
        return new Trial(t.candidate(), t.strategy(), t.plan(), t.outcome().withMetrics(t.metrics().withLatency(latency)),
                t.epochs(), t.cached(), t.fidelity(), t.parent(), t.provenance());
    }

    /** A trial of a plan named by {@code id}, or the base when the id is {@code base}. */
    public static Trial trial(String id, TrialStatus status, double accuracy, double drop, double valAccuracy,
                              double valDrop, double compression) {
        Metrics m = status == TrialStatus.OK ? metrics(accuracy, drop, valAccuracy, valDrop, compression) : null;
        if (id.equals(Trial.BASE)) {
            return Trial.base(m, null);
        }
        CandidateOutcome o = m == null ? CandidateOutcome.unmeasured(status, "why", 1)
                : new CandidateOutcome(status, null, m, new CandidateOutcome.Run(false, 0.5, 1.0), 1, null, null);
        return new Trial(id, "grid", PruningPlan.magnitude(0.5, 1), o, 1, false, 1, null, null);
    }
}
