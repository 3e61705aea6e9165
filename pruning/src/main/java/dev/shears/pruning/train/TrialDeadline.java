package dev.shears.pruning.train;

import java.util.function.Supplier;

/**
 * A time limit for the trial running on the current thread. Training steps and evaluation batches
 * check it, so a trial past its limit stops at the next step with {@link Exceeded} (a TIMEOUT row)
 * instead of holding its core; Java threads cannot be stopped from outside safely.
 */
public final class TrialDeadline {

    private static final ThreadLocal<long[]> DEADLINE = new ThreadLocal<>();

    private TrialDeadline() {
    }

    /** Runs {@code work} under a limit of {@code seconds} (0 or less: no limit). */
    public static <T> T within(double seconds, Supplier<T> work) {
        if (seconds <= 0) {
            return work.get();
        }
        DEADLINE.set(new long[] {System.nanoTime() + (long) (seconds * 1e9), (long) (seconds * 1000)});
        try {
            return work.get();
        } finally {
            DEADLINE.remove();
        }
    }

    /** Throws {@link Exceeded} when the current trial is past its limit. */
    public static void check() {
        long[] d = DEADLINE.get();
        if (d != null && System.nanoTime() > d[0]) {
            throw new Exceeded("the trial ran longer than search.trialTimeout (" + d[1] / 1000.0 + " s)");
        }
    }

    /** A trial stopped at its time limit. */
    public static final class Exceeded extends RuntimeException {
        Exceeded(String message) {
            super(message);
        }
    }
}
