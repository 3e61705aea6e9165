package dev.shears.benchmarks;

import dev.shears.jobs.driver.Prepared;
import dev.shears.jobs.result.Trial;
import dev.shears.jobs.result.Row;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.jobs.driver.SearchJob;
import dev.shears.jobs.spark.SparkSearch;
import dev.shears.jobs.spark.SparkSessions;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.data.HadoopFiles;
import dev.shears.search.Strategies;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Compares strategies on the same space and budget over several seeds: the candidate each chooses at or
 * above a compression by validation accuracy, that candidate's test accuracy (the test split is only
 * reported, never chosen on), and the fine-tuning epochs it spent to find it.
 */
@Command(name = "strategies", mixinStandardHelpOptions = true,
        description = "Compare search strategies on one space and budget over several seeds.")
public final class StrategiesBench implements Callable<Integer> {

    @Option(names = "--spec", defaultValue = "benchmarks/conf/bench-strategies.yaml", description = "the space and data (default: ${DEFAULT-VALUE})")
    String spec;

    @Option(names = "--strategies", split = ",", defaultValue = "random,halving,asha,tpe", description = "strategies to compare (default: ${DEFAULT-VALUE})")
    List<String> strategies;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", description = "seeds (default: ${DEFAULT-VALUE})")
    List<Long> seeds;

    @Option(names = "--min-compression", defaultValue = "10", description = "compression a candidate must reach to count (default: ${DEFAULT-VALUE})")
    double minCompression;

    @Option(names = "--set", description = "further spec overrides, as for search")
    List<String> sets = new ArrayList<>();

    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default: ${DEFAULT-VALUE})")
    String master;

    /**
     * One strategy's figures on one seed.
     *
     * @param chosenAccuracy the test accuracy of {@code chosen}, the candidate with the best validation accuracy
     */
    public record Outcome(String strategy, long seed, double chosenValAccuracy, double chosenAccuracy, String chosen,
                          long epochs, int trials, double seconds) {
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("shears-bench-strategies-");
        boolean own = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkSessions.create("shears bench strategies", master, 1, false);
        List<Outcome> outcomes = new ArrayList<>();
        try {
            for (long seed : seeds) {
                for (String strategy : strategies) {
                    List<String> all = new ArrayList<>();
                    all.add(optionsFor(strategy));
                    all.addAll(sets);
                    all.add("seed=" + seed);
                    all.add("search.strategy=" + strategy);
                    LoadedSpec loaded = SpecLoader.load(spec, all);
                    long start = System.nanoTime();
                    Prepared prepared = CandidateRuns.prepare(loaded, work.resolve(strategy + "-" + seed).toString());
                    List<Row> rows = SparkSearch.run(prepared, spark, null);
                    Outcome o = summarise(strategy, seed, rows, minCompression, (System.nanoTime() - start) / 1e9);
                    outcomes.add(o);
                    System.out.printf("seed %d %-8s chosen on validation at >= %.0fx: %s, validation %.4f, test %.4f, "
                                    + "epochs %d, trials %d, %.0f s%n", seed, strategy, minCompression, o.chosen(),
                            o.chosenValAccuracy(), o.chosenAccuracy(), o.epochs(), o.trials(), o.seconds());
                }
            }
        } finally {
            if (own) {
                spark.stop();
            }
        }
        System.out.println();
        System.out.printf("%-10s %16s %10s %8s%n", "strategy", "chosen test acc", "epochs", "seconds");
        Map<String, double[]> means = means(outcomes);
        means.forEach((s, m) -> System.out.printf("%-10s %16.4f %10.1f %8.0f%n", s, m[0], m[1], m[2]));
        double[] r = means.get("random");
        if (r != null) {
            means.forEach((s, m) -> {
                if (!s.equals("random")) {
                    System.out.printf("%s vs random: %+.2f points of the chosen candidate's test accuracy, %.2f of the "
                            + "epochs%n", s, (m[0] - r[0]) * 100, m[1] / r[1]);
                }
            });
        }
        System.out.println("outputs: " + work);
        return 0;
    }

    /**
     * The spec's strategy options that {@code strategy} reads, as a {@code --set}: the bench's spec carries
     * the settings of every strategy it compares, and each strategy refuses the others' options.
     */
    private String optionsFor(String strategy) throws IOException {
        JsonNode options = SpecLoader.YAML.readTree(HadoopFiles.readAll(SpecLoader.toUri(spec)))
                .path("search").path("options");
        Map<String, Object> own = new LinkedHashMap<>();
        options.fields().forEachRemaining(e -> {
            if (Strategies.options(strategy).contains(e.getKey())) {
                own.put(e.getKey(), e.getValue());
            }
        });
        return "search.options=" + new ObjectMapper().writeValueAsString(own);
    }

    /**
     * The candidate with the best validation accuracy among successful rows at or above the compression (the
     * first in rank order on a tie), its test accuracy, and the epochs all trials spent.
     */
    public static Outcome summarise(String strategy, long seed, List<Row> rows, double minCompression,
                                    double seconds) {
        Trial chosen = null;
        long epochs = 0;
        int trials = 0;
        for (Row r : rows) {
            Trial t = r.trial();
            if (t.isBase()) {
                continue;
            }
            trials++;
            epochs += t.outcome().epochsSpent();
            if (t.ok() && t.compression() >= minCompression
                    && (chosen == null || t.metrics().valAccuracy() > chosen.metrics().valAccuracy())) {
                chosen = t;
            }
        }
        return chosen == null ? new Outcome(strategy, seed, Double.NaN, Double.NaN, "-", epochs, trials, seconds)
                : new Outcome(strategy, seed, chosen.metrics().valAccuracy(), chosen.metrics().accuracy(),
                chosen.candidate(), epochs, trials, seconds);
    }

    private static Map<String, double[]> means(List<Outcome> outcomes) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            double[] s = sums.computeIfAbsent(o.strategy(), k -> new double[3]);
            s[0] += o.chosenAccuracy();
            s[1] += o.epochs();
            s[2] += o.seconds();
            counts.merge(o.strategy(), 1, Integer::sum);
        }
        sums.forEach((k, s) -> {
            for (int i = 0; i < s.length; i++) {
                s[i] /= counts.get(k);
            }
        });
        return sums;
    }
}
