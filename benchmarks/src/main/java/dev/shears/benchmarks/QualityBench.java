package dev.shears.benchmarks;

import dev.shears.pruning.data.ImageAugment;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.pruning.run.Metrics;
import dev.shears.search.TrialStatus;
import java.util.function.ToDoubleFunction;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.data.DataLoader;
import dev.shears.pruning.data.DataLocation;
import dev.shears.pruning.data.DataSplits;
import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.metrics.Int8Quantization;
import dev.shears.pruning.metrics.LatencyComparison;
import dev.shears.pruning.metrics.PairedDrop;
import dev.shears.pruning.model.CnnFactory;
import dev.shears.pruning.model.MlpFactory;
import dev.shears.pruning.model.ModelBytes;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import dev.shears.pruning.model.ResNetFactory;
import dev.shears.pruning.plan.PlanOptions;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.BaseReference;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.pruning.run.CandidateRunner;
import dev.shears.pruning.run.Measurement;
import dev.shears.pruning.train.Evaluator;
import dev.shears.pruning.train.FineTuner;
import dev.shears.pruning.train.RateSchedule;
import dev.shears.pruning.train.Threads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongFunction;
import org.deeplearning4j.nn.graph.ComputationGraph;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shears bench quality}: whether Shears reaches what pruning papers report, on
 * Fashion-MNIST. For LeNet-300-100 and a LeNet-5-style CNN, each seed trains the dense model
 * (keeping its best validation epoch), prunes it with several methods and controls at a grid of
 * ratios, extended for a method and seed while its choice is at the largest ratio tried, and for
 * each accuracy tolerance picks on validation the most compressed candidate of each method; the
 * report gives those candidates' test drop and compression over the seeds that had one, sizes on
 * disk, multiply-adds and latency, against stated goals ({@link QualityReport}).
 */
@Command(name = "quality", mixinStandardHelpOptions = true,
        description = {"Compression at a given accuracy drop on Fashion-MNIST (LeNet-300-100, a LeNet-5-style CNN, "
                + "ResNet-8), per pruning method with controls, over seeds; writes a section of BENCHMARKS.md and charts.",
                "--mode quick (default): a smoke check on a few thousand rows, into a temporary folder unless --out is given. "
                        + "--mode full: the record of the MLP and LeNet-5, into docs/ unless --out is given. "
                        + "--mode residual: the record of ResNet-8 (one seed, its own section and time limit), into "
                        + "docs/ unless --out is given."})
public final class QualityBench implements Callable<Integer> {

    /** Accuracy tolerances, in points, at which candidates are chosen. */
    static final double[] TOLERANCES = {1.0, 0.5};
    /**
     * The one-sided confidence every choice asks for that a candidate's drop is within the tolerance: 5,000
     * validation rows measure a drop to about a quarter of a point, and the most compressed candidate whose measured
     * drop is within is, more often than not, one whose drop was measured too low.
     */
    static final double CONFIDENCE = 0.9;

    /** How far a weight-pruning method's grid is extended. */
    static final double WEIGHT_LIMIT = 0.99;

    /** How far a structural method's grid is extended: whole neurons, filters or channels cost accuracy far sooner than weights. */
    static final double STRUCTURE_LIMIT = 0.9;

    /** Extension steps shorter than this go straight to the limit: they would cost a trial for little more compression. */
    private static final int MIN_STEP_THOUSANDTHS = 10;

    @Spec
    CommandSpec commandSpec;

    @Option(names = "--mode", defaultValue = "quick", description = "quick, full or residual (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--networks", split = ",", description = "which of mlp, cnn, resnet to run (quick and full: mlp,cnn; "
            + "residual: resnet)")
    List<String> networks;

    @Option(names = "--out", paramLabel = "DIR", description = "where BENCHMARKS.md (its section) and the PNGs go "
            + "(default: docs for full mode, a new temporary folder for quick mode)")
    Path out;

    @Option(names = "--data", defaultValue = "/usr/share/datasets/fashion-mnist",
            description = "folder of the Fashion-MNIST IDX files (default: ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--seeds", split = ",", description = "seeds (quick: 1; full: 1,2,3; residual: 1)")
    List<Long> seeds;

    @Option(names = "--train-rows", description = "training rows read, validation included, 0 = all (quick: 6000; full: 0)")
    Integer trainRows;

    @Option(names = "--test-rows", description = "test rows, 0 = all (quick: 2000; full: 0)")
    Integer testRows;

    @Option(names = "--validation-fraction", defaultValue = "0.0833333333",
            description = "share of the training rows held out for validation (default: 1/12, 5,000 of 60,000)")
    double validationFraction;

    @Option(names = "--mlp-epochs", description = "dense MLP training epochs; the best validation epoch is kept (quick: 3; full: 15)")
    Integer mlpEpochs;

    @Option(names = "--finetune-epochs", description = "fine-tuning epochs of every MLP method and pruning control, "
            + "one budget for all (quick: 1; full: 20)")
    Integer finetuneEpochs;

    @Option(names = "--mlp-ratios", split = ",", description = "weight pruning ratios of the MLP (quick: 0.9,0.95; full: 0.92,0.94,0.955)")
    List<Double> mlpRatios;

    @Option(names = "--neuron-ratios", split = ",", description = "hidden-neuron pruning ratios of the MLP, structural (quick: 0.5; full: 0.5)")
    List<Double> neuronRatios;

    @Option(names = "--cnn", description = "lenet5 or small (quick: small; full: lenet5)")
    String cnn;

