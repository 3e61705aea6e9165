package dev.shears.pruning.run;

import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.metrics.ModelMetrics;
import dev.shears.pruning.model.ModelBytes;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.plan.PlanOptions;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.prune.MaskSet;
import dev.shears.pruning.schedule.PruningSchedule;
import dev.shears.pruning.schedule.PruningSession;
import dev.shears.pruning.schedule.Schedules;
import dev.shears.pruning.shrink.Shrinker;
import dev.shears.pruning.train.FineTuner;
import dev.shears.pruning.train.TrialDeadline;
import dev.shears.search.TrialStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates one candidate from a copy of a model: prune on the schedule, fine-tune with the mask
 * held, shrink structurally pruned models, measure (a shrunk model's latency beside the base's).
 * Plain Java: Spark tasks call this, and so do tests and the sequential baseline. Whatever goes
 * wrong becomes a FAILED outcome rather than an exception, so a search goes on.
 */
public final class CandidateRunner {

    private CandidateRunner() {
    }

    /**
     * {@link #run(byte[], byte[], boolean, DataSplits, PruningPlan, BaseReference, boolean)}
     * with the starting model as the base model.
     */
    public static CandidateOutcome run(byte[] modelBytes, boolean continuing, DataSplits data, PruningPlan plan,
                                       BaseReference base, boolean keepModel) {
        return run(modelBytes, null, continuing, data, plan, base, keepModel);
    }

    /**
     * @param modelBytes the model to start from: the base model, or a parent candidate's pruned model
     * @param baseBytes  the dense base model: what fine-tuning distils from when the plan's {@code distillAlpha}
     *                   is set, and what a physically smaller model is timed beside when {@code base} has a
     *                   latency; null uses the starting model, which is the base model only when not
     *                   {@code continuing} (a continuing trial then distils from its parent and is not timed)
     * @param continuing true when {@code modelBytes} is an already pruned parent whose zeros must stay
     * @param keepModel  return the pruned model's bytes (the shrunk model when it was shrunk)
     */
    public static CandidateOutcome run(byte[] modelBytes, byte[] baseBytes, boolean continuing, DataSplits data,
                                       PruningPlan plan, BaseReference base, boolean keepModel) {
        return run(modelBytes, baseBytes, continuing, data, plan, base, keepModel, FineTuner.LOCAL);
    }

    /** As above, fine-tuning with {@code tuner} (data-parallel, say) rather than in this JVM. */
    public static CandidateOutcome run(byte[] modelBytes, byte[] baseBytes, boolean continuing, DataSplits data,
                                       PruningPlan plan, BaseReference base, boolean keepModel, FineTuner tuner) {
        int epochs = 0;
        List<Network> restored = new ArrayList<>();
        try {
            long start = System.nanoTime();
            Network net = ModelBytes.restore(modelBytes);
            restored.add(net);
            PruningSchedule schedule = Schedules.create(plan.schedule());
            PlanOptions options = PlanOptions.of(plan);
            // every layer, not just the selection: structural pruning also zeroes the next layer's inputs
            MaskSet masks = continuing ? MaskSet.fromZeros(net, net.prunable()) : new MaskSet();
            byte[] dense = baseBytes != null ? baseBytes : continuing ? null : modelBytes;
            Network teacher = options.distill() && baseBytes != null ? ModelBytes.restore(baseBytes) : null;
            if (teacher != null) {
                restored.add(teacher);
            }
            PruningSession session = new PruningSession(net, plan, data, masks, teacher, tuner);
            if (continuing && net.numParams() < base.paramsTotal()) {
                // a shrunk parent reached its plan's ratio already (strategies continue a trial with its own
                // parameters) and holds no zeros to say so: the ratio applied to its survivors would cut them again
                session.continueAt(plan.ratio());
            } else {
                schedule.run(session);
            }
            epochs = session.epochsSpent();
            double pruneSeconds = (System.nanoTime() - start) / 1e9;
            if (!finite(net)) {
                return CandidateOutcome.unmeasured(TrialStatus.DIVERGED,
                        "parameters became NaN or infinite during fine-tuning", epochs);
            }
            Network result = options.shrink() ? Shrinker.shrink(net) : net;
            // smaller than the base, also when it continues a parent that was shrunk before
            boolean shrunk = result.numParams() < base.paramsTotal();
            Metrics metrics = Measurement.of(result, data, session.layers(), base, options.quantize(), tuner);
            if (result.numParams() < net.numParams()) {
                // sparsity says how much pruning removed, which the shrunk model no longer shows as zeros
                ModelMetrics masked = ModelMetrics.measure(net, net.prunable(), session.layers(),
                        data.train().shape());
                metrics = metrics.withSparsity(masked.weightSparsity(), masked.layerSparsity());
            }
            if (dense != null) {
                // in the trial, before the strategy is told: it ranks and promotes by latency as by accuracy
                metrics = metrics.withLatency(Measurement.latency(result, () -> {
                    Network timed = ModelBytes.restore(dense);
                    restored.add(timed);
                    return timed;
                }, base, data.train().width()));
            }
            boolean finite = Double.isFinite(metrics.loss());
            return new CandidateOutcome(finite ? TrialStatus.OK : TrialStatus.DIVERGED,
                    finite ? null : "test loss is not finite", metrics,
                    new CandidateOutcome.Run(shrunk, session.currentRatio(), pruneSeconds), epochs,
                    keepModel ? ModelBytes.of(result) : null, null);
        } catch (TrialDeadline.Exceeded e) {
            return CandidateOutcome.unmeasured(TrialStatus.TIMEOUT, e.getMessage(), epochs);
        } catch (Exception | LinkageError e) {
            return CandidateOutcome.failed(e, epochs);
        } finally {
            // the outcome holds bytes and numbers only; a shrunk copy is left to the garbage collector
            restored.forEach(Network::release);
        }
    }

    private static boolean finite(Network net) {
        double sum = net.params().sumNumber().doubleValue();
        return Double.isFinite(sum);
    }
}
