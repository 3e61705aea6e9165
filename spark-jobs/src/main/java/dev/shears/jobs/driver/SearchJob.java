package dev.shears.jobs.driver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.OperatingSystemMXBean;
import dev.shears.jobs.engine.CandidateEngine;
import dev.shears.jobs.engine.ResumingEngine;
import dev.shears.jobs.engine.SearchLoop;
import dev.shears.jobs.engine.TrialContext;
import dev.shears.jobs.engine.TrialRequest;
import dev.shears.jobs.output.Changes;
import dev.shears.jobs.output.OutputLocation;
import dev.shears.jobs.result.Column;
import dev.shears.jobs.result.PastRow;
import dev.shears.jobs.result.Provenance;
import dev.shears.jobs.result.Ranking;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.result.Trial;
import dev.shears.jobs.spec.Dimensions;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.PlanFactory;
import dev.shears.jobs.spec.SearchSpec;
import dev.shears.jobs.spec.SpecException;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.DataLocation;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.data.HadoopFiles;
import dev.shears.pruning.model.ModelBytes;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.ChannelGroups;
import dev.shears.pruning.prune.Granularities;
import dev.shears.pruning.prune.Granularity;
import dev.shears.pruning.prune.Layers;
import dev.shears.pruning.prune.PrunableLayer;
import dev.shears.pruning.run.BaseReference;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.Measurement;
import dev.shears.pruning.run.Metrics;
import dev.shears.pruning.run.PlanOptions;
import dev.shears.pruning.run.PruningPlan;
import dev.shears.pruning.train.FineTuner;
import dev.shears.search.Candidate;
import dev.shears.search.Dimension;
import dev.shears.search.GridStrategy;
import dev.shears.search.SearchSpace;
import dev.shears.search.SearchStrategy;
import dev.shears.search.Strategies;
import dev.shears.search.StrategyConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One search from spec to table. {@link #prepare} does everything that can reveal bad input
 * (spec, output location, data, base model, layer names) before any Spark job starts;
 * {@link #run} then evaluates candidates on an engine and writes the outputs.
 */
public final class SearchJob {

    private static final Logger LOG = LoggerFactory.getLogger(SearchJob.class);

    private SearchJob() {
    }

    /** Everything checked and ready: the base model trained or loaded and measured. */
    public record Prepared(LoadedSpec spec, OutputLocation out, DataLocation dataLocation, DataSplits data,
                           byte[] baseModel, Metrics baseMetrics, BaseReference base,
                           Map<String, Object> timings, Checkpoints checkpoints, Previous previous, TrialCache cache,
                           String baseModelHash) {

        /** The same prepared search writing to another output (to run it again on another engine). */
        public Prepared elsewhere(String otherOut) {
            OutputLocation location = new OutputLocation(SpecLoader.toUri(otherOut));
            location.create();
            Checkpoints other = new Checkpoints(location);
            other.saveBase(baseModel, spec.sha256());
            return new Prepared(spec, location, dataLocation, data, baseModel, baseMetrics, base,
                    new LinkedHashMap<>(timings), other, previous, cache, baseModelHash);
        }
    }

    /** An earlier run to report changes against: its output location and ranked rows. */
    public record Previous(String out, List<PastRow> rows) {
    }

    /**
     * How a search starts.
     *
     * @param resume    carry on from the checkpoints of a run with the same spec that stopped part-way
     *                  into the same {@code out}; without such a run this starts afresh
     * @param extend    {@code out} holds a finished run of this search with smaller budgets
     *                  ({@link #finishedRun}): it is replaced by the larger one, starting from its base model
     * @param compareTo an earlier run's output to report what changed since, or null
     * @param cache     where results of earlier runs are looked up and this run's are stored
     */
    public record Start(boolean resume, boolean extend, String compareTo, TrialCache cache) {

        public static Start fresh() {
            return new Start(false, false, null, TrialCache.OFF);
        }
    }

    public static Prepared prepare(LoadedSpec spec, String out, boolean resume, String compareTo) {
        return prepare(spec, out, new Start(resume, false, compareTo, TrialCache.OFF), FineTuner.LOCAL, TableReader.NONE);
    }

    /**
     * @param baseTrainer how a base model the spec describes is trained (in this JVM, or data-parallel)
     * @param tables      reads the spec's tables, when its data is tables
     */
    public static Prepared prepare(LoadedSpec spec, String out, Start start, FineTuner baseTrainer, TableReader tables) {
        String compareTo = start.compareTo();
        Previous previous = compareTo == null ? null
                : new Previous(SpecLoader.toUri(compareTo), Changes.readPrevious(SpecLoader.toUri(compareTo)));
        OutputLocation location = new OutputLocation(SpecLoader.toUri(out), start.resume() || start.extend(),
                start.extend());
        Checkpoints checkpoints = new Checkpoints(location);
        try {
            Map<String, Object> timings = new LinkedHashMap<>();
            long t0 = System.nanoTime();
            SearchData read = SearchData.read(spec, tables, location.staged(Checkpoints.DIR + "/data"));
            DataLocation dataLocation = read.location();
            DataSplits data = read.splits();
            timings.put("data_seconds", seconds(t0));
            LOG.info("data: {} training, {} validation, {} test rows", data.train().size(),
                    data.validation().size(), data.test().size());
            long t1 = System.nanoTime();
            Network net = resumedBase(spec, location, checkpoints);
            boolean resumed = net != null;
            if (net == null && start.extend()) {
                // the larger search compares every row with the model the finished one used
                net = ModelBytes.restore(HadoopFiles.readAll(HadoopFiles.join(location.target(), "models/base.zip")));
            }
            String baseKey = TrialCache.baseKey(Versions.build(), data.sha256(), spec.spec().search,
                    spec.resolved().get("model"), spec.spec().seed);
            if (net == null && BaseModel.trained(spec.spec())) {
                net = cachedBase(start.cache(), baseKey);
                timings.put("base_model_cached", net != null);
            }
            boolean train = net == null && BaseModel.trained(spec.spec());
            if (net == null) {
                net = BaseModel.build(spec.spec(), data);
            }
            // the spec's layer names and strategy options are checked before minutes go into training,
            // and before anything is written
            checkAgainst(spec, net);
            location.create();
            data = read.materialise();
            byte[] bytes;
            if (train) {
                BaseModel.train(spec.spec(), net, data, baseTrainer);
                bytes = ModelBytes.of(net);
                start.cache().storeBase(baseKey, bytes);
            } else {
                bytes = ModelBytes.of(net);
            }
            timings.put("base_model_seconds", seconds(t1));
            if (!resumed) {
                checkpoints.saveBase(bytes, spec.sha256());
            }
            // latency is timed after the search, beside the candidates it is compared with
            Metrics measured = Measurement.of(net, data, net.prunable(), null, false, baseTrainer);
            BaseReference base = BaseReference.of(measured);
            LOG.info("base model: {} parameters, validation accuracy {}, test accuracy {}", base.paramsTotal(),
                    base.validationAccuracy(), base.accuracy());
            return new Prepared(spec, location, dataLocation, data, bytes, measured, base, timings, checkpoints, previous,
                    start.cache(), ModelBytes.contentHash(net));
        } catch (RuntimeException e) {
            if (!location.resumed()) {
                location.abort();
            }
            throw e;
        }
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

    /** A finished run found in {@code out} by {@link #finishedRun}. */
    public record FinishedRun(boolean sameSpec, String cache) {
    }

    /**
     * With {@code --resume} or {@code --extend}: the finished run {@code out} already holds, or null.
     * A finished run of this very spec (killed after it was moved into place, or simply started again)
     * has its table shown and the checkpoints a kill may have left in it removed. One whose spec differs
     * only in larger {@code search.budget} or {@code search.epochBudget} can be extended; any other is bad
     * input.
     */
    public static FinishedRun finishedRun(LoadedSpec spec, String out, PrintStream console) {
        String target = SpecLoader.toUri(out);
        String runJson = HadoopFiles.join(target, "run.json");
        if (!HadoopFiles.exists(runJson)) {
            return null;
        }
        JsonNode run;
        try {
            run = SpecLoader.JSON.readTree(HadoopFiles.readAll(runJson));
        } catch (IOException e) {
            throw new BadInputException("--out " + out + ": " + runJson + " is not a Shears run.json: " + e.getMessage(), e);
        }
        String cache = run.path("cache").isTextual() ? run.path("cache").asText() : null;
        if (spec.sha256().equals(run.path("spec_hash").asText())) {
            OutputLocation.tidyFinished(target, Checkpoints.DIR);
            Outputs.print(Changes.readPrevious(target), spec.spec(), console);
            if (console != null) {
                console.println("shears: " + out + " already holds this spec's finished run; nothing left to run");
            }
            return new FinishedRun(true, cache);
        }
        // a run.json without its spec (an older Shears', say) can only be the same spec or another one
        if (!(run.path("spec") instanceof ObjectNode recorded)) {
            throw otherSpec(run, spec, out);
        }
        ObjectNode before = recorded.deepCopy();
        ObjectNode now = spec.resolved().deepCopy();
        SearchSpec.SearchSettings defaults = new SearchSpec.SearchSettings();
        String grown = null;
        for (String budget : List.of("budget", "epochBudget")) {
            long fallback = budget.equals("budget") ? defaults.budget : defaults.epochBudget;
            long was = before.path("search").path(budget).asLong(fallback);
            long is = now.path("search").path(budget).asLong(fallback);
            // an epoch budget of 0 has no limit
            long wasLimit = was == 0 && budget.equals("epochBudget") ? Long.MAX_VALUE : was;
            long isLimit = is == 0 && budget.equals("epochBudget") ? Long.MAX_VALUE : is;
            if (isLimit < wasLimit) {
                throw new BadInputException("--resume: search." + budget + " " + is + " is below the finished run's "
                        + was + " in " + out + "; a run is only extended, never cut: use a new --out");
            }
            grown = isLimit > wasLimit ? budget : grown;
            for (ObjectNode tree : List.of(before, now)) {
                if (tree.path("search") instanceof ObjectNode search) {
                    search.remove(budget);
                    if (search.isEmpty()) {
                        tree.remove("search");
                    }
                }
            }
        }
        if (grown == null || !before.equals(now)) {
            throw otherSpec(run, spec, out);
        }
        return new FinishedRun(false, cache);
    }

    private static BadInputException otherSpec(JsonNode run, LoadedSpec spec, String out) {
        return new BadInputException("--resume: " + out + " holds a finished run of a different spec (hash "
                + run.path("spec_hash").asText() + ", now " + spec.sha256() + "); only search.budget and "
                + "search.epochBudget may grow to extend it: use a new --out");
    }

    /**
     * What {@code search} checks before it trains anything, without training: the data can be read,
     * the base model can be read or built for it, and the layer names and strategy options fit that
     * model. Bad input is a {@link dev.shears.pruning.BadInputException} naming the file or field.
     *
     * @return the untrained (or loaded) base model and the data it was checked against
     */
    public static Checked check(LoadedSpec spec, TableReader tables) {
        SearchData read = SearchData.read(spec, tables, null);
        Network net = BaseModel.build(spec.spec(), read.splits());
        checkAgainst(spec, net);
        return new Checked(read.splits(), read.description(), net);
    }

    /**
     * What {@link #check} read and built.
     *
     * @param tables what was read from each table, one line a table (empty for files)
     */
    public record Checked(DataSplits data, List<String> tables, Network baseModel) {
    }

    private static void checkAgainst(LoadedSpec spec, Network net) {
        checkLayers(spec, net);
        checkStrategy(spec, net);
    }

    /**
     * Every layer selection the space names must exist in the base model, and every granularity must
     * apply to some of the layers each selection picks (filters to convolutions, say): otherwise
     * every such candidate would fail after the base model was trained.
     */
    private static void checkLayers(LoadedSpec spec, Network net) {
        for (SearchSpace space : spec.spaces()) {
            for (Object names : values(space, "keepWhole")) {
                try {
                    ChannelGroups.of(net, PlanOptions.names(names));
                } catch (BadInputException e) {
                    throw new SpecException(spec.source() + ": field 'space.keepWhole': " + e.getMessage());
                }
            }
            for (Object selection : values(space, "layers")) {
                List<PrunableLayer> selected;
                try {
                    selected = Layers.select(net, (String) selection);
                } catch (BadInputException e) {
                    throw new SpecException(spec.source() + ": field 'space.layers': " + e.getMessage());
                }
                for (Object name : values(space, "granularity")) {
                    Granularity g = Granularities.create((String) name);
                    if (selected.stream().noneMatch(l -> g.appliesTo(l, net))) {
                        List<String> fitting = net.prunable().stream().filter(l -> g.appliesTo(l, net))
                                .map(PrunableLayer::name).toList();
                        throw new SpecException(spec.source() + ": field 'space.granularity': '" + name
                                + "' applies to none of the layers '" + selection + "' selects "
                                + selected.stream().map(PrunableLayer::name).toList() + " (it applies to "
                                + (fitting.isEmpty() ? "no layer of this model" : "layers " + fitting) + ")");
                    }
                }
            }
        }
    }

    /** The values a space lists for a dimension, or its default. */
    private static List<Object> values(SearchSpace space, String dimension) {
        Dimension d = space.dimension(dimension);
        return d instanceof Dimension.Choice c ? c.values() : List.of(Dimensions.fallback(dimension));
    }

    /**
     * Runs the search on an engine and writes the outputs.
     *
     * @param engineFor     makes the engine from the base model's bytes and the trial context
     * @param sparkVersion  recorded in provenance
     * @param writeParquet  writes results.parquet/ (needs Spark); called with the staged path
     */
    public static List<Row> run(Prepared p, Function<TrialContext, CandidateEngine> engineFor,
                                                String sparkVersion, ParquetWriter writeParquet, PrintStream console) {
        SearchSpec s = p.spec().spec();
        TrialContext context = new TrialContext(p.dataLocation(), p.base(), s.search.threadsPerTask,
                s.search.trialTimeout);
        double validation = p.base().validationAccuracy();
        SearchStrategy strategy = strategy(p.spec(), ModelBytes.restore(p.baseModel()),
                Double.isNaN(validation) ? p.base().accuracy() : validation);
        Provenance provenance = provenance(p, sparkVersion);
        List<Trial> trials = new ArrayList<>();
        trials.add(Trial.base(p.baseMetrics(), provenance));
        try (CandidateEngine engine = engineFor.apply(context)) {
            int count = search(p, engine, strategy, trials, provenance, console);
            List<Row> ranked = Ranking.rank(trials, s.objective.maxAccuracyDrop, s.objective.split());
            List<String> kept = Outputs.kept(ranked, s.output.keepModels, p.checkpoints());
            if (s.search.measureLatency) {
                ranked = LatencyPhase.time(p, engine, ranked, kept, console);
            }
            return Outputs.write(p, ranked, kept, strategy.extraTables(), p.checkpoints(), count, writeParquet,
                    console);
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + " (the finished trials are kept in " + p.out().staging()
                    + ": run the same command with --resume to carry on)", e);
        }
    }

    /** Runs the trials, adding a row for each; the progress bar is closed before the outputs are written. */
    private static int search(Prepared p, CandidateEngine candidateEngine, SearchStrategy strategy,
                              List<Trial> trials, Provenance provenance, PrintStream console) {
        SearchSpec s = p.spec().spec();
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        Map<String, Integer> epochsReached = new HashMap<>();
        Checkpoints checkpoints = p.checkpoints();
        // the engine outlives the search: the latency phase runs on it afterwards
        // a trial's result is identified by its content (the cache's key), its checkpoint by its place in this search
        Map<String, String> resultKeys = new HashMap<>();
        ResumingEngine engine = new ResumingEngine(candidateEngine, checkpoints.load(),
                r -> p.cache().find(resultKeys.get(r.candidate().id())));
        try (SearchProgress progress = new SearchProgress(expectedTrials(p), s.objective.maxAccuracyDrop,
                     s.objective.split(), console)) {
            Function<Candidate, TrialRequest> requestFor = c -> {
                TrialRequest r = request(c, s, epochsReached, checkpoints);
                String parentKey = r.parentModel() == null ? null : resultKeys.get(c.parentId());
                resultKeys.put(c.id(), TrialCache.key(Versions.build(), p.baseModelHash(), p.data().sha256(), s.search, r.plan(),
                        parentKey));
                return r;
            };
            // strategies count their own trials against the budget (halving's promotions come on top of it)
            int count = SearchLoop.run(strategy, engine, requestFor, Integer.MAX_VALUE, s.search.epochBudget,
                    (request, outcome) -> {
                        Candidate c = request.candidate();
                        int parentEpochs = c.parentId() == null ? 0 : epochsReached.getOrDefault(c.parentId(), 0);
                        epochsReached.put(c.id(), parentEpochs + outcome.epochsSpent());
                        boolean cached = engine.isCached(c);
                        if (!engine.isReplayed(c)) {
                            checkpoints.put(c, outcome, cached);
                            if (!cached) {
                                p.cache().store(resultKeys.get(c.id()), outcome);
                            }
                        }
                        Trial trial = new Trial(c.id(), strategy.name(), request.plan(), outcome.withModel(null),
                                parentEpochs + outcome.epochsSpent(), cached, c.fidelity(), c.parentId(), provenance);
                        trials.add(trial);
                        progress.record(trial);
                    });
            p.timings().put("search_seconds", seconds(start));
            // this JVM's CPU time: every trial's too on local Spark, so it compares builds and engines on a busy machine
            p.timings().put("search_cpu_seconds", Math.round((processCpuNanos() - cpuStart) / 1e7) / 100.0);
            p.timings().put("trials_resumed", engine.replayed());
            p.timings().put("trials_cached", engine.servedFromCache());
            return count;
        }
    }

    /** Trials the search will run, for the progress bar: the grid's size when smaller than the budget. */
    private static long expectedTrials(Prepared p) {
        SearchSpec s = p.spec().spec();
        long grid = p.spec().gridSize();
        return "grid".equals(s.search.strategy) && grid > 0 ? Math.min(grid, s.search.budget) : s.search.budget;
    }

    /** Writes results.parquet/ at a staged path. */
    @FunctionalInterface
    public interface ParquetWriter {
        void write(List<Row> rows, List<Column> columns, String path);
    }

    private static TrialRequest request(Candidate c, SearchSpec s, Map<String, Integer> epochsReached,
                                        Checkpoints models) {
        int wanted = PlanFactory.requestedEpochs(c);
        byte[] parent = null;
        int epochs = wanted;
        if (c.parentId() != null) {
            parent = models.model(c.parentId());
            if (parent != null) {
                epochs = Math.max(0, wanted - epochsReached.getOrDefault(c.parentId(), 0));
            }
        }
        PruningPlan plan = PlanFactory.plan(c, s, epochs);
        return new TrialRequest(c, plan, parent);
    }

    /**
     * The spec's strategy, its options completed from the base model where a strategy needs to know
     * it (sensitivity: which layers, how large, and the base accuracy its scan is compared with).
     */
    private static SearchStrategy strategy(LoadedSpec spec, Network net, double baseAccuracy) {
        SearchSpec s = spec.spec();
        if (spec.spaces().size() > 1) {
            return new GridStrategy(spec.spaces(), s.search.budget, 0);
        }
        Map<String, Object> o = new LinkedHashMap<>(s.search.options);
        List<PrunableLayer> layers = net.prunable();
        Map<String, Object> derived = Map.of("layers", layers.stream().map(PrunableLayer::name).toList(),
                "layerSizes", layers.stream().map(l -> l.weights(net).length()).toList(),
                "baseAccuracy", baseAccuracy);
        // only what the strategy reads: it refuses options it does not know
        derived.forEach((k, v) -> {
            if (Strategies.options(s.search.strategy).contains(k)) {
                o.putIfAbsent(k, v);
            }
        });
        return Strategies.create(s.search.strategy, spec.space(), new StrategyConfig(s.search.budget, s.search.epochBudget,
                s.seed, 0, o));
    }

    /** The strategy accepts the spec's settings and options (the base accuracy is not known yet: any will do). */
    private static void checkStrategy(LoadedSpec spec, Network net) {
        try {
            strategy(spec, net, 1.0);
        } catch (IllegalArgumentException e) {
            throw new SpecException(spec.source() + ": section 'search' (strategy " + spec.spec().search.strategy + "): "
                    + e.getMessage());
        }
    }

    private static Provenance provenance(Prepared p, String sparkVersion) {
        return new Provenance(p.spec().spec().seed, p.spec().sha256(), p.data().sha256(), p.baseModelHash(),
                Versions.shears(), Versions.dl4j(), sparkVersion);
    }

    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e7) / 100.0;
    }

    static String json(Object value) {
        try {
            return SpecLoader.JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