    @Option(names = "--cnn-train-rows", description = "training rows the CNN reads, validation included, 0 = all (quick: 3000; full: 0)")
    Integer cnnTrainRows;

    @Option(names = "--cnn-epochs", description = "dense CNN training epochs, best validation epoch kept (quick: 2; full: 40)")
    Integer cnnEpochs;

    @Option(names = "--cnn-finetune-epochs", description = "fine-tuning epochs of every CNN method and pruning control "
            + "(quick: 1; full: 15)")
    Integer cnnFinetuneEpochs;

    @Option(names = "--cnn-weight-ratios", split = ",", description = "weight pruning ratios of the CNN (quick: 0.8,0.9; full: 0.91,0.95)")
    List<Double> cnnWeightRatios;

    @Option(names = "--cnn-filter-ratios", split = ",", description = "filter pruning ratios of the CNN (quick: 0.5; full: 0.41,0.5)")
    List<Double> cnnFilterRatios;

    @Option(names = "--resnet-train-rows", description = "training rows ResNet-8 reads, validation included, 0 = all "
            + "(quick: 3000; residual: 0)")
    Integer resnetTrainRows;

    @Option(names = "--resnet-epochs", description = "dense ResNet-8 training epochs, best validation epoch kept "
            + "(quick: 1; residual: 15)")
    Integer resnetEpochs;

    @Option(names = "--resnet-finetune-epochs", description = "fine-tuning epochs of the ResNet-8 methods (quick: 1; residual: 6)")
    Integer resnetFinetuneEpochs;

    @Option(names = "--resnet-filter-ratios", split = ",", description = "filter-group pruning ratios of ResNet-8 "
            + "(quick: 0.5; residual: 0.3,0.5)")
    List<Double> resnetFilterRatios;

    @Option(names = "--finetune-rate", defaultValue = "constant", description = "the fine-tuning rate of every method, "
            + "Adam at 1e-3: constant, or cosine (decayed over each fine-tuning phase; default: ${DEFAULT-VALUE})")
    String finetuneRate;

    @Option(names = "--augment-shift", description = "dense training of the CNN and ResNet-8, and their retraining "
            + "controls, see every image shifted by up to this many pixels and mirrored half the time, drawn each epoch "
            + "(fine-tuning does not: 6 epochs of it on such images lost 0.2-0.3 point); 0 = no augmentation (quick: 0; "
            + "full and residual: 1)")
    Integer augmentShift;

    @Option(names = "--retrain-ratios", split = ",", description = "ratios at which the retraining controls "
            + "(rewinding, from scratch) run, which train as long as the dense model (quick: every ratio of their method; "
            + "full and residual: 0.5,0.94,0.95)")
    List<Double> retrainRatios;

    @Option(names = "--time-limit", paramLabel = "MINUTES", description = "trials not started this long after the "
            + "start are skipped, and reported so; the dense models always train (quick: none; full: 53; residual: 50)")
    Double timeLimitMinutes;

    @Option(names = "--parallel", description = "trials side by side, each with cores/parallel ND4J threads "
            + "(quick and full: 2; residual: 1, its one seed's dense model being the longest task)")
    Integer parallel;

    @Option(names = "--latency-rounds", defaultValue = "5", description = "alternating rounds of each latency comparison (default: ${DEFAULT-VALUE})")
    int latencyRounds;

    /** One pruning method or control of one model, at a list of ratios. */
    record Method(String name, Role role, String description, List<Double> ratios, Plan plan, String source) {

        static Method pruning(String name, Role role, String description, List<Double> ratios, Plan plan) {
            return new Method(name, role, description, ratios, plan, null);
        }

        /** A control retrained from {@code source}'s result at each of its ratios. */
        static Method retrained(String name, Role role, String description, Method source, List<Double> only) {
            List<Double> ratios = source.ratios().stream().filter(r -> only == null || only.contains(r)).toList();
            return new Method(name, role, description, ratios, null, source.name());
        }

        /** The ratio its grid may be extended to. */
        double limit() {
            return "weight".equals(plan.at(ratios.get(0), 0).granularity()) ? WEIGHT_LIMIT : STRUCTURE_LIMIT;
        }
    }

    /**
     * What a method is: a pruning method, a pruning control, or a retraining control: the mask rewound to the
     * initial weights, to the weights after the dense model's first epoch (late rewinding), or the shrunk shape
     * trained from scratch.
     */
    enum Role { METHOD, CONTROL, REWIND, REWIND_EARLY, SCRATCH }

    @FunctionalInterface
    interface Plan {
        PruningPlan at(double ratio, long seed);
    }

    /**
     * One network: how it is built and trained, and its methods.
     *
     * @param data       where the data is, its validation rows drawn by the seed (as the initialisation is)
     * @param augment    what dense training and the retraining controls do to the training images each epoch
     * @param best       the methods among which "best" chooses by validation
     * @param structural the method whose networks are shrunk
     */
    record Arch(String name, String title, LongFunction<Network> build, LongFunction<DataLocation> data,
                int epochs, ImageAugment augment, List<Method> methods, List<String> best, String structural) {
    }

    /**
     * A dense model trained for one seed, as its methods start from it.
     *
     * @param early the dense model after its first epoch, what late rewinding goes back to
     */
    record Base(Arch arch, long seed, DataSplits data, byte[] initial, byte[] early, byte[] trained,
                BaseReference reference, Metrics metrics, BestEpoch.Result training) {
    }

