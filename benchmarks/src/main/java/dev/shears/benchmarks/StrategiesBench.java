package dev.shears.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.jobs.driver.Prepared;
import dev.shears.jobs.driver.SlotUtilisation;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.result.Trial;
import dev.shears.jobs.spark.SparkSearch;
import dev.shears.jobs.spark.SparkSessions;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.data.HadoopFiles;
import dev.shears.search.HalvingStrategy;
import dev.shears.search.Strategies;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Compares strategies on the same space over several seeds, each under an epoch budget: the candidate each chooses
 * at or above a compression by validation accuracy, that candidate's test accuracy (the test split is only reported,
 * never chosen on), the fine-tuning epochs spent, the search's wall time and how busy its trial slots were. Random
 * search keeps its candidates at full epochs; the others get a fraction of its epochs. A longer run of asha and of
 * halving measures slot utilisation where the ends of a run weigh little.
 */
@Command(name = "strategies", mixinStandardHelpOptions = true,
        description = "Compare search strategies on one space under epoch budgets over several seeds.")
public final class StrategiesBench implements Callable<Integer> {

    static final String RANDOM = "random";
    static final String ASHA = "asha";
    static final String HALVING = "halving";
    static final String ASHA_TPE = "asha+tpe";

    /**
     * What a compared entry runs: a strategy, the options of the bench's spec it takes (the spec holds those of every
     * entry, and a strategy refuses options it does not read), and options of its own.
     */
    record Entry(String strategy, Set<String> reads, Map<String, Object> own) {
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        for (String s : List.of(RANDOM, HALVING, "tpe")) {
            ENTRIES.put(s, new Entry(s, Strategies.options(s), Map.of()));
        }
        // asha with its random sampler takes the rungs' options alone, which are halving's; TPE's are refused
        ENTRIES.put(ASHA, new Entry(ASHA, HalvingStrategy.OPTIONS, Map.of()));
        ENTRIES.put(ASHA_TPE, new Entry(ASHA, Strategies.options(ASHA), Map.of("sampler", "tpe")));
    }

    @Option(names = "--spec", defaultValue = "benchmarks/conf/bench-strategies.yaml", description = "the space and data (default: ${DEFAULT-VALUE})")
    String spec;

    @Option(names = "--strategies", split = ",", defaultValue = "random,halving,asha,tpe,asha+tpe",
            description = "entries to compare, of random, halving, asha, tpe, asha+tpe (asha drawing new candidates with tpe) "
                    + "(default: ${DEFAULT-VALUE})")
    List<String> strategies;

    @Option(names = "--seeds", split = ",", defaultValue = "1,2,3", description = "seeds (default: ${DEFAULT-VALUE})")
    List<Long> seeds;

    @Option(names = "--min-compression", defaultValue = "10",
            description = "compression a candidate must reach to count, also given to the strategies as "
                    + "objective.constraints.minCompression (default: ${DEFAULT-VALUE})")
    double minCompression;

    @Option(names = "--random-epoch-budget", defaultValue = "72",
            description = "fine-tuning epochs random search may spend: the spec's 12 candidates x 6 epochs (default: ${DEFAULT-VALUE})")
    double randomEpochBudget;

    @Option(names = "--epoch-budget", defaultValue = "14.4",
            description = "fine-tuning epochs every other entry may spend, 1/5 of random's by default; trials spend whole "
                    + "epochs, so a fraction is dropped (default: ${DEFAULT-VALUE})")
    double epochBudget;

    @Option(names = "--utilisation-candidates", defaultValue = "30",
            description = "new candidates of the longer asha and halving runs that measure slot utilisation, no epoch "
                    + "budget, first seed; 0 skips them (default: ${DEFAULT-VALUE})")
    int utilisationCandidates;

    @Option(names = "--out", description = "where the searches' outputs go (default: a new temporary directory)")
    Path out;

    @Option(names = "--set", description = "further spec overrides, as for search")
    List<String> sets = new ArrayList<>();

    @Option(names = "--master", defaultValue = "local[2]", description = "Spark master (default: ${DEFAULT-VALUE})")
    String master;

    /** The trials a utilisation run should have, so that its first and last trials weigh little. */
    static final int UTILISATION_TRIALS = 40;
    static final double GOAL_POINTS = 0.2;
    static final double GOAL_UTILISATION = 0.95;

    /**
     * One entry's figures on one seed.
     *
     * @param chosenAccuracy the test accuracy of {@code chosen}, the candidate with the best validation accuracy
     * @param seconds        the search's wall time, from its first trial's proposal to its last result
     * @param utilisation    busy slot-seconds over those available ({@link SlotUtilisation}); NaN when no trial ran
     */
    public record Outcome(String strategy, long seed, double chosenValAccuracy, double chosenAccuracy, String chosen,
                          long epochs, int trials, double seconds, double utilisation) {
    }

