package dev.shears.benchmarks;

import dev.shears.jobs.driver.Prepared;
import dev.shears.jobs.result.Columns;
import dev.shears.jobs.result.Row;
import dev.shears.benchmarks.CandidateRuns.Timing;
import dev.shears.jobs.driver.SearchJob;
import dev.shears.jobs.engine.CandidateEngine;
import dev.shears.jobs.engine.LocalEngine;
import dev.shears.jobs.engine.SparkEngine;
import dev.shears.jobs.engine.TrialContext;
import dev.shears.jobs.spark.DistributedTraining;
import dev.shears.jobs.spark.SparkSessions;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SearchSpec;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.train.Evaluator;
import dev.shears.pruning.train.Threads;
import dev.shears.pruning.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shears bench throughput}: the same candidates of one spec, pruned, fine-tuned and
 * evaluated by Shears on local Spark (one task per core), by plain threads of one JVM (one per
 * core, no Spark: what the machine allows) and by a sequential loop, with the same ND4J threads
 * per trial; then base-model training with dl4j-spark against training in one JVM. Prints the
 * figures, and last {@code throughput ratio R}.
 */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = {"Time the same candidates on local Spark, on plain threads and in a sequential loop in one JVM, "
                + "and base-model training with dl4j-spark against one JVM.",
                "The last line is 'throughput ratio R': Shears' candidates per minute over the loop's."})
public final class ThroughputBench implements Callable<Integer> {

    @Option(names = "--spec", defaultValue = "conf/quickstart.yaml", paramLabel = "FILE",
            description = "the search spec (default: ${DEFAULT-VALUE})")
    String spec;

    @Option(names = "--set", paramLabel = "FIELD=VALUE", description = "override a spec field, e.g. --set search.budget=8")
    List<String> sets = new ArrayList<>();

