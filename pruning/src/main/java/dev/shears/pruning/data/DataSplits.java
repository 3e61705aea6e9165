package dev.shears.pruning.data;

/**
 * The three splits of a search. {@code validation} guides strategies and adaptive schedules;
 * {@code test} is only used for the figures of the final table.
 *
 * @param sha256 identifies the data as read (files and cuts), for provenance
 */
public record DataSplits(LabeledData train, LabeledData validation, LabeledData test, String sha256) {
}
