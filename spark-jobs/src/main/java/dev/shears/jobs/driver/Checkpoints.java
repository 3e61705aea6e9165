package dev.shears.jobs.driver;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.shears.jobs.engine.ResumingEngine;
import dev.shears.jobs.output.OutputLocation;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.data.HadoopFiles;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.search.Candidate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Every finished trial, and the base model, saved in the run's staging directory as they arrive
 * (through the Hadoop API, so on HDFS too). The best models are taken from here at the end, a
 * continued trial starts from its parent's model here, and a stopped run resumes from here.
 */
final class Checkpoints {

    private static final String DIR = "checkpoint";

    private final OutputLocation out;
    private final FileSystem fs;

    Checkpoints(OutputLocation out) {
        this.out = out;
        this.fs = out.fs();
    }

    private String path(String name) {
        return out.staged(DIR + "/" + name);
    }

    void saveBase(byte[] model, String specHash) {
        write("base.zip", model);
        write("spec.sha256", specHash.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The base model a stopped run used, or null. */
    byte[] base() {
        return read("base.zip");
    }

    /** The hash of the spec a stopped run used, or null. */
    String specHash() {
        byte[] b = read("spec.sha256");
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    void put(Candidate c, CandidateOutcome o) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("key", ResumingEngine.key(c));
        json.put("status", o.status());
        json.put("error", o.error());
        json.put("metrics", o.metrics());
        json.put("layerSparsity", o.layerSparsity());
        json.put("epochsSpent", o.epochsSpent());
        if (o.model() != null) {
            write("trials/" + c.id() + ".zip", o.model());
        }
        // the JSON last: a trial counts as finished only once its model is safely written
        write("trials/" + c.id() + ".json", SearchJob.json(json).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** A finished trial's pruned model, or null. */
    byte[] model(String candidateId) {
        return read("trials/" + candidateId + ".zip");
    }

    /** Outcomes of the finished trials by trial key (models are read when needed, not here). */
    Map<String, CandidateOutcome> load() {
        Map<String, CandidateOutcome> done = new LinkedHashMap<>();
        Path dir = HadoopFiles.path(path("trials"));
        try {
            if (!fs.exists(dir)) {
                return done;
            }
            for (FileStatus st : fs.listStatus(dir)) {
                if (!st.getPath().getName().endsWith(".json")) {
                    continue;
                }
                Map<String, Object> json;
                try (InputStream in = fs.open(st.getPath())) {
                    json = SpecLoader.JSON.readValue(in, new TypeReference<>() { });
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> metrics = (Map<String, Object>) json.get("metrics");
                @SuppressWarnings("unchecked")
                Map<String, Double> layers = (Map<String, Double>) json.get("layerSparsity");
                done.put((String) json.get("key"), new CandidateOutcome((String) json.get("status"),
                        (String) json.get("error"), metrics, layers, ((Number) json.get("epochsSpent")).intValue(),
                        null));
            }
            return done;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoints in " + out.staging(), e);
        }
    }

    /** Removes the checkpoints once the outputs are written. */
    void discard() throws IOException {
        fs.delete(HadoopFiles.path(out.staged(DIR)), true);
    }

    private void write(String name, byte[] bytes) {
        try {
            out.write(DIR + "/" + name, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + name + " in " + out.staging(), e);
        }
    }

    private byte[] read(String name) {
        String p = path(name);
        return HadoopFiles.exists(p) ? HadoopFiles.readAll(p) : null;
    }
}
