package dev.shears.benchmarks;

import dev.shears.jobs.driver.Prepared;
import dev.shears.jobs.driver.SearchJob;
import dev.shears.jobs.driver.Start;
import dev.shears.jobs.driver.TableReader;
import dev.shears.jobs.engine.CandidateEngine;
import dev.shears.jobs.engine.LocalEngine;
import dev.shears.jobs.engine.SparkEngine;
import dev.shears.jobs.engine.TrialContext;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.spark.ParquetTables;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.train.FineTuner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** Timed runs of a prepared search's candidates on an engine: what the benchmarks that count candidates share. */
final class CandidateRuns {

    private CandidateRuns() {
    }

    /** Timed runs of the search by one engine, added up. */
    record Timing(List<Row> candidates, double searchSeconds, double totalSeconds,
                  long collections, double pauseSeconds, double cpuSeconds) {
        static final Timing NONE = new Timing(List.of(), 0, 0, 0, 0, 0);

        double perMinute() {
            return candidates.size() * 60.0 / searchSeconds;
        }

        /** CPU seconds of the search per candidate: unlike wall time, hardly moved by other work on the machine. */
        double cpuPerCandidate() {
            return cpuSeconds / candidates.size();
        }

        long ok() {
            return candidates.stream().filter(r -> r.trial().ok()).count();
        }

        Timing plus(Timing o) {
            List<Row> all = new ArrayList<>(candidates);
            all.addAll(o.candidates);
            return new Timing(all, searchSeconds + o.searchSeconds, totalSeconds + o.totalSeconds,
                    collections + o.collections, pauseSeconds + o.pauseSeconds, cpuSeconds + o.cpuSeconds);
        }
    }

    /**
     * Runs the spec's first {@code candidates} candidates untimed in a sequential loop: the JIT compiles the
     * trial's code during the first candidates, on whichever core is idle, which a loop always has and
     * parallel trials have not, so timed runs come after it. Then as many on Spark with {@code slots} slots:
     * the loop does not run Spark's own code (job submission, scheduling, task launch and results), which
     * the JIT would otherwise compile during the first timed run on Spark only.
     */
    static void warmUp(String spec, List<String> sets, int candidates, Path dir, SparkSession spark, int slots) {
        List<String> warmUp = new ArrayList<>(sets);
        warmUp.add("search.budget=" + candidates);
        Prepared warm = prepare(SpecLoader.load(spec, warmUp), dir.resolve("loop").toString());
        time(warm, spark, ctx -> new LocalEngine(warm.baseModel(), ctx));
        Prepared onSpark = warm.elsewhere(dir.resolve("spark").toString());
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        time(onSpark, spark, ctx -> new SparkEngine(jsc, onSpark.baseModel(), ctx, slots));
    }

    /** A fresh search of a spec of files into {@code out}, its base model trained in this JVM, as {@code search} starts one. */
    static Prepared prepare(LoadedSpec spec, String out) {
        return SearchJob.prepare(spec, out, Start.fresh(), FineTuner.LOCAL, TableReader.NONE);
    }

    static Timing time(Prepared prepared, SparkSession spark, Function<TrialContext, CandidateEngine> engine) {
        long collections = gcCollections();
        long gcMillis = gcMillis();
        long start = System.nanoTime();
        List<Row> rows = SearchJob.run(prepared, engine, spark.version(),
                (r, columns, path) -> ParquetTables.write(spark, r, columns, path), null);
        double total = (System.nanoTime() - start) / 1e9;
        List<Row> candidates = rows.stream().filter(r -> !r.trial().isBase()).toList();
        return new Timing(candidates, prepared.timings().searchSeconds, total,
                gcCollections() - collections, (gcMillis() - gcMillis) / 1e3,
                prepared.timings().searchCpuSeconds);
    }

    // the collectors' counts and times: a stop-the-world pause halts every trial running in this JVM at once
    private static long gcCollections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the benchmark's temporary outputs in " + dir, e);
        }
    }
}
