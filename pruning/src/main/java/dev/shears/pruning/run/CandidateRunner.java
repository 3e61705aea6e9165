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
 * held, shrink structurally pruned models, measure. Plain Java: Spark tasks call this, and so do
 * tests and the sequential baseline. Whatever goes wrong becomes a FAILED outcome rather than an
 * exception, so a search goes on.
 */
public final class CandidateRunner {

    private CandidateRunner() {
    }

    /**
     * {@link #run(byte[], byte[], boolean, DataSplits, PruningPlan, BaseReference, boolean)}
     * with the starting model as distillation teacher.
     */
    public static CandidateOutcome run(byte[] modelBytes, boolean continuing, DataSplits data, PruningPlan plan,
                                       BaseReference base, boolean keepModel) {
        return run(modelBytes, null, continuing, data, plan, base, keepModel);
    }

    /**
     * @param modelBytes   the model to start from: the base model, or a parent candidate's pruned model
     * @param teacherBytes the dense base model that fine-tuning distils from when the plan's
     *                     {@code distillAlpha} is set; null uses the starting model, which is only
     *                     the base model when not {@code continuing}
     * @param continuing   true when {@code modelBytes} is an already pruned parent whose zeros must stay
     * @param keepModel    return the pruned model's bytes (the shrunk model when it was shrunk)
     */
    public static CandidateOutcome run(byte[] modelBytes, byte[] teacherBytes, boolean continuing, DataSplits data,
                                       PruningPlan plan, BaseReference base, boolean keepModel) {
        return run(modelBytes, teacherBytes, continuing, data, plan, base, keepModel, FineTuner.LOCAL);
    }

    /** As above, fine-tuning with {@code tuner} (data-parallel, say) rather than in this JVM. */
    public static CandidateOutcome run(byte[] modelBytes, byte[] teacherBytes, boolean continuing, DataSplits data,
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
            Network teacher = options.distill() && teacherBytes != null ? ModelBytes.restore(teacherBytes) : null;
            if (teacher != null) {
                restored.add(teacher);
            }
            PruningSession session = new PruningSession(net, plan, data, masks, teacher, tuner);
            schedule.run(session);
            epochs = session.epochsSpent();
            double pruneSeconds = (System.nanoTime() - start) / 1e9;
            if (!finite(net)) {
                return CandidateOutcome.unmeasured(TrialStatus.DIVERGED,
                        "parameters became NaN or infinite during fine-tuning", epochs);
            }
            Network result = options.shrink() ? Shrinker.shrink(net) : net;
            boolean shrunk = result.numParams() < net.numParams();
            Metrics metrics = Measurement.of(result, data, session.layers(), base, options.quantize(), tuner);
            if (shrunk) {
                // sparsity says how much pruning removed, which the shrunk model no longer shows as zeros
                ModelMetrics masked = ModelMetrics.measure(net, net.prunable(), session.layers(),
                        data.train().shape());
                metrics = metrics.withSparsity(masked.weightSparsity(), masked.layerSparsity());
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