    /** One evaluated network: a method's candidate at a ratio, or the dense base (method {@code dense}). */
    record Result(String arch, String method, long seed, double ratio, String status, String error,
                  Metrics metrics, Int8Validation int8, byte[] model, double seconds) {

        boolean ok() {
            return TrialStatus.OK.name().equals(status);
        }

        /** A figure of the result, NaN when it was not measured. */
        double num(ToDoubleFunction<Metrics> figure) {
            return metrics == null ? Double.NaN : figure.applyAsDouble(metrics);
        }
    }

    /**
     * The int8 copy's validation accuracy and the standard error of its drop from the dense model's, which choosing
     * the int8 candidate reads; {@link Measurement} gives the test figures.
     */
    record Int8Validation(double accuracy, double dropSe) {
    }

    /** Latency of a dense base and one pruned network, from one alternating measurement. */
    record Timed(String arch, long seed, String network, String method, double ratio,
                 LatencyComparison.Compared latency, Metrics metrics) {
    }

    /** The last run's figures (for tests). */
    QualityReport report;

    /** What a run is for: a smoke check, the record of the MLP and LeNet-5, or the record of ResNet-8. */
    enum Mode {
        QUICK, FULL, RESIDUAL;

        /** Whether the run is a record, written to docs/ unless told otherwise. */
        boolean record() {
            return this != QUICK;
        }
    }

    @Override
    public Integer call() throws Exception {
        Mode m = switch (mode) {
            case "full" -> Mode.FULL;
            case "quick" -> Mode.QUICK;
            case "residual" -> Mode.RESIDUAL;
            default -> throw new CommandLine.ParameterException(commandSpec.commandLine(),
                    "--mode must be quick, full or residual, got " + mode);
        };
        resolveDefaults(m);
        Path target = out != null ? out : defaultOut(m.record());
        long start = System.nanoTime();
        // trials side by side, each on cores/parallel native threads: faster in all than one trial on every core
        Threads.limit(Math.max(1, Runtime.getRuntime().availableProcessors() / parallel));
        List<Arch> archs = new ArrayList<>();
        for (String n : networks) {
            archs.add(switch (n) {
                case "mlp" -> mlp();
                case "cnn" -> cnn();
                case "resnet" -> resnet();
                default -> throw new CommandLine.ParameterException(commandSpec.commandLine(),
                        "--networks takes mlp, cnn and resnet, got " + n);
            });
        }
        System.out.printf(Locale.ROOT, "bench quality (%s): %s, seeds %s, %d trials side by side, output to %s%n", mode,
                networks, seeds, parallel, target.toAbsolutePath());
        List<Base> bases = new ArrayList<>();
        List<Result> results = runAll(archs, bases, start);
        List<Timed> timings = latencies(archs, bases, results);
        double seconds = (System.nanoTime() - start) / 1e9;
        report = new QualityReport(m == Mode.RESIDUAL ? QualityReport.RESIDUAL : QualityReport.MAIN, archs, bases,
                results, timings, TOLERANCES, seconds);
        List<String> args = commandSpec.commandLine().getParseResult().originalArgs();
        String command = "submit-scripts/shears bench quality "
                + String.join(" ", args.subList(args.indexOf("quality") + 1, args.size()));
        report.write(target, command, settings());
        report.printGoals(System.out);
        Path details = target.resolve(QualityReport.DETAIL_DIR);
        System.out.printf(Locale.ROOT, "wall time %.0f s; wrote %s, %s and %s%n", seconds, target.resolve(QualityReport.MARKDOWN),
                details.resolve(report.where().detail()), details.resolve(QualityReport.CHART_PREFIX + "*.png"));
        return 0;
    }

    /** docs/ for the record; quick runs go to a new temporary folder, so a smoke check never touches docs/. */
    static Path defaultOut(boolean full) throws java.io.IOException {
        return full ? Path.of("docs") : Files.createTempDirectory("shears-bench-quality-");
    }

