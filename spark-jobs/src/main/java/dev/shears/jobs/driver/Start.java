package dev.shears.jobs.driver;

/**
 * How a search starts.
 *
 * @param resume    carry on from the checkpoints of a run with the same spec that stopped part-way
 *                  into the same {@code out}; without such a run this starts afresh
 * @param extend    {@code out} holds a finished run of this search with smaller budgets
 *                  ({@link RunFolder#finished}): it is replaced by the larger one, starting from its base model
 * @param compareTo an earlier run's output to report what changed since, or null
 * @param cache     where results of earlier runs are looked up and this run's are stored
 */
public record Start(boolean resume, boolean extend, String compareTo, TrialCache cache) {

    public static Start fresh() {
        return new Start(false, false, null, TrialCache.OFF);
    }
}
