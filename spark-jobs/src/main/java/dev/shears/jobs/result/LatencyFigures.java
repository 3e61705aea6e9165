package dev.shears.jobs.result;

/**
 * A row's forward-pass latency, timed beside the base model's, and the base's over it.
 *
 * @param b1Ms  median milliseconds of a pass over one row
 * @param b64Ms median milliseconds of a pass over 64 rows
 */
public record LatencyFigures(double b1Ms, double b64Ms, double speedupB1, double speedupB64) {
}
