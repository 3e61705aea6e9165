package dev.shears.pruning.schedule;

/**
 * When pruning happens relative to fine-tuning: all at once, in steps, gradually during
 * training, or in a closed loop on validation accuracy. Which weights go is the scorer's and the
 * granularity's business; a schedule only decides ratios and timing through the session.
 */
public interface PruningSchedule {

    /** The name used in specs and in the table's {@code schedule} column. */
    String name();

    /** Prunes and fine-tunes the session's network to the plan's ratio. */
    void run(PruningSession session);
}
