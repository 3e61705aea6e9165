package dev.shears.jobs.driver;

import dev.shears.jobs.engine.ResumingEngine;
import dev.shears.jobs.engine.TrialRecord;
import dev.shears.jobs.output.OutputLocation;
import dev.shears.pruning.data.HadoopFiles;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.search.Candidate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every finished trial, and the base model, saved in the run's staging directory as they arrive
 * (through the Hadoop API, so on HDFS too). The best models are taken from here at the end, a
 * continued trial starts from its parent's model here, and a stopped run resumes from here.
 */
final class Checkpoints {

    /** The checkpoints' directory in the staging directory; removed once the run is in place. */
    static final String DIR = "checkpoint";
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    private final OutputLocation out;
    private final FileSystem fs;

    Checkpoints(OutputLocation out) {
        this.out = out;
        this.fs = out.fs();
    }

    private String path(String name) {
        return out.staged(DIR + "/" + name);
    }

    /** The spec's hash first: a resume must never find a base model without the spec it belongs to. */
    void saveBase(byte[] model, String specHash) {
        write("spec.sha256", specHash.getBytes(StandardCharsets.UTF_8));
        write("base.zip", model);
    }

    /** The base model a stopped run used, or null. */
    byte[] base() {
        return read("base.zip");
    }

    /** The hash of the spec a stopped run used, or null. */
    String specHash() {
        byte[] b = read("spec.sha256");
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    /** @param cached whether the outcome was served from the trial cache */
    void put(Candidate c, CandidateOutcome o, boolean cached) {
        if (o.model() != null) {
            write("trials/" + c.id() + ".zip", o.model());
        }
        // the record last: a trial counts as finished only once its model is safely written
        write("trials/" + c.id() + ".json", new TrialRecord(ResumingEngine.key(c), o, cached).json());
    }

    /** Whether a finished trial's pruned model is saved (without reading it). */
    boolean hasModel(String candidateId) {
        return HadoopFiles.exists(path("trials/" + candidateId + ".zip"));
    }

    /** A finished trial's pruned model, or null. */
    byte[] model(String candidateId) {
        return read("trials/" + candidateId + ".zip");
    }

    /**
     * Outcomes of the finished trials by trial key (models are read when needed, not here). A trial
     * whose checkpoint cannot be read (one written by a run killed mid-write before writes were atomic,
     * or damaged since) is left out with a warning: the resumed search simply runs it again.
     */
    Map<String, TrialRecord> load() {
        Map<String, TrialRecord> done = new LinkedHashMap<>();
        Path dir = HadoopFiles.path(path("trials"));
        FileStatus[] files;
        try {
            files = fs.exists(dir) ? fs.listStatus(dir) : new FileStatus[0];
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoints in " + out.staging(), e);
        }
        for (FileStatus st : files) {
            String name = st.getPath().getName();
            if (!name.endsWith(".json") || HadoopFiles.isTemporary(name)) {
                continue;
            }
            try (InputStream in = fs.open(st.getPath())) {
                TrialRecord trial = TrialRecord.read(in);
                done.put(trial.key(), trial);
            } catch (IOException | RuntimeException e) {
                LOG.warn("checkpoint {} cannot be read ({}); that trial runs again", st.getPath(), e.getMessage());
            }
        }
        return done;
    }

    /** Forgets the finished trials (their base model is lost). */
    void discardTrials() {
        try {
            fs.delete(HadoopFiles.path(path("trials")), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the checkpoints in " + out.staging(), e);
        }
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
