package dev.shears.pruning.schedule;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.plan.PlanOptions;

/**
 * Gradual pruning during fine-tuning (Zhu and Gupta, 2017): the sparsity follows
 * {@code s_t = s_f + (s_i - s_f) (1 - t/T)^3}, fast at first while there is redundancy and
 * slowly near the end, from {@code s_i} (option {@code initialSparsity}) to the plan's ratio
 * {@code s_f}, which it reaches after the first {@code rampFraction} of the fine-tuning steps; the
 * remaining steps fine-tune at the final sparsity. The masks are updated every {@code pruneEvery}
 * steps (by default about 200 times over the ramp, or every step of a shorter one) and
 * at the ramp's end. With no fine-tuning epochs it prunes to the ratio at once.
 */
public final class GradualSchedule implements PruningSchedule {

    /**
     * Many small pruning events rather than a few large ones: each leaves less for fine-tuning to repair
     * before the next, which shows at high compression (docs/benchmarks/quality-notes.md).
     */
    static final int DEFAULT_EVENTS = 200;

    @Override
    public String name() {
        return "gradual";
    }

    @Override
    public void run(PruningSession session) {
        PlanOptions options = session.options();
        double initial = options.initialSparsity();
        double target = session.plan().ratio();
        if (initial > target) {
            throw new BadInputException("options.initialSparsity " + initial + " exceeds the ratio " + target);
        }
        long total = session.finetuneSteps(session.plan().epochs());
        if (total == 0) {
            session.pruneTo(target);
            return;
        }
        long ramp = Math.max(1, Math.round(options.rampFraction() * total));
        long every = stepsBetweenEvents(ramp, options.pruneEvery());
        if (initial > 0) {
            session.pruneTo(initial);
        }
        session.finetune(session.plan().epochs(), (step, steps) -> {
            if (step <= ramp && (step % every == 0 || step == ramp)) {
                session.pruneTo(sparsityAt(step, ramp, initial, target));
            }
        });
    }

    /** Fine-tuning steps between pruning events over a ramp of {@code rampSteps}: {@code pruneEvery}, or automatic when 0. */
    static long stepsBetweenEvents(long rampSteps, int pruneEvery) {
        return pruneEvery > 0 ? pruneEvery : Math.max(1, rampSteps / DEFAULT_EVENTS);
    }

    /** Zhu and Gupta's cubic: the sparsity at step {@code t} of a ramp of {@code rampSteps} steps. */
    public static double sparsityAt(double t, double rampSteps, double initial, double target) {
        double progress = Math.min(1, Math.max(0, t / rampSteps));
        return target + (initial - target) * Math.pow(1 - progress, 3);
    }
}
