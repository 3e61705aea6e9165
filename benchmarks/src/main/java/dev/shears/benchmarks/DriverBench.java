package dev.shears.benchmarks;

import dev.shears.benchmarks.CandidateRuns.Timing;
import dev.shears.jobs.driver.Prepared;
import dev.shears.jobs.driver.SlotUtilisation;
import dev.shears.jobs.engine.SparkEngine;
import dev.shears.jobs.spark.SparkSessions;
import dev.shears.jobs.spec.SpecLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shears bench driver}: how many trials per second the driver, the strategy, the ledger with its
 * checkpoints and the Spark engine sustain, with trials that train nothing (each sleeps a fixed time), on
 * local Spark with as many task slots as a cluster would have (a local stand-in: sleeping tasks need no
 * cores). Prints per slot count the trials per second, the slot utilisation (as run.json gives it) and the
 * CPU the search cost per trial.
 */
@Command(name = "driver", mixinStandardHelpOptions = true,
        description = {"Time searches whose trials only sleep, on local Spark with many slots: what the driver, "
                + "strategy, ledger and engine sustain.",
                "The last line is 'trials per second N at S slots' for the largest slot count."})
public final class DriverBench implements Callable<Integer> {

    @Option(names = "--spec", defaultValue = "benchmarks/conf/bench-driver.yaml", paramLabel = "FILE",
            description = "the search (default: ${DEFAULT-VALUE})")
    String spec;

    @Option(names = "--slots", split = ",", defaultValue = "8,64,256", paramLabel = "N",
            description = "task slots (local[N]) to measure, each in a session of its own (default: ${DEFAULT-VALUE})")
    List<Integer> slotCounts;

    @Option(names = "--trial-ms", defaultValue = "50", paramLabel = "MS",
            description = "how long each trial sleeps (default: ${DEFAULT-VALUE})")
    long trialMillis;

    @Option(names = "--trials-per-slot", defaultValue = "20", paramLabel = "N",
            description = "trials of a run per slot, at least 200 in all (default: ${DEFAULT-VALUE})")
    int trialsPerSlot;

    @Override
    public Integer call() throws IOException {
        if (slotCounts.stream().anyMatch(n -> n < 1) || trialMillis < 0 || trialsPerSlot < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--slots must be at least 1, --trial-ms at least 0 and --trials-per-slot at least 1");
        }
        PrintStream out = System.out;
        Path tmp = Files.createTempDirectory("shears-bench-driver-");
        try {
            out.printf(Locale.ROOT, "bench driver: %s, random search, trials sleeping %d ms, %d trials per slot "
                    + "(at least 200), ledger and checkpoints as in a search%n", spec, trialMillis, trialsPerSlot);
            double last = Double.NaN;
            int lastSlots = 0;
            boolean first = true;
            for (int slots : slotCounts) {
                int trials = Math.max(200, slots * trialsPerSlot);
                SparkSession spark = SparkSessions.create("shears bench driver", "local[" + slots + "]", 1, false);
                try {
                    if (first) {
                        // untimed: the JIT compiles the driver's and Spark's code on this run, not on a timed one
                        run(spark, slots, 200, tmp.resolve("warm-up"));
                        first = false;
                    }
                    Run r = run(spark, slots, trials, tmp.resolve("slots-" + slots));
                    Timing t = r.timing();
                    double perSecond = t.candidates().size() / t.searchSeconds();
                    out.printf(Locale.ROOT, "%4d slots: %5d trials (%d OK) in %6.2f s = %7.1f trials/s (ideal %7.1f); "
                                    + "slot utilisation %5.1f%%; %.2f ms CPU per trial; %d GC pauses, %.2f s%n",
                            slots, t.candidates().size(), t.ok(), t.searchSeconds(), perSecond, slots * 1e3 / trialMillis,
                            r.utilisation() == null ? Double.NaN : 100 * r.utilisation().utilisation(),
                            1e3 * t.cpuPerCandidate(), t.collections(), t.pauseSeconds());
                    last = perSecond;
                    lastSlots = slots;
                } finally {
                    spark.stop();
                }
            }
            out.printf(Locale.ROOT, "trials per second %.1f at %d slots%n", last, lastSlots);
            return 0;
        } finally {
            CandidateRuns.delete(tmp);
        }
    }

    /** A timed search and how busy its slots were (as run.json gives it). */
    private record Run(Timing timing, SlotUtilisation utilisation) {
    }

    private Run run(SparkSession spark, int slots, int trials, Path dir) {
        List<String> sets = new ArrayList<>(List.of("search.budget=" + trials, "search.parallelism=" + slots));
        Prepared p = CandidateRuns.prepare(SpecLoader.load(spec, sets), dir.toString());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        StubTrial stub = new StubTrial(trialMillis);
        Timing t = CandidateRuns.time(p, spark, ctx -> new SparkEngine(jsc, p.baseModel(), ctx, slots, stub));
        return new Run(t, p.timings().slotUtilisation);
    }
}
