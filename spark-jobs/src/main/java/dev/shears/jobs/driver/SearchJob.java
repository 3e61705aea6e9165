package dev.shears.jobs.driver;

import dev.shears.jobs.engine.CandidateEngine;
import dev.shears.jobs.engine.ResumingEngine;
import dev.shears.jobs.engine.SearchLoop;
import dev.shears.jobs.engine.TrialContext;
import dev.shears.jobs.output.Changes;
import dev.shears.jobs.output.OutputLocation;
import dev.shears.jobs.result.Provenance;
import dev.shears.jobs.result.Ranking;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.result.Trial;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SearchSpec;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.model.ModelBytes;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.run.BaseReference;
import dev.shears.pruning.run.Measurement;
import dev.shears.pruning.run.Metrics;
import dev.shears.pruning.train.FineTuner;
import dev.shears.pruning.train.Threads;
import dev.shears.search.SearchStrategy;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One search from spec to table. {@link #prepare} does everything that can reveal bad input (spec, output
 * location, data, base model, layer names) before any Spark job starts; {@link #run} then evaluates
 * candidates on an engine and writes the outputs.
 */
public final class SearchJob {

    private static final Logger LOG = LoggerFactory.getLogger(SearchJob.class);

    private SearchJob() {
    }

    /**
     * @param baseTrainer how a base model the spec describes is trained (in this JVM, or data-parallel)
     * @param tables      reads the spec's tables, when its data is tables
     */
    public static Prepared prepare(LoadedSpec spec, String out, Start start, FineTuner baseTrainer, TableReader tables) {
        String compareTo = start.compareTo() == null ? null : SpecLoader.toUri(start.compareTo());
        Prepared.Previous previous = compareTo == null ? null
                : new Prepared.Previous(compareTo, Changes.readPrevious(compareTo));
        OutputLocation location = new OutputLocation(SpecLoader.toUri(out), start.resume() || start.extend(),
                start.extend());
        Checkpoints checkpoints = new Checkpoints(location);
        try {
            Timings timings = new Timings();
            long t0 = System.nanoTime();
            SearchData read = SearchData.read(spec, tables, location.staged(Checkpoints.DIR + "/data"));
            timings.dataSeconds = Stopwatch.seconds(t0);
            DataSplits data = read.splits();
            LOG.info("data: {} training, {} validation, {} test rows", data.train().size(),
                    data.validation().size(), data.test().size());
            long t1 = System.nanoTime();
            BaseChoice.Chosen chosen = BaseChoice.choose(spec, data, location, checkpoints, start, timings);
            Network net = chosen.net();
            // before minutes go into training, and before anything is written
            SpecChecks.checkAgainst(spec, net);
            location.create();
            data = read.materialise();
            if (chosen.train()) {
                BaseModel.train(spec.spec(), net, data, baseTrainer);
            }
            byte[] bytes = ModelBytes.of(net);
            if (chosen.train()) {
                start.cache().storeBase(chosen.cacheKey(), bytes);
            }
            timings.baseModelSeconds = Stopwatch.seconds(t1);
            if (!chosen.resumed()) {
                checkpoints.saveBase(bytes, spec.sha256());
            }
            Measurement.Base measured = Measurement.base(net, data, false, baseTrainer);
            if (spec.spec().search.measureLatency) {
                measured = measured.withLatency(baseLatency(spec.spec().search, net, data, timings));
            }
            BaseReference base = measured.reference();
            LOG.info("base model: {} parameters, validation accuracy {}, test accuracy {}", base.paramsTotal(),
                    base.validationAccuracy(), base.accuracy());
            return new Prepared(spec, location, read.location(), data, bytes, measured.metrics(), base, timings,
                    checkpoints, previous, start.cache(), ModelBytes.contentHash(net));
        } catch (RuntimeException e) {
            if (!location.resumed()) {
                location.abort();
            }
            throw e;
        }
    }

    /**
     * The base model timed alone, before any trial runs, with the ND4J threads a trial has: the scale of every
     * candidate's latency, which its trial gives as a speed-up measured beside the base.
     */
    private static Metrics.Latency baseLatency(SearchSpec.SearchSettings search, Network net, DataSplits data,
                                               Timings timings) {
        Threads.limit(search.threadsPerTask);
        long start = System.nanoTime();
        Metrics.Latency latency = Measurement.baseLatency(net, data.train().width());
        timings.baseLatencySeconds = Stopwatch.seconds(start);
        LOG.info("base model: {} ms a pass at batch 1, {} ms at batch 64", latency.b1Ms(), latency.b64Ms());
        return latency;
    }

    /**
     * Runs the search on an engine and writes the outputs.
     *
     * @param engineFor    makes the engine from the base model's bytes and the trial context
     * @param sparkVersion recorded in provenance
     * @param writeParquet writes results.parquet/ (needs Spark); called with the staged path
     */
    public static List<Row> run(Prepared p, Function<TrialContext, CandidateEngine> engineFor, String sparkVersion,
                                Outputs.ParquetWriter writeParquet, PrintStream console) {
        SearchSpec s = p.spec().spec();
        TrialContext context = new TrialContext(p.dataLocation(), p.base(), s.search.threadsPerTask,
                s.search.trialTimeout);
        double validation = p.base().validationAccuracy();
        SearchStrategy strategy = StrategyChoice.of(p.spec(), ModelBytes.restore(p.baseModel()),
                Double.isNaN(validation) ? p.base().accuracy() : validation);
        Provenance provenance = new Provenance(s.seed, p.spec().sha256(), p.data().sha256(), p.baseModelHash(),
                Versions.shears(), Versions.dl4j(), sparkVersion);
        TrialLedger ledger = new TrialLedger(p, strategy.name(), provenance);
        try (CandidateEngine engine = engineFor.apply(context)) {
            int count = search(p, ledger.resuming(engine), ledger, strategy, console);
            List<Trial> trials = new ArrayList<>(List.of(Trial.base(p.baseMetrics(), provenance)));
            trials.addAll(ledger.trials());
            List<Row> ranked = Ranking.rank(trials, s.objective.tolerance(), s.objective.split(),
                    s.objective.constraints());
            List<String> kept = Outputs.kept(ranked, s.output.keepModels, p.checkpoints());
            return Outputs.write(p, ranked, kept, strategy.extraTables(), p.checkpoints(), count, writeParquet,
                    console);
        } catch (RuntimeException e) {
            throw new IllegalStateException(e.getMessage() + " (the finished trials are kept in " + p.out().staging()
                    + ": run the same command with --resume to carry on)", e);
        }
    }

    /** Runs the trials through the ledger; the progress bar is closed before the outputs are written. */
    private static int search(Prepared p, ResumingEngine engine, TrialLedger ledger, SearchStrategy strategy,
                              PrintStream console) {
        SearchSpec s = p.spec().spec();
        long start = System.nanoTime();
        long cpuStart = Stopwatch.cpuNanos();
        try (SearchProgress progress = new SearchProgress(p.spec(), console)) {
            // strategies count their own trials against the budget (halving's and asha's promotions come on top of it)
            int trials = SearchLoop.run(strategy, engine, ledger::request, Integer.MAX_VALUE, s.search.epochBudget,
                    (request, outcome) -> progress.record(ledger.finished(request, outcome)));
            p.timings().searchSeconds = Stopwatch.seconds(start);
            p.timings().searchCpuSeconds = Stopwatch.cpuSeconds(cpuStart);
            p.timings().trialsResumed = engine.replayed();
            p.timings().trialsCached = engine.servedFromCache();
            p.timings().slotUtilisation = ledger.utilisation(engine.parallelism()).orElse(null);
            return trials;
        }
    }
}
