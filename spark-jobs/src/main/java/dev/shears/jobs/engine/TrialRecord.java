package dev.shears.jobs.engine;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.run.CandidateOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A finished trial as stored in a run's checkpoints and in the trial cache: its outcome without the
 * model (saved beside it), under the key that identifies it there.
 *
 * @param cached whether the outcome was served from the trial cache rather than computed by its run
 */
public record TrialRecord(String key, CandidateOutcome outcome, boolean cached) {

    public byte[] json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", key);
        json.put("status", outcome.status());
        json.put("error", outcome.error());
        json.put("metrics", outcome.metrics());
        json.put("layerSparsity", outcome.layerSparsity());
        json.put("epochsSpent", outcome.epochsSpent());
        json.put("cached", cached);
        try {
            return SpecLoader.JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a trial record", e);
        }
    }

    /** Reads a record; one without key or status (damaged, or not a record) is an IOException. */
    @SuppressWarnings("unchecked")
    public static TrialRecord read(InputStream in) throws IOException {
        Map<String, Object> json = SpecLoader.JSON.readValue(in, new TypeReference<>() { });
        String key = (String) json.get("key");
        String status = (String) json.get("status");
        if (key == null || status == null || !(json.get("epochsSpent") instanceof Number epochs)) {
            throw new IOException("no trial key, status or epochs");
        }
        CandidateOutcome outcome = new CandidateOutcome(status, (String) json.get("error"),
                (Map<String, Object>) json.get("metrics"), (Map<String, Double>) json.get("layerSparsity"),
                epochs.intValue(), null);
        return new TrialRecord(key, outcome, Boolean.TRUE.equals(json.get("cached")));
    }

    /** The same record with the model read from beside it. */
    public TrialRecord withModel(byte[] model) {
        CandidateOutcome o = outcome;
        return new TrialRecord(key, new CandidateOutcome(o.status(), o.error(), o.metrics(), o.layerSparsity(),
                o.epochsSpent(), model), cached);
    }
}