    private void resolveDefaults(Mode m) {
        boolean full = m == Mode.FULL;
        boolean residual = m == Mode.RESIDUAL;
        networks = or(networks, residual ? List.of("resnet") : List.of("mlp", "cnn"));
        seeds = or(seeds, full ? List.of(1L, 2L, 3L) : List.of(1L));
        trainRows = or(trainRows, full ? 0 : 6000);
        testRows = or(testRows, m.record() ? 0 : 2000);
        mlpEpochs = or(mlpEpochs, full ? 15 : 3);
        finetuneEpochs = or(finetuneEpochs, full ? 20 : 1);
        mlpRatios = or(mlpRatios, full ? List.of(0.92, 0.94, 0.955) : List.of(0.9, 0.95));
        neuronRatios = or(neuronRatios, List.of(0.5));
        cnn = or(cnn, full ? "lenet5" : "small");
        cnnTrainRows = or(cnnTrainRows, full ? 0 : 3000);
        cnnEpochs = or(cnnEpochs, full ? 40 : 2);
        cnnFinetuneEpochs = or(cnnFinetuneEpochs, full ? 15 : 1);
        cnnWeightRatios = or(cnnWeightRatios, full ? List.of(0.91, 0.95) : List.of(0.8, 0.9));
        cnnFilterRatios = or(cnnFilterRatios, full ? List.of(0.41, 0.5) : List.of(0.5));
        resnetTrainRows = or(resnetTrainRows, residual ? 0 : 3000);
        resnetEpochs = or(resnetEpochs, residual ? 15 : 1);
        resnetFinetuneEpochs = or(resnetFinetuneEpochs, residual ? 6 : 1);
        resnetFilterRatios = or(resnetFilterRatios, residual ? List.of(0.3, 0.5) : List.of(0.5));
        augmentShift = or(augmentShift, m.record() ? 1 : 0);
        // the retraining controls train as long as the dense model: in the records at one ratio each
        retrainRatios = or(retrainRatios, m.record() ? List.of(0.5, 0.94, 0.95) : null);
        // a record stays under an hour: trials not started by then are skipped, and reported so; the full run's
        // longest trials (LeNet-5's retraining controls, about 3 minutes) still end inside it when started at 53
        timeLimitMinutes = or(timeLimitMinutes, full ? 53.0 : residual ? 50.0 : 0.0);
        parallel = or(parallel, residual ? 1 : 2);
        if (!cnn.equals("lenet5") && !cnn.equals("small")) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), "--cnn must be lenet5 or small, got " + cnn);
        }
        RateSchedule.of(finetuneRate);
        if (augmentShift < 0 || augmentShift > 13) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(),
                    "--augment-shift must be 0 to 13 pixels, got " + augmentShift);
        }
        if (parallel < 1) {
            throw new CommandLine.ParameterException(commandSpec.commandLine(), "--parallel must be at least 1");
        }
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    /** The settings as the report states them: those of the networks run. */
    private Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("mode", mode);
        s.put("seeds", seeds);
        s.put("test rows (0 = all)", testRows);
        s.put("validation fraction", validationFraction);
        if (networks.contains("mlp")) {
            s.put("MLP training rows read (0 = all)", trainRows);
            s.put("MLP dense epochs", mlpEpochs);
            s.put("MLP fine-tuning epochs (every method)", finetuneEpochs);
            s.put("MLP weight ratios", mlpRatios);
            s.put("MLP neuron ratios", neuronRatios);
        }
        if (networks.contains("cnn")) {
            s.put("CNN", cnn);
            s.put("CNN training rows read (0 = all)", cnnTrainRows);
            s.put("CNN dense epochs", cnnEpochs);
            s.put("CNN fine-tuning epochs (every method)", cnnFinetuneEpochs);
            s.put("CNN weight ratios", cnnWeightRatios);
            s.put("CNN filter ratios", cnnFilterRatios);
        }
        if (networks.contains("resnet")) {
            s.put("ResNet-8 training rows read (0 = all)", resnetTrainRows);
            s.put("ResNet-8 dense epochs", resnetEpochs);
            s.put("ResNet-8 fine-tuning epochs (every method)", resnetFinetuneEpochs);
            s.put("ResNet-8 filter ratios", resnetFilterRatios);
        }
        if (networks.contains("cnn") || networks.contains("resnet")) {
            s.put("CNN and ResNet-8 augmentation (pixels shifted, mirrored)", augmentShift);
        }
        s.put("fine-tuning rate", finetuneRate);
        s.put("retraining-control ratios", retrainRatios == null ? "all" : retrainRatios);
        s.put("grids extended up to", WEIGHT_LIMIT + " (weights), " + STRUCTURE_LIMIT + " (neurons, filters, channels)");
        s.put("time limit (min)", timeLimitMinutes > 0 ? timeLimitMinutes : "none");
        s.put("trials side by side", parallel);
        s.put("latency rounds", latencyRounds);
        return s;
    }

    // ---- the networks and their methods ----

    private Arch mlp() {
        List<Integer> hidden = List.of(300, 100);
        LongFunction<Network> build = seed -> Network.of(MlpFactory.build(784, hidden, 10, 1e-3, seed));
        Map<String, Long> sizes = weightCounts(build.apply(0));
        int f = finetuneEpochs;
        Method global = Method.pruning("global", Role.METHOD,
                "iterative magnitude pruning, one global threshold, 3 rounds, " + f + " fine-tuning epochs in all",
                mlpRatios, plan("magnitude", "weight", "global", "iterative", f, r -> Map.of()));
        Method han = Method.pruning("layerwise-han", Role.METHOD,
                "iterative magnitude pruning per layer, first layer hardest and output least: per-layer kept shares in "
                        + "the proportions of Han et al. 2015 for LeNet-300-100 (8% / 9% / 26% at 92% overall), "
                        + "3 rounds, " + f + " epochs", mlpRatios,
                plan("magnitude", "weight", "layerwise", "iterative", f, r -> hanRatios(sizes, r)));
        Method gradual = Method.pruning("lamp-gradual-distill", Role.METHOD,
                "LAMP scores with one global threshold, gradual schedule (Zhu and Gupta), distillation from the dense "
                        + "model (alpha 0.5, T 4), " + f + " epochs", mlpRatios,
                distilled(plan("lamp", "weight", "global", "gradual", f, r -> Map.of())));
        Method undistilled = withoutDistillation(gradual, mlpRatios);
        Method neuron = Method.pruning("neuron", Role.METHOD,
                "structural: hidden neurons by L1 magnitude, per layer, one-shot, network shrunk, " + f
                        + " epochs with distillation from the dense model (alpha 0.5, T 4)",
                neuronRatios,
                distilled(plan("magnitude", "neuron", "layerwise", "oneshot", f, r -> Map.of(), "hidden")));
        // global versus layer-wise is global against layerwise-han; the trials go to what distillation adds
        List<Method> methods = new ArrayList<>(List.of(global, han, gradual, undistilled,
                randomControl("random", global, mlpRatios)));
        methods.addAll(weightRetraining(global));
        methods.add(neuron);
        methods.addAll(structuralControls(neuron));
        return new Arch("mlp", "LeNet-300-100 (MLP 784-300-100-10)", build,
                seed -> DataLocation.idx(SpecLoader.toUri(data), trainRows, testRows, validationFraction, seed), mlpEpochs,
                ImageAugment.NONE, methods, List.of(global.name(), han.name(), gradual.name()), neuron.name());
    }

    private Arch cnn() {
        LongFunction<Network> build = cnn.equals("lenet5")
                ? seed -> Network.of(CnnFactory.lenet5(28, 28, 1, 10, 1e-3, seed))
                : seed -> Network.of(CnnFactory.small(28, 28, 1, 10, 1e-3, seed));
        int f = cnnFinetuneEpochs;
        Method global = Method.pruning("global", Role.METHOD,
                "magnitude pruning, one global threshold, " + rounds(f) + " round(s), " + f + " fine-tuning epoch(s)",
                cnnWeightRatios, plan("magnitude", "weight", "global", "iterative", f, r -> Map.of()));
        Method gradual = Method.pruning("lamp-gradual-distill", Role.METHOD,
                "LAMP, global, gradual schedule, distillation (alpha 0.5, T 4), " + f + " epoch(s)", cnnWeightRatios,
                distilled(plan("lamp", "weight", "global", "gradual", f, r -> Map.of())));
        // at the ratio of the 10x goal, and random weights at the largest: the run must stay under the hour
        Method undistilled = withoutDistillation(gradual, cnnWeightRatios.subList(0, 1));
        Method filter = Method.pruning("filter", Role.METHOD,
                "structural: convolution filters by L1 magnitude, per layer, one-shot, network shrunk, " + f
                        + " epoch(s) with distillation from the dense model (alpha 0.5, T 4)",
                cnnFilterRatios, distilled(plan("magnitude", "filter", "layerwise", "oneshot", f, r -> Map.of())));
        List<Method> methods = new ArrayList<>(List.of(global, gradual, undistilled,
                randomControl("random", global, cnnWeightRatios.subList(cnnWeightRatios.size() - 1,
                        cnnWeightRatios.size()))));
        methods.addAll(weightRetraining(global));
        methods.add(filter);
        methods.addAll(structuralControls(filter));
        String title = cnn.equals("lenet5") ? "LeNet-5-style CNN (conv 5x5x6, conv 5x5x16, dense 120, 84)"
                : "small CNN (conv 3x3x4, conv 3x3x8, dense 32)";
        return new Arch("cnn", title, build,
                seed -> DataLocation.idx(SpecLoader.toUri(data), cnnTrainRows, testRows, validationFraction, seed),
                cnnEpochs, imageAugment(), methods, List.of(global.name(), gradual.name()), filter.name());
    }

    private ImageAugment imageAugment() {
        return augmentShift > 0 ? new ImageAugment(augmentShift, true) : ImageAugment.NONE;
    }

    /**
     * ResNet-8, the residual graph wide enough for filter pruning to matter: filters pruned in coupled groups (a
     * residual stage's filters go on both sides of its additions) and the network shrunk, with its controls.
     */
    private Arch resnet() {
        LongFunction<Network> build = seed -> {
            ComputationGraph graph = new ComputationGraph(ResNetFactory.resnet8Conf(28, 28, 1, 10, 1e-3, seed));
            graph.init();
            return Network.of(graph);
        };
        int f = resnetFinetuneEpochs;
        // batch normalisation after every convolution rescales each channel: a filter's L1 norm says little there,
        // where a first-order Taylor score is the same whatever the filter's scale
        Method filter = Method.pruning("filter", Role.METHOD, "structural: filter groups by first-order Taylor scores "
                        + "(|w dL/dw| summed over the filters that compute them, 4 calibration batches), per group, "
                        + "one-shot, network shrunk, " + f + " epoch(s) with distillation from the dense model (alpha 0.5, "
                        + "T 4)", resnetFilterRatios,
                distilled(plan("taylor", "filter", "layerwise", "oneshot", f, r -> Map.of())));
        List<Method> methods = new ArrayList<>(List.of(filter));
        methods.addAll(structuralControls(filter));
        return new Arch("resnet", "ResNet-8 (stem and three residual stages, " + ResNetFactory.RESNET8_WIDTH
                + " to " + 4 * ResNetFactory.RESNET8_WIDTH + " filters)", build,
                seed -> DataLocation.idx(SpecLoader.toUri(data), resnetTrainRows, testRows, validationFraction, seed),
                resnetEpochs, imageAugment(), methods, List.of(filter.name()), filter.name());
    }

    /**
     * The control that tells what distillation adds to a distilled method: its plan without the teacher, at the
     * same epochs, at {@code ratios}.
     */
    private static Method withoutDistillation(Method distilled, List<Double> ratios) {
        Plan plain = (ratio, seed) -> {
            PruningPlan p = distilled.plan().at(ratio, seed);
            Map<String, Object> options = new LinkedHashMap<>(p.options());
            options.remove(PlanOptions.DISTILL_ALPHA);
            options.remove(PlanOptions.DISTILL_TEMPERATURE);
            return p.withOptions(options);
        };
        String name = distilled.name().replace("-distill", "");
        return Method.pruning(name, Role.CONTROL, "control, distillation's share: " + distilled.name()
                + " without distillation, the same epochs", ratios, plain);
    }

    /**
     * The retraining controls of a weight-pruning method: its final mask rewound to the initial weights (the
     * lottery ticket), to those after the dense model's first epoch (late rewinding), and on fresh weights.
     */
    private List<Method> weightRetraining(Method source) {
        return List.of(
                Method.retrained("rewind", Role.REWIND, "control, lottery ticket: " + source.name() + "'s final mask on "
                        + "the dense model's initial weights, trained like the dense model", source, retrainRatios),
                Method.retrained("rewind-early", Role.REWIND_EARLY, "control, late rewinding (Frankle et al. 2019): "
                        + source.name() + "'s final mask on the dense model's weights after its first epoch, trained like "
                        + "the dense model", source, retrainRatios),
                Method.retrained("scratch", Role.SCRATCH, "control: " + source.name() + "'s final mask on freshly "
                        + "initialised weights, trained like the dense model", source, retrainRatios));
    }

    /**
     * The controls of a structural method, at the same shapes and so the same multiply-adds: random units
     * removed (its plan with random scores, so that nothing else can differ), and its shrunk architecture trained
     * from scratch.
     */
    private List<Method> structuralControls(Method source) {
        return List.of(
                randomControl(source.name() + "-random", source, source.ratios()),
                Method.retrained(source.name() + "-scratch", Role.SCRATCH, "control: " + source.name() + "'s shrunk "
                        + "architecture re-initialised and trained like the dense model", source, retrainRatios));
    }

    /** The control that tells what a method's scores add: its own plan with random scores, at {@code ratios}. */
    private static Method randomControl(String name, Method source, List<Double> ratios) {
        Plan random = (ratio, seed) -> {
            PruningPlan p = source.plan().at(ratio, seed);
            return p.with("random", p.granularity(), p.scope(), p.schedule());
        };
        return Method.pruning(name, Role.CONTROL, "control: random scores, otherwise as " + source.name(), ratios,
                random);
    }

    private static int rounds(int epochs) {
        return Math.max(1, Math.min(3, epochs));
    }

    private Plan plan(String scorer, String granularity, String scope, String schedule, int epochs,
                      java.util.function.DoubleFunction<Map<String, Double>> layerRatios) {
        return plan(scorer, granularity, scope, schedule, epochs, layerRatios, "all");
    }

    /**
     * Every plan quantises too, for the int8 sizes, and fine-tunes on the bench's rate schedule; iterative schedules
     * prune in up to 3 rounds, one per epoch at least.
     */
    private Plan plan(String scorer, String granularity, String scope, String schedule, int epochs,
                      java.util.function.DoubleFunction<Map<String, Double>> layerRatios, String layers) {
        Map<String, Object> options = Map.of(PlanOptions.QUANTIZE, true, PlanOptions.RATE_SCHEDULE, finetuneRate);
        return (ratio, seed) -> new PruningPlan(scorer, granularity, scope, layers, ratio, layerRatios.apply(ratio),
                schedule, rounds(epochs), epochs, 1e-3, 128, 4, Tolerance.of(0.02), seed, options);
    }

    /** {@code base} with distillation from the dense model (alpha 0.5, T 4) added to its options. */
    private static Plan distilled(Plan base) {
        return (ratio, seed) -> {
            PruningPlan p = base.at(ratio, seed);
            Map<String, Object> options = new LinkedHashMap<>(p.options());
            options.put(PlanOptions.DISTILL_ALPHA, 0.5);
            options.put(PlanOptions.DISTILL_TEMPERATURE, 4);
            return p.withOptions(options);
        };
    }

    private static Map<String, Long> weightCounts(Network net) {
        Map<String, Long> sizes = new LinkedHashMap<>();
        for (PrunableLayer l : net.prunable()) {
            sizes.put(l.name(), l.weights(net).length());
        }
        return sizes;
    }

    /**
     * Per-layer ratios with the kept shares in Han et al.'s proportions for LeNet-300-100 (8% of the
     * first layer, 9% of the middle ones, 26% of the output layer at 92% overall), scaled so that
     * {@code ratio} of all weights go; a share that would exceed 1 keeps the whole layer.
     */
    static Map<String, Double> hanRatios(Map<String, Long> sizes, double ratio) {
        List<String> names = new ArrayList<>(sizes.keySet());
        double[] shape = new double[names.size()];
        double total = 0;
        double weighted = 0;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = i == 0 ? 0.08 : i == shape.length - 1 ? 0.26 : 0.09;
            total += sizes.get(names.get(i));
            weighted += shape[i] * sizes.get(names.get(i));
        }
        double scale = (1 - ratio) * total / weighted;
        Map<String, Double> ratios = new LinkedHashMap<>();
        for (int i = 0; i < shape.length; i++) {
            ratios.put(names.get(i), 1 - Math.min(1, shape[i] * scale));
        }
        return ratios;
    }

    // ---- running ----

    /**
     * Trains every base and runs every trial on {@code parallel} threads. Waiting work starts network by network (the
     * MLP first: under a time limit its table is the one that must be whole, and the next network's dense training
     * fills the threads its last trials leave idle), and within a network the bases first, then the long or chained
     * work (retraining controls, grid extensions), then the grid's trials, so that a run does not end on its longest
     * trials. Controls start when their method's result is in, and a pruning method's grid is extended on a seed
     * once all its grid's results there are in. After the time limit, trials not yet started are recorded as SKIPPED
     * rather than run.
     */
    private List<Result> runAll(List<Arch> archs, List<Base> bases, long start) {
        long deadline = timeLimitMinutes > 0 ? start + (long) (timeLimitMinutes * 60e9) : Long.MAX_VALUE;
        try (RankedPool pool = new RankedPool(parallel, "shears-bench-quality")) {
            List<CompletableFuture<List<Result>>> all = new ArrayList<>();
            List<CompletableFuture<Base>> baseFutures = new ArrayList<>();
            for (int a = 0; a < archs.size(); a++) {
                Arch arch = archs.get(a);
                Executor first = pool.at(3 * a);
                Executor longer = pool.at(3 * a + 1);
                Executor grids = pool.at(3 * a + 2);
                for (long seed : seeds) {
                    CompletableFuture<Base> base = CompletableFuture.supplyAsync(() -> trainBase(arch, seed, start), first);
                    baseFutures.add(base);
                    Map<String, Map<Double, CompletableFuture<Result>>> byMethod = new HashMap<>();
                    for (Method m : arch.methods()) {
                        Map<Double, CompletableFuture<Result>> grid = new LinkedHashMap<>();
                        for (double r : m.ratios()) {
                            CompletableFuture<Result> f = m.source() == null
                                    ? base.thenApplyAsync(b -> progress(System.nanoTime() > deadline
                                    ? skipped(b, m, r) : trial(b, m, r), start), grids)
                                    : byMethod.get(m.source()).get(r).thenCombineAsync(base, (src, b) -> progress(
                                    System.nanoTime() > deadline ? skipped(b, m, r) : retrain(b, m, src), start), longer);
                            grid.put(r, f);
                            all.add(f.thenApply(List::of));
                        }
                        byMethod.put(m.name(), grid);
                        if (m.source() == null) {
                            all.add(CompletableFuture.allOf(grid.values().toArray(new CompletableFuture<?>[0]))
                                    .thenCombine(base, (done, b) -> b)
                                    .thenCompose(b -> extend(b, m, grid.values().stream().map(CompletableFuture::join)
                                            .toList(), deadline, start, longer)));
                        }
                    }
                }
            }
            baseFutures.forEach(f -> bases.add(f.join()));
            List<Result> results = new ArrayList<>();
            all.forEach(f -> results.addAll(f.join()));
            return results;
        }
    }

    /**
     * Runs a method on one seed beyond its grid while {@link #nextRatio} proposes a ratio, one after
     * the other since each depends on the last choice; the results beyond the grid.
     */
    private static CompletableFuture<List<Result>> extend(Base b, Method m, List<Result> tried, long deadline, long start,
                                                          Executor pool) {
        OptionalDouble next = nextRatio(m, b, tried);
        if (next.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        double r = next.getAsDouble();
        return CompletableFuture.supplyAsync(() -> progress(System.nanoTime() > deadline ? skipped(b, m, r)
                        : trial(b, m, r), start), pool)
                .thenCompose(res -> {
                    List<Result> now = new ArrayList<>(tried);
                    now.add(res);
                    return extend(b, m, now, deadline, start, pool).thenApply(rest -> {
                        List<Result> added = new ArrayList<>(List.of(res));
                        added.addAll(rest);
                        return added;
                    });
                });
    }

    /**
     * The ratio at which to run a pruning method next on one seed ({@code tried}: its results
     * there, of any status): when its choice at the loosest tolerance is at the largest ratio tried,
     * the next step toward its limit; empty when it has no choice, the choice is below (a larger
     * ratio fell out of the tolerance, failed or was skipped), the limit is reached, or it is a
     * retraining control.
     */
    static OptionalDouble nextRatio(Method m, Base base, List<Result> tried) {
        if (m.plan() == null) {
            return OptionalDouble.empty();
        }
        List<Result> mine = tried.stream().filter(r -> r.method().equals(m.name()) && r.seed() == base.seed()).toList();
        double largest = mine.stream().mapToDouble(Result::ratio).max().orElse(Double.NaN);
        Optional<Result> chosen = QualityReport.choose(mine, List.of(m.name()), base, loosest(TOLERANCES));
        return chosen.isPresent() && chosen.get().ratio() == largest ? step(largest, m.limit()) : OptionalDouble.empty();
    }

    /**
     * Half way from {@code ratio} to {@code limit}, in whole thousandths (so that ratios stay as the
     * report prints them); the limit itself when half way is less than 0.01 further; empty at the limit.
     */
    static OptionalDouble step(double ratio, double limit) {
        long from = Math.round(ratio * 1000);
        long to = Math.round(limit * 1000);
        if (from >= to) {
            return OptionalDouble.empty();
        }
        long half = (to - from) / 2;
        return OptionalDouble.of((half < MIN_STEP_THOUSANDTHS ? to : from + half) / 1000.0);
    }

    /** The loosest tolerance: the one whose choice decides whether a grid is extended. */
    static double loosest(double[] tolerances) {
        return Arrays.stream(tolerances).max().orElseThrow();
    }

    private static Result skipped(Base base, Method m, double ratio) {
        return new Result(base.arch().name(), m.name(), base.seed(), ratio, "SKIPPED", "not started within the time limit",
                null, null, null, 0);
    }

    private Base trainBase(Arch arch, long seed, long start) {
        long t0 = System.nanoTime();
        DataSplits splits = DataLoader.cached(arch.data().apply(seed));
        Network net = arch.build().apply(seed);
        byte[] initial = ModelBytes.of(net);
        BestEpoch.Result training = BestEpoch.fit(net, splits.train(), splits.validation(), arch.epochs(), 128, 1e-3,
                seed, null, arch.augment());
        Measurement.Base measured = Measurement.base(net, splits, true, FineTuner.LOCAL);
        Metrics metrics = measured.metrics();
        BaseReference reference = measured.reference();
        Network early = ModelBytes.restore(initial);
        early.setParams(training.early());
        Base base = new Base(arch, seed, splits, initial, ModelBytes.of(early), ModelBytes.of(net), reference, metrics,
                training);
        System.out.printf(Locale.ROOT, "[%5.0f s] %s seed %d dense: best epoch %d of %d, validation %.4f, test %.4f "
                        + "(%d train / %d validation / %d test rows, %.0f s)%n", elapsed(start), arch.name(), seed,
                training.epoch(), training.epochs(), training.validationAccuracy(), reference.accuracy(),
                splits.train().size(), splits.validation().size(), splits.test().size(), (System.nanoTime() - t0) / 1e9);
        return base;
    }

    private static Result trial(Base base, Method m, double ratio) {
        long t0 = System.nanoTime();
        CandidateOutcome o = CandidateRunner.run(base.trained(), false, base.data(), m.plan().at(ratio, base.seed()),
                base.reference(), true);
        Int8Validation int8 = o.model() == null ? null : int8Validation(ModelBytes.restore(o.model()), base);
        return new Result(base.arch().name(), m.name(), base.seed(), ratio, o.status().name(), o.error(), o.metrics(), int8,
                o.model(), (System.nanoTime() - t0) / 1e9);
    }

    /**
     * A retraining control: rewound to the initial weights or to those after the dense model's first epoch, the
     * mask held, or the shrunk shape from scratch.
     */
    private static Result retrain(Base base, Method m, Result source) {
        long t0 = System.nanoTime();
        if (!source.ok()) {
            return new Result(base.arch().name(), m.name(), base.seed(), source.ratio(), TrialStatus.FAILED.name(),
                    source.method() + " failed at this ratio", null, null, null, 0);
        }
        try {
            Network pruned = ModelBytes.restore(source.model());
            Retraining.Start s = switch (m.role()) {
                case REWIND -> Retraining.rewind(ModelBytes.restore(base.initial()), pruned);
                case REWIND_EARLY -> Retraining.rewind(ModelBytes.restore(base.early()), pruned);
                default -> Retraining.reinitialise(pruned, base.seed() + 1000);
            };
            BestEpoch.fit(s.net(), base.data().train(), base.data().validation(), base.arch().epochs(), 128, 1e-3,
                    base.seed(), s.mask(), base.arch().augment());
            return new Result(base.arch().name(), m.name(), base.seed(), source.ratio(), TrialStatus.OK.name(), null,
                    measure(s.net(), base.data(), base.reference()), int8Validation(s.net(), base),
                    ModelBytes.of(s.net()), (System.nanoTime() - t0) / 1e9);
        } catch (RuntimeException e) {
            return new Result(base.arch().name(), m.name(), base.seed(), source.ratio(), TrialStatus.FAILED.name(), e.toString(),
                    null, null, null, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** The table's figures, as candidates get them. */
    private static Metrics measure(Network net, DataSplits data, BaseReference base) {
        return Measurement.of(net, data, net.prunable(), base, true, FineTuner.LOCAL);
    }

    private static Int8Validation int8Validation(Network net, Base base) {
        LabeledData validation = base.data().validation();
        Evaluator.Score score = Evaluator.evaluate(Int8Quantization.quantizedCopy(net), validation);
        return new Int8Validation(score.accuracy(),
                PairedDrop.stdError(base.reference().validationCorrect(), score.correct(), validation.size()));
    }

    private static Result progress(Result r, long start) {
        System.out.printf(Locale.ROOT, "[%5.0f s] %s seed %d %-20s ratio %.3f: %s%n", elapsed(start), r.arch(), r.seed(),
                r.method(), r.ratio(), r.ok()
                        ? String.format(Locale.ROOT, "compression %.1fx, test %.4f, validation %.4f (%.0f s)",
                        r.num(Metrics::compression), r.num(Metrics::accuracy), r.num(Metrics::valAccuracy), r.seconds())
                        : r.status() + " " + r.error());
        return r;
    }

    private static double elapsed(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Times the dense base against the pruned networks chosen at the loosest tolerance: the best
     * weight-pruned one (masked, full size) and the structural one (shrunk), each seed in turn,
     * with nothing else running.
     */
    private List<Timed> latencies(List<Arch> archs, List<Base> bases, List<Result> results) {
        List<Timed> timed = new ArrayList<>();
        double tolerance = TOLERANCES[0];
        for (Base base : bases) {
            Arch arch = base.arch();
            Network dense = ModelBytes.restore(base.trained());
            int width = base.data().train().width();
            List<Result> mine = results.stream().filter(r -> r.arch().equals(arch.name()) && r.seed() == base.seed()).toList();
            Map<String, Result> chosen = new LinkedHashMap<>();
            QualityReport.choose(mine, arch.best(), base, tolerance).ifPresent(r -> chosen.put("masked", r));
            QualityReport.choose(mine, List.of(arch.structural()), base, tolerance).ifPresent(r -> chosen.put("shrunk", r));
            LatencyComparison.Compared self = LatencyComparison.compare(dense, dense, width, latencyRounds);
            timed.add(new Timed(arch.name(), base.seed(), "dense", "dense", 0, self, base.metrics()));
            chosen.forEach((network, r) -> timed.add(new Timed(arch.name(), base.seed(), network, r.method(), r.ratio(),
                    LatencyComparison.compare(dense, ModelBytes.restore(r.model()), width, latencyRounds), r.metrics())));
        }
        return timed;
    }
}
