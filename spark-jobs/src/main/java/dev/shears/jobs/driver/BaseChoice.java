package dev.shears.jobs.driver;

import dev.shears.jobs.output.OutputLocation;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.data.HadoopFiles;
import dev.shears.pruning.model.ModelBytes;
import dev.shears.pruning.model.Network;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base model a search compares every candidate with: the stopped run's when resuming, the finished
 * run's when extending one, the one an earlier run trained from the same spec and data (trial cache),
 * else the user's model file or a network built to be trained as the spec describes.
 */
final class BaseChoice {

    private static final Logger LOG = LoggerFactory.getLogger(BaseChoice.class);

    /**
     * @param train    the network is untrained: it is trained as the spec says, then stored in the cache under
     *                 {@code cacheKey}
     * @param resumed  it is the stopped run's, whose checkpoints already hold it
     */
    record Chosen(Network net, boolean train, boolean resumed, String cacheKey) {
    }

    private BaseChoice() {
    }

    static Chosen choose(LoadedSpec spec, DataSplits data, OutputLocation location, Checkpoints checkpoints,
                         Start start, Timings timings) {
        Network net = resumedBase(spec, location, checkpoints);
        boolean resumed = net != null;
        if (net == null && start.extend()) {
            // the larger search compares every row with the model the finished one used
            net = ModelBytes.restore(HadoopFiles.readAll(HadoopFiles.join(location.target(), "models/base.zip")));
        }
        String key = TrialCache.baseKey(Versions.build(), data.sha256(), spec.spec().search,
                spec.resolved().get("model"), spec.spec().seed);
        if (net == null && BaseModel.trained(spec.spec())) {
            net = cachedBase(start.cache(), key);
            timings.baseModelCached = net != null;
        }
        boolean train = net == null && BaseModel.trained(spec.spec());
        return new Chosen(net != null ? net : BaseModel.build(spec.spec(), data), train, resumed, key);
    }

    /** A base model an earlier run trained as this spec describes, from the cache, or null. */
    private static Network cachedBase(TrialCache cache, String key) {
        byte[] cached = cache.findBase(key);
        if (cached == null) {
            return null;
        }
        try {
            Network net = ModelBytes.restore(cached);
            LOG.info("base model: the one an earlier run trained, from the cache at {}", cache.location());
            return net;
        } catch (BadInputException damaged) {
            LOG.warn("the cached base model cannot be read ({}); it is trained again", damaged.getMessage());
            return null;
        }
    }

    /**
     * The base model of the stopped run being resumed (so every row compares with the same model), or
     * null when that run stopped before its base model was saved (it is then trained again).
     */
    private static Network resumedBase(LoadedSpec spec, OutputLocation location, Checkpoints checkpoints) {
        if (!location.resumed()) {
            return null;
        }
        // the hash is saved first of all: without it the stopped run left nothing to carry on from
        String stoppedSpec = checkpoints.specHash();
        if (stoppedSpec != null && !spec.sha256().equals(stoppedSpec)) {
            throw new BadInputException("--resume: the stopped run in " + location.staging()
                    + " was made with a different spec (hash " + stoppedSpec + ", now " + spec.sha256()
                    + "); use a new --out, or remove that directory");
        }
        byte[] base = stoppedSpec == null ? null : checkpoints.base();
        LOG.info("resuming the stopped run in {}{}", location.staging(),
                base == null ? " (it stopped before its base model was saved)" : "");
        if (base == null) {
            return null;
        }
        try {
            return ModelBytes.restore(base);
        } catch (BadInputException damaged) {
            // its trials were measured against that model: they are run again beside the base trained anew
            LOG.warn("the stopped run's base model cannot be read ({}); it is trained again and every trial run again",
                    damaged.getMessage());
            checkpoints.discardTrials();
            return null;
        }
    }

}
