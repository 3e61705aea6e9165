package dev.shears.jobs.driver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.shears.jobs.engine.TrialRecord;
import dev.shears.jobs.spec.SearchSpec;
import dev.shears.pruning.data.HadoopFiles;
import dev.shears.pruning.data.Hashes;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.search.TrialStatus;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Results of trials across runs, in any output directory, at a Hadoop location (so a cluster's nightly
 * runs share one). A trial is found by a content hash of everything its result depends on: Shears'
 * version, the base model, the data, the plan (seed and fine-tuning settings included), how it was
 * trained, whether its latency was timed, and for a continued trial its parent's hash. Only results a
 * rerun would repeat are kept (OK and DIVERGED): a failure or a timeout is tried again. Entries are written atomically, so a run
 * killed mid-write or two runs writing the same entry leave a whole entry or none.
 */
public final class TrialCache {

    /** The environment variable that names the cache location; {@link #OFF_WORD} turns the cache off. */
    public static final String ENV = "SHEARS_CACHE";
    public static final String OFF_WORD = "none";
    /** No cache: nothing is looked up or stored. */
    public static final TrialCache OFF = new TrialCache(null);

    private static final Logger LOG = LoggerFactory.getLogger(TrialCache.class);
    // entries are laid out by format version, so a later layout never misreads this one
    private static final String LAYOUT = "trials-v1";
    private static final String BASES = "bases-v1";
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final String root;
    private boolean unwritable;

    private TrialCache(String root) {
        this.root = root;
    }

    /**
     * The cache a run uses: {@code option} (the command line's), else the environment variable, else
     * {@code ~/.shears/cache}; {@code none} for either turns it off, as does {@code disabled}.
     */
    public static TrialCache resolve(String option, boolean disabled, Map<String, String> env) {
        String location = option != null ? option : env.get(ENV);
        if (disabled || OFF_WORD.equals(location)) {
            return OFF;
        }
        if (location == null || location.isBlank()) {
            location = HadoopFiles.join(System.getProperty("user.home"), ".shears/cache");
        }
        return at(location);
    }

    /**
     * A cache at a local path or Hadoop URI, created when the first result is stored (so a run refused
     * as bad input writes nothing there).
     */
    public static TrialCache at(String location) {
        String uri = location.contains(":") ? location : new File(location).getAbsoluteFile().toURI().toString();
        return new TrialCache(uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri);
    }

    public boolean enabled() {
        return root != null;
    }

    /** The cache's location, or null when off. */
    public String location() {
        return root;
    }

    /**
     * The content hash that identifies a trial's result.
     *
     * @param parentKey the hash of the trial a continued trial starts from, or null
     */
    public static String key(String shearsVersion, String baseModelHash, String dataHash, SearchSpec.SearchSettings search,
                             PruningPlan plan, String parentKey) {
        Map<String, Object> identity = training(shearsVersion, dataHash, search);
        identity.put("base_model", baseModelHash);
        identity.put("plan", plan);
        identity.put("parent", parentKey);
        // whether the trial timed its latency: a result without it cannot serve a run that ranks by it
        identity.put("latency", search.measureLatency);
        return hash(identity);
    }

    /**
     * The content hash that identifies a base model trained as a spec describes.
     *
     * @param model the spec's {@code model} section as resolved
     */
    public static String baseKey(String shearsVersion, String dataHash, SearchSpec.SearchSettings search, Object model,
                                 long seed) {
        Map<String, Object> identity = training(shearsVersion, dataHash, search);
        identity.put("model", CANONICAL.convertValue(model, Object.class));
        identity.put("seed", seed);
        return hash(identity);
    }

    /** What every trained result depends on: the code, the data and how training runs. */
    private static Map<String, Object> training(String shearsVersion, String dataHash, SearchSpec.SearchSettings search) {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("shears", shearsVersion);
        identity.put("data", dataHash);
        identity.put("execution", search.execution);
        if ("data-parallel".equals(search.execution)) {
            // how the executors average the model changes what training arrives at
            identity.put("averaging_frequency", search.averagingFrequency);
            identity.put("workers", search.parallelism);
        }
        return identity;
    }

    private static String hash(Map<String, Object> identity) {
        try {
            return Hashes.sha256(CANONICAL.writeValueAsBytes(identity));
        } catch (IOException e) {
            throw new IllegalStateException("cannot hash a result's identity", e);
        }
    }

    /** A base model trained earlier, or null. */
    public byte[] findBase(String key) {
        String file = HadoopFiles.join(root == null ? "" : root, BASES + "/" + key + ".zip");
        if (root == null || !HadoopFiles.exists(file)) {
            return null;
        }
        try {
            return HadoopFiles.readAll(file);
        } catch (RuntimeException e) {
            LOG.warn("cached base model {} cannot be read ({}); it is trained again", file, e.getMessage());
            return null;
        }
    }

    public void storeBase(String key, byte[] model) {
        if (root == null) {
            return;
        }
        try {
            HadoopFiles.writeAtomically(HadoopFiles.join(root, BASES + "/" + key + ".zip"), model);
        } catch (IOException | RuntimeException e) {
            unwritable(e);
        }
    }

    /** The cached result with its model, or empty (also when the entry cannot be read: the trial then runs). */
    public Optional<CandidateOutcome> find(String key) {
        if (root == null) {
            return Optional.empty();
        }
        String json = entry(key, ".json");
        if (!HadoopFiles.exists(json)) {
            return Optional.empty();
        }
        try (InputStream in = HadoopFiles.open(json)) {
            TrialRecord record = TrialRecord.read(in);
            if (!key.equals(record.key())) {
                throw new IOException("holds the entry of " + record.key());
            }
            String model = entry(key, ".zip");
            return Optional.of(record.withModel(HadoopFiles.exists(model) ? HadoopFiles.readAll(model) : null).outcome());
        } catch (IOException | RuntimeException e) {
            LOG.warn("trial cache entry {} cannot be read ({}); that trial runs again", json, e.getMessage());
            return Optional.empty();
        }
    }

    /** Stores a result a rerun would repeat. */
    public void store(String key, CandidateOutcome outcome) {
        if (root == null || !(outcome.ok() || outcome.status() == TrialStatus.DIVERGED)) {
            return;
        }
        try {
            if (outcome.model() != null) {
                HadoopFiles.writeAtomically(entry(key, ".zip"), outcome.model());
            }
            // the record last: an entry counts only once its model is in place
            HadoopFiles.writeAtomically(entry(key, ".json"), new TrialRecord(key, outcome, false).json());
        } catch (IOException | RuntimeException e) {
            unwritable(e);
        }
    }

    /** A cache that cannot be written costs one warning, not the run. */
    private void unwritable(Exception e) {
        if (!unwritable) {
            unwritable = true;
            LOG.warn("cannot store results in the trial cache at {} ({}); this run goes on without storing them", root,
                    e.getMessage());
        }
    }

    private String entry(String key, String suffix) {
        return HadoopFiles.join(root, LAYOUT + "/" + key.substring(0, 2) + "/" + key + suffix);
    }
}
