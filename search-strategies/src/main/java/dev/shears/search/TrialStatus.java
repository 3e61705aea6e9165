package dev.shears.search;

/** How a trial ended. */
public enum TrialStatus {
    /** Evaluated normally. */
    OK,
    /** Threw: the candidate could not be pruned, trained or evaluated. */
    FAILED,
    /** Fine-tuning produced non-finite loss or collapsed to chance accuracy. */
    DIVERGED,
    /** Stopped at the search's time limit for one trial. */
    TIMEOUT
}