    /** A figure's mean and sample standard deviation over seeds. */
    record Spread(double mean, double std) {

        static Spread of(List<Outcome> outcomes, ToDoubleFunction<Outcome> figure) {
            double[] v = outcomes.stream().mapToDouble(figure).toArray();
            double mean = 0;
            for (double x : v) {
                mean += x / v.length;
            }
            double squares = 0;
            for (double x : v) {
                squares += (x - mean) * (x - mean);
            }
            return new Spread(mean, v.length < 2 ? 0 : Math.sqrt(squares / (v.length - 1)));
        }
    }

    @Override
    public Integer call() throws Exception {
        for (String s : strategies) {
            if (!ENTRIES.containsKey(s)) {
                throw new IllegalArgumentException("unknown entry '" + s + "' (allowed: " + String.join(", ", ENTRIES.keySet()) + ")");
            }
        }
        Path work = out != null ? Files.createDirectories(out) : Files.createTempDirectory("shears-bench-strategies-");
        boolean own = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkSessions.create("shears bench strategies", master, 1, false);
        List<Outcome> outcomes = new ArrayList<>();
        List<Outcome> utilisation = new ArrayList<>();
        PrintStream print = System.out;
        print.printf(Locale.ROOT, "epoch budgets: random %s, the others %s; trials spend whole epochs, so no trial starts "
                + "that would take the epochs started past %d and %d%n", number(randomEpochBudget), number(epochBudget),
                wholeEpochs(randomEpochBudget), wholeEpochs(epochBudget));
        try {
            for (long seed : seeds) {
                for (String entry : strategies) {
                    double budget = entry.equals(RANDOM) ? randomEpochBudget : epochBudget;
                    Outcome o = run(spark, work.resolve(entry + "-" + seed), entry, seed,
                            List.of("search.epochBudget=" + wholeEpochs(budget)));
                    outcomes.add(o);
                    print.printf(Locale.ROOT, "seed %d %-8s chosen on validation at >= %sx: %s, validation %.4f, test %.4f, "
                                    + "epochs %d, trials %d, %.1f s, slot utilisation %.1f%%%n", seed, entry,
                            number(minCompression), o.chosen(), o.chosenValAccuracy(), o.chosenAccuracy(), o.epochs(),
                            o.trials(), o.seconds(), 100 * o.utilisation());
                }
            }
            if (utilisationCandidates > 0) {
                for (String entry : List.of(ASHA, HALVING)) {
                    Outcome o = run(spark, work.resolve("utilisation-" + entry), entry, seeds.get(0),
                            List.of("search.epochBudget=0", "search.budget=" + utilisationCandidates));
                    utilisation.add(o);
                    print.printf(Locale.ROOT, "utilisation run, seed %d %-8s %d new candidates, no epoch budget: %d trials, "
                                    + "epochs %d, %.1f s, slot utilisation %.1f%%%n", o.seed(), entry,
                            utilisationCandidates, o.trials(), o.epochs(), o.seconds(), 100 * o.utilisation());
                }
            }
        } finally {
            if (own) {
                spark.stop();
            }
        }
        print.println();
        table(outcomes, print);
        print.println();
        verdict(outcomes, utilisation).forEach(print::println);
        print.println("outputs: " + work);
        return 0;
    }

    /** One search of an entry on a seed into {@code dir}, with {@code more} overrides after the bench's. */
    private Outcome run(SparkSession spark, Path dir, String entry, long seed, List<String> more) throws IOException {
        List<String> all = new ArrayList<>();
        all.add("search.strategy=" + ENTRIES.get(entry).strategy());
        all.add(optionsFor(entry));
        all.add("objective.constraints={\"minCompression\": " + minCompression + "}");
        all.addAll(sets);
        all.add("seed=" + seed);
        all.addAll(more);
        LoadedSpec loaded = SpecLoader.load(spec, all);
        Prepared prepared = CandidateRuns.prepare(loaded, dir.toString());
        List<Row> rows = SparkSearch.run(prepared, spark, null);
        SlotUtilisation u = prepared.timings().slotUtilisation;
        return summarise(entry, seed, rows, minCompression, prepared.timings().searchSeconds,
                u == null ? Double.NaN : u.utilisation());
    }

    /** Whole epochs within a budget: trials spend whole epochs, so the fraction buys nothing. */
    static long wholeEpochs(double budget) {
        return (long) Math.floor(budget + 1e-9);
    }

    /**
     * The spec's strategy options that {@code entry} takes, and its own, as a {@code --set}: the bench's spec carries
     * the settings of every entry it compares, and each strategy refuses the others' options.
     */
    private String optionsFor(String entry) throws IOException {
        Entry e = ENTRIES.get(entry);
        JsonNode options = SpecLoader.YAML.readTree(HadoopFiles.readAll(SpecLoader.toUri(spec)))
                .path("search").path("options");
        Map<String, Object> taken = new LinkedHashMap<>();
        options.fields().forEachRemaining(o -> {
            if (e.reads().contains(o.getKey())) {
                taken.put(o.getKey(), o.getValue());
            }
        });
        taken.putAll(e.own());
        return "search.options=" + new ObjectMapper().writeValueAsString(taken);
    }

