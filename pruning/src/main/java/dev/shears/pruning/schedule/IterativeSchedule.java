package dev.shears.pruning.schedule;

import dev.shears.pruning.BadInputException;

/**
 * {@code steps} rounds of prune-then-fine-tune. The kept fraction falls geometrically, so every
 * round removes the same share of what is left: after round k of S the sparsity is
 * {@code 1 - (1 - ratio)^(k/S)}. The fine-tuning epochs are shared out evenly, each round getting
 * {@code floor(epochs / S)} and the last {@code epochs mod S} rounds one more, so every round
 * fine-tunes when epochs >= S and the final rounds are favoured when there are fewer.
 */
public final class IterativeSchedule implements PruningSchedule {

    @Override
    public String name() {
        return "iterative";
    }

    @Override
    public void run(PruningSession session) {
        int steps = session.plan().steps();
        if (steps < 1) {
            throw new BadInputException("steps " + steps + " must be at least 1 for schedule iterative");
        }
        double[] ratios = ratios(session.plan().ratio(), steps);
        int[] epochs = epochsPerStep(session.plan().epochs(), steps);
        for (int k = 0; k < steps; k++) {
            session.pruneTo(ratios[k]);
            session.finetune(epochs[k], null);
        }
    }

    /** The sparsity after each of {@code steps} rounds, ending at {@code target}. */
    public static double[] ratios(double target, int steps) {
        double[] r = new double[steps];
        for (int k = 1; k <= steps; k++) {
            r[k - 1] = k == steps ? target : 1 - Math.pow(1 - target, (double) k / steps);
        }
        return r;
    }

    /** Fine-tuning epochs after each round, summing to {@code epochs}. */
    public static int[] epochsPerStep(int epochs, int steps) {
        int[] e = new int[steps];
        for (int k = 0; k < steps; k++) {
            e[k] = epochs / steps + (k >= steps - epochs % steps ? 1 : 0);
        }
        return e;
    }
}
