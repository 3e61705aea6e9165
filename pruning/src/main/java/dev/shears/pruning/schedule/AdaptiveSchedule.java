package dev.shears.pruning.schedule;

import dev.shears.pruning.metrics.PairedDrop;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.pruning.train.Evaluator;

/**
 * A closed loop on validation accuracy. The baseline is the network's validation accuracy before
 * this session prunes it. Each round raises the ratio by {@code adaptiveStep} of the remaining
 * density (capped at the plan's ratio), prunes, fine-tunes {@code max(1, epochs / steps)} epochs
 * and checks the drop from the baseline against the plan's {@link Tolerance}, the rule the final
 * choice applies (with a confidence, the drop plus its paired standard errors must be within): while
 * it holds the loop goes on, up to the plan's ratio; once it breaks, the network, masks and ratio go
 * back to the last round that met it (the unpruned network if none did).
 * {@link PruningSession#currentRatio()} then tells the ratio reached.
 */
public final class AdaptiveSchedule implements PruningSchedule {

    /** What to do after a round. */
    public enum Decision {
        /** Within tolerance and below the ceiling: prune further. */
        CONTINUE,
        /** Within tolerance at the ceiling: keep this network. */
        STOP,
        /** Tolerance broken: go back to the last network that met it. */
        ROLL_BACK
    }

    private static final double EPS = 1e-9;

    @Override
    public String name() {
        return "adaptive";
    }

    @Override
    public void run(PruningSession session) {
        Evaluator.Score baseline = session.validationScore();
        double ceiling = session.plan().ratio();
        Tolerance tolerance = session.plan().tolerance();
        int epochs = Math.max(1, session.plan().epochs() / Math.max(1, session.plan().steps()));
        PruningSession.Checkpoint good = session.checkpoint();
        double ratio = session.currentRatio();
        while (ratio < ceiling - EPS) {
            ratio = nextRatio(ratio, ceiling, session.options().adaptiveStep());
            session.pruneTo(ratio);
            session.finetune(epochs, null);
            Evaluator.Score now = session.validationScore();
            double stdError = PairedDrop.stdError(baseline.correct(), now.correct(), session.validationRows());
            Decision d = decide(tolerance, baseline.accuracy() - now.accuracy(), stdError, ratio, ceiling);
            if (d == Decision.ROLL_BACK) {
                session.restore(good);
                return;
            }
            good = session.checkpoint();
            if (d == Decision.STOP) {
                return;
            }
        }
    }

    /** The stopping rule: the tolerance on the round's drop (and its standard error) first, then the ceiling. */
    public static Decision decide(Tolerance tolerance, double drop, double stdError, double ratio, double ceiling) {
        if (!tolerance.admits(drop, stdError)) {
            return Decision.ROLL_BACK;
        }
        return ratio >= ceiling - EPS ? Decision.STOP : Decision.CONTINUE;
    }

    /** The next round's ratio: {@code step} of the remaining density more, at most {@code ceiling}. */
    public static double nextRatio(double ratio, double ceiling, double step) {
        return Math.min(ceiling, ratio + step * (1 - ratio));
    }
}
