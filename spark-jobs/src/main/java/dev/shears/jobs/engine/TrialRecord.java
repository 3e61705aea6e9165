package dev.shears.jobs.engine;

import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.run.CandidateOutcome;
import java.io.IOException;
import java.io.InputStream;

/**
 * A finished trial as stored in a run's checkpoints and in the trial cache: its outcome without the
 * model (saved beside it), under the key that identifies it there.
 *
 * @param cached whether the outcome was served from the trial cache rather than computed by its run
 */
public record TrialRecord(String key, CandidateOutcome outcome, boolean cached) {

    public byte[] json() {
        try {
            return SpecLoader.JSON.writeValueAsBytes(new TrialRecord(key, outcome.withModel(null), cached));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a trial record", e);
        }
    }

    /** Reads a record; one without key or status (damaged, or not a record) is an IOException. */
    public static TrialRecord read(InputStream in) throws IOException {
        TrialRecord record;
        try {
            record = SpecLoader.JSON.readValue(in, TrialRecord.class);
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (record == null || record.key() == null || record.outcome() == null || record.outcome().status() == null) {
            throw new IOException("no trial key or status");
        }
        return record;
    }

    /** The same record with the model read from beside it. */
    public TrialRecord withModel(byte[] model) {
        return new TrialRecord(key, outcome.withModel(model), cached);
    }
}
