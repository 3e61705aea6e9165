package dev.shears.benchmarks;

import dev.shears.jobs.engine.TrialContext;
import dev.shears.jobs.engine.TrialRequest;
import dev.shears.jobs.engine.TrialWork;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.Metrics;
import dev.shears.search.TrialStatus;
import java.util.Map;

/**
 * A trial that trains nothing: it sleeps a fixed time and reports figures that follow from its ratio
 * (accuracy falling as sparsity rises), so that a search of such trials costs what the driver, the
 * strategy, the ledger and the engine cost, and nothing else.
 *
 * @param millis how long each trial sleeps
 */
record StubTrial(long millis) implements TrialWork {

    @Override
    public CandidateOutcome run(byte[] baseModel, TrialRequest request, TrialContext context) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CandidateOutcome.failed(e, 0);
        }
        PruningPlan plan = request.plan();
        double ratio = plan.ratio();
        long total = context.base().paramsTotal();
        long nonzero = Math.max(1, Math.round(total * (1 - ratio)));
        // a smooth accuracy curve: unchanged at low sparsity, falling fast near 1
        double drop = 0.2 * Math.pow(ratio, 8);
        double test = context.base().accuracy() - drop;
        double validation = context.base().validationAccuracy() - drop;
        Metrics metrics = new Metrics(ratio, ratio, total, nonzero, (double) total / nonzero, test, drop, Double.NaN,
                Double.NaN, validation, drop, Double.NaN, context.base().flops(), 1.0, 4 * total, 8 * nonzero,
                5 * nonzero, null, null, Map.of());
        return new CandidateOutcome(TrialStatus.OK, null, metrics,
                new CandidateOutcome.Run(false, ratio, millis / 1e3), plan.epochs(), null, null);
    }
}