    @Option(names = "--cores", paramLabel = "N", description = "Spark runs on local[N] (default: this machine's cores)")
    int cores = Runtime.getRuntime().availableProcessors();

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3",
            description = "timed rounds, each running Shears, plain threads and the loop once in turn, so that a machine "
                    + "whose speed drifts affects all three alike (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--averaging-frequency", paramLabel = "BATCHES", defaultValue = "5",
            description = "dl4j-spark training: mini-batches between parameter averagings (default: ${DEFAULT-VALUE})")
    int averagingFrequency;

    @Option(names = "--warm-up", paramLabel = "N", description = "candidates run untimed first, in a loop and then on "
            + "Spark, so that the timed runs find the JIT's code compiled (default: 4 per core)")
    Integer warmUpCandidates;

    @Option(names = "--skip-training", description = "leave out the base-model training comparison")
    boolean skipTraining;

    /** One way of running the candidates. */
    private record Mode(String name, String description, Function<Prepared, Function<TrialContext, CandidateEngine>> engine) {
    }

    @Override
    public Integer call() throws IOException {
        if (rounds < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--rounds must be at least 1, got " + rounds);
        }
        LoadedSpec loaded = SpecLoader.load(spec, sets);
        SearchSpec s = loaded.spec();
        PrintStream out = System.out;
        Path tmp = Files.createTempDirectory("shears-bench-");
        SparkSession spark = SparkSessions.create("shears bench", "local[" + cores + "]", s.search.threadsPerTask, false);
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Prepared prepared = CandidateRuns.prepare(loaded, tmp.resolve("base").toString());
            int slots = s.search.parallelism > 0 ? s.search.parallelism : jsc.defaultParallelism();
            out.printf(Locale.ROOT, "bench throughput: %s (%s, budget %d), local[%d], ND4J threads per trial %d, %d rounds%n",
                    spec, s.search.strategy, s.search.budget, cores, s.search.threadsPerTask, rounds);

            CandidateRuns.warmUp(spec, sets, warmUpCandidates != null ? warmUpCandidates : 4 * cores, tmp.resolve("warm-up"),
                    spark, slots);

            List<Mode> modes = List.of(
                    new Mode("shears", "shears: local[" + cores + "], SparkEngine, " + slots + " slots",
                            p -> ctx -> new SparkEngine(jsc, p.baseModel(), ctx, slots)),
                    new Mode("threads", "threads: " + cores + " plain threads, no Spark",
                            p -> ctx -> new ThreadsEngine(p.baseModel(), ctx, cores)),
                    new Mode("loop", "loop: one JVM, LocalEngine, 1 slot",
                            p -> ctx -> new LocalEngine(p.baseModel(), ctx)));
            Map<String, Timing> totals = new LinkedHashMap<>();
            modes.forEach(m -> totals.put(m.name(), Timing.NONE));
            for (int r = 0; r < rounds; r++) {
                Map<String, Timing> round = new LinkedHashMap<>();
                for (int k = 0; k < modes.size(); k++) {
                    // each round starts with another mode, so none always runs first (or last)
                    Mode mode = modes.get((r + k) % modes.size());
                    Prepared p = prepared.elsewhere(tmp.resolve(mode.name() + "-" + r).toString());
                    round.put(mode.name(), CandidateRuns.time(p, spark, mode.engine().apply(p)));
                }
                out.printf(Locale.ROOT, "round %d: %s; R %.2f, plain threads over the loop %.2f%n", r + 1,
                        modes.stream().map(m -> String.format(Locale.ROOT, "%s %.1f s", m.name(), round.get(m.name()).searchSeconds()))
                                .collect(Collectors.joining(", ")),
                        ratio(round, "shears"), ratio(round, "threads"));
                round.forEach((name, t) -> totals.merge(name, t, Timing::plus));
            }
            modes.forEach(m -> report(out, m.description(), totals.get(m.name())));
            compare(out, "shears", totals.get("shears"), totals.get("loop"));
            compare(out, "threads", totals.get("threads"), totals.get("loop"));
            double ratio = ratio(totals, "shears");
            double ceiling = ratio(totals, "threads");
            out.printf(Locale.ROOT, "plain threads over the loop %.2f: what this machine allows %d trials side by side%n",
                    ceiling, cores);
            out.printf(Locale.ROOT, "parallel efficiency %.2f (ratio %.2f over %d cores); %.0f%% of the plain threads' ratio%n",
                    ratio / cores, ratio, cores, 100 * ratio / ceiling);

            if (!skipTraining) {
                trainingComparison(out, jsc, s, prepared.data().train(), prepared.data().test());
            }
            out.printf(Locale.ROOT, "throughput ratio %.2f%n", ratio);
            return 0;
        } finally {
            spark.stop();
            CandidateRuns.delete(tmp);
        }
    }

    /** Candidates per minute of one mode over the loop's. */
    private static double ratio(Map<String, Timing> timings, String mode) {
        return timings.get(mode).perMinute() / timings.get("loop").perMinute();
    }

    private static void report(PrintStream out, String what, Timing t) {
        out.printf(Locale.ROOT, "%-42s %3d candidates (%d OK) in %6.1f s = %6.2f candidates/min (%.1f s with outputs)%n",
                what, t.candidates().size(), t.ok(), t.searchSeconds(), t.perMinute(), t.totalSeconds());
        // pruning and fine-tuning alone, as each trial timed it: shows whether trials side by side slow each other down
        double finetune = t.candidates().stream().mapToDouble(r -> r.number(Columns.FINETUNE_SECONDS))
                .filter(Double::isFinite).average().orElse(Double.NaN);
        out.printf(Locale.ROOT, "%-42s mean prune + fine-tune time of a candidate %.2f s; %d GC pauses, %.2f s in all; "
                + "%.2f CPU s per candidate%n", "", finetune, t.collections(), t.pauseSeconds(), t.cpuPerCandidate());
    }

    /** Both runs must have evaluated the same candidates; the accuracy difference shows whether they computed the same. */
    private static void compare(PrintStream out, String name, Timing run, Timing loop) {
        Map<String, Double> loopAccuracy = new HashMap<>();
        loop.candidates().forEach(r -> loopAccuracy.put(r.candidate(), r.number(Columns.ACCURACY)));
        long same = 0;
        double largest = 0;
        for (Row r : run.candidates()) {
            Double other = loopAccuracy.get(r.candidate());
            double a = r.number(Columns.ACCURACY);
            if (other != null && Double.isFinite(other) && Double.isFinite(a)) {
                same++;
                largest = Math.max(largest, Math.abs(a - other));
            }
        }
        out.printf(Locale.ROOT, "%s and loop: same candidates %d of %d; largest test-accuracy difference %.4f%n",
                name, same, run.candidates().size(), largest);
        if (same != run.candidates().size() || same != loop.candidates().size()) {
            out.println("  " + name + ": " + ids(run) + "\n  loop: " + ids(loop));
        }
    }

    private static String ids(Timing t) {
        return t.candidates().stream().map(Row::candidate).sorted().collect(Collectors.joining(" "));
    }

    /** The spec's MLP trained from the same initial weights in one JVM (all cores) and with dl4j-spark (one thread a task). */
    private void trainingComparison(PrintStream out, JavaSparkContext jsc, SearchSpec s, LabeledData train, LabeledData test) {
        SearchSpec.ModelSpec m = s.model;
        if (m.file != null || !"mlp".equals(m.architecture)) {
            out.println("base-model training: skipped (the spec does not train an MLP)");
            return;
        }
        out.printf(Locale.ROOT, "base-model training: MLP %d-%s-%d, %d epochs on %d rows, batch %d, learning rate %s%n",
                train.width(), m.hidden.stream().map(String::valueOf).collect(Collectors.joining("-")),
                train.numClasses(), m.epochs, train.size(), m.batchSize, m.learningRate);

        Threads.limit(cores);
        Network single = Network.of(MlpFactory.build(train.width(), m.hidden, train.numClasses(), m.learningRate, s.seed));
        long t0 = System.nanoTime();
        Trainer.fit(single, train, m.epochs, m.batchSize, m.learningRate, s.seed, null);
        double singleSeconds = seconds(t0);
        long t1 = System.nanoTime();
        double singleAccuracy = Evaluator.evaluate(single, test).accuracy();
        double singleEval = seconds(t1);
        trained(out, "one JVM, Trainer.fit, " + cores + " ND4J threads", singleSeconds, singleAccuracy);

        Threads.limit(s.search.threadsPerTask);
        Network spread = Network.of(MlpFactory.build(train.width(), m.hidden, train.numClasses(), m.learningRate, s.seed));
        long t2 = System.nanoTime();
        DistributedTraining.fit(jsc, spread, train, m.epochs,
                new DistributedTraining.Settings(m.batchSize, averagingFrequency, 0, s.seed));
        double spreadSeconds = seconds(t2);
        long t3 = System.nanoTime();
        double spreadAccuracy = DistributedTraining.evaluate(jsc, spread, test).accuracy();
        double spreadEval = seconds(t3);
        trained(out, "dl4j-spark local[" + cores + "], " + s.search.threadsPerTask + " ND4J thread(s) per task, averaging every "
                + averagingFrequency + " batches of " + m.batchSize + " per worker", spreadSeconds, spreadAccuracy);
        out.printf(Locale.ROOT, "  evaluation of %d test rows: one JVM %.2f s, dl4j-spark %.2f s%n", test.size(), singleEval, spreadEval);
    }

    private static void trained(PrintStream out, String how, double seconds, double accuracy) {
        out.printf(Locale.ROOT, "  %-92s %6.1f s, test accuracy %.4f%n", how + ":", seconds, accuracy);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