    /**
     * The candidate with the best validation accuracy among successful rows at or above the compression (the
     * first in rank order on a tie), its test accuracy, and the epochs all trials spent.
     */
    public static Outcome summarise(String strategy, long seed, List<Row> rows, double minCompression,
                                    double seconds, double utilisation) {
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
        return chosen == null
                ? new Outcome(strategy, seed, Double.NaN, Double.NaN, "-", epochs, trials, seconds, utilisation)
                : new Outcome(strategy, seed, chosen.metrics().valAccuracy(), chosen.metrics().accuracy(),
                chosen.candidate(), epochs, trials, seconds, utilisation);
    }

    /** Each entry's figures over the seeds, mean ± sample standard deviation. */
    static void table(List<Outcome> outcomes, PrintStream out) {
        out.printf(Locale.ROOT, "%-10s %22s %14s %14s %16s %18s%n", "strategy", "chosen test acc", "epochs", "trials",
                "search s", "slot utilisation");
        byEntry(outcomes).forEach((s, o) -> out.printf(Locale.ROOT, "%-10s %22s %14s %14s %16s %18s%n", s,
                spread(o, Outcome::chosenAccuracy, 4, 1, ""), spread(o, Outcome::epochs, 1, 1, ""),
                spread(o, Outcome::trials, 1, 1, ""), spread(o, Outcome::seconds, 1, 1, ""),
                spread(o, Outcome::utilisation, 1, 100, "%")));
    }

    /**
     * The goal's verdict: asha+tpe's chosen candidate no more than 0.2 point of test accuracy below random's (means
     * over the seeds), and asha's slot utilisation in the longer run at least 95%, halving's beside it.
     */
    static List<String> verdict(List<Outcome> outcomes, List<Outcome> utilisation) {
        List<String> lines = new ArrayList<>();
        Map<String, List<Outcome>> by = byEntry(outcomes);
        if (by.containsKey(RANDOM) && by.containsKey(ASHA_TPE)) {
            double random = Spread.of(by.get(RANDOM), Outcome::chosenAccuracy).mean();
            double ashaTpe = Spread.of(by.get(ASHA_TPE), Outcome::chosenAccuracy).mean();
            double points = (ashaTpe - random) * 100;
            lines.add(String.format(Locale.ROOT, "goal: asha+tpe within %.1f point of random's chosen test accuracy "
                            + "(mean of %d seeds) on %.2f of its epochs: %+.2f point, %s", GOAL_POINTS,
                    by.get(ASHA_TPE).size(), Spread.of(by.get(ASHA_TPE), Outcome::epochs).mean()
                            / Spread.of(by.get(RANDOM), Outcome::epochs).mean(), points,
                    points >= -GOAL_POINTS - 1e-9 ? "met" : "not met"));
        }
        Outcome asha = utilisation.stream().filter(o -> o.strategy().equals(ASHA)).findFirst().orElse(null);
        if (asha != null) {
            String halving = utilisation.stream().filter(o -> o.strategy().equals(HALVING)).findFirst()
                    .map(o -> String.format(Locale.ROOT, "; halving %.1f%% in %d trials beside it", 100 * o.utilisation(),
                            o.trials())).orElse("");
            String verdict = asha.trials() < UTILISATION_TRIALS ? "not measured: fewer than " + UTILISATION_TRIALS + " trials"
                    : asha.utilisation() >= GOAL_UTILISATION ? "met" : "not met";
            lines.add(String.format(Locale.ROOT, "goal: asha's slot utilisation >= %.0f%% in a run of >= %d trials: "
                            + "%.1f%% in %d trials, %s%s", 100 * GOAL_UTILISATION, UTILISATION_TRIALS,
                    100 * asha.utilisation(), asha.trials(), verdict, halving));
        }
        return lines;
    }

    private static Map<String, List<Outcome>> byEntry(List<Outcome> outcomes) {
        Map<String, List<Outcome>> by = new LinkedHashMap<>();
        outcomes.forEach(o -> by.computeIfAbsent(o.strategy(), k -> new ArrayList<>()).add(o));
        return by;
    }

    /** {@code mean ± std}, both scaled, to {@code decimals} places, the unit after them. */
    private static String spread(List<Outcome> outcomes, ToDoubleFunction<Outcome> figure, int decimals, double scale,
                                 String unit) {
        Spread s = Spread.of(outcomes, figure);
        String f = "%." + decimals + "f" + unit.replace("%", "%%");
        return String.format(Locale.ROOT, f + " ± " + f, scale * s.mean(), scale * s.std());
    }

    private static String number(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
