package dev.shears.benchmarks;

import dev.shears.jobs.driver.Prepared;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.jobs.result.Columns;
import dev.shears.jobs.result.Row;
import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.benchmarks.CandidateRuns.Timing;
import dev.shears.jobs.cli.ShearsMain;
import dev.shears.jobs.driver.SearchJob;
import dev.shears.jobs.engine.SparkEngine;
import dev.shears.jobs.spark.SparkSessions;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SearchSpec;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.BadInputException;
import dev.shears.pruning.metrics.Latency;
import dev.shears.pruning.model.ModelBytes;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.run.NativeBuild;
import dev.shears.pruning.train.Threads;
import dev.shears.pruning.train.FineTuner;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code shears bench peer}: the spec's candidates run by Shears on local Spark, then by a plain
 * PyTorch program ({@code benchmarks/peer/torch_peer.py}: torch.nn.utils.prune, a pool of worker
 * processes with one thread each) on the same data, split sizes and settings. Prints both sides'
 * candidates per minute and accuracies, and last {@code peer ratio R}: Shears' candidates per minute
 * over the peer's. Without PyTorch it says how to install it and exits with
 * {@link BenchCommand#UNAVAILABLE}.
 */
@Command(name = "peer", mixinStandardHelpOptions = true,
        description = {"Time the spec's candidates on local Spark against the same candidates as a plain PyTorch program "
                + "with a pool of worker processes (needs Debian's python3-torch).",
                "The last line is 'peer ratio R': Shears' candidates per minute over PyTorch's.",
                "Exit code 4 when PyTorch is not installed."})
public final class PeerBench implements Callable<Integer> {

    static final String INSTALL = "apt-get install -y python3-torch libopenblas0-pthread";

    @Spec
    CommandSpec spec;

    /** The spec each --model runs: the peer builds these architectures too. */
    static final Map<String, String> MODELS = Map.of("mlp", "conf/quickstart.yaml",
            "lenet5", "benchmarks/conf/peer-lenet5.yaml", "resnet-small", "benchmarks/conf/peer-resnet.yaml");

    @Option(names = "--model", defaultValue = "mlp", paramLabel = "NAME",
            description = "the network and candidates: mlp (conf/quickstart.yaml), lenet5 "
                    + "(benchmarks/conf/peer-lenet5.yaml) or resnet-small (benchmarks/conf/peer-resnet.yaml); "
                    + "default: ${DEFAULT-VALUE}")
    String model;

    @Option(names = "--spec", paramLabel = "FILE",
            description = "the search spec, in place of --model's (its model must be an mlp, lenet5 or resnet-small)")
    String specFile;

    @Option(names = "--set", paramLabel = "FIELD=VALUE", description = "override a spec field, e.g. --set search.budget=8")
    List<String> sets = new ArrayList<>();

    @Option(names = "--cores", paramLabel = "N",
            description = "Shears runs on local[N], the peer with N worker processes (default: this machine's cores)")
    int cores = Runtime.getRuntime().availableProcessors();

    @Option(names = "--warm-up", paramLabel = "N", description = "candidates Shears runs untimed first, in a loop and "
            + "then on Spark, so that the timed run finds the JIT's code compiled (default: 4 per core); the peer runs "
            + "one per worker")
    Integer warmUpCandidates;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", paramLabel = "PATH",
            description = "the Python whose torch the peer uses (default: ${DEFAULT-VALUE}, Debian's)")
    String python;

    @Option(names = "--peer-script", defaultValue = "benchmarks/peer/torch_peer.py", paramLabel = "FILE",
            description = "the PyTorch program (default: ${DEFAULT-VALUE})")
    String script;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintStream out = System.out;
        if (cores < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cores must be at least 1, got " + cores);
        }
        if (specFile == null) {
            specFile = MODELS.get(model);
            if (specFile == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--model must be one of "
                        + String.join(", ", modelNames()) + ", got " + model);
            }
        }
        LoadedSpec loaded = SpecLoader.load(specFile, sets);
        SearchSpec s = loaded.spec();
        String dataDir = localIdxFolder(s.data);
        if (s.model.file != null || !MODELS.containsKey(s.model.architecture)) {
            throw new BadInputException("bench peer: the PyTorch peer builds " + String.join(" and ", modelNames())
                    + " networks; the spec's model is "
                    + (s.model.file != null ? "the file " + s.model.file : s.model.architecture));
        }
        if (!new File(script).isFile()) {
            throw new BadInputException("--peer-script " + script + ": no such file (run from the Shears folder, or name it)");
        }
        String missing = torchMissing();
        if (missing != null) {
            spec.commandLine().getErr().println("shears bench peer: PyTorch is not available to " + python + " (" + missing + "); install "
                    + "Debian's package, with the OpenBLAS it should use: sudo " + INSTALL);
            return BenchCommand.UNAVAILABLE;
        }
        Path tmp = Files.createTempDirectory("shears-bench-peer-");
        SparkSession spark = SparkSessions.create("shears bench peer", "local[" + cores + "]", s.search.threadsPerTask, false);
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            Prepared prepared = CandidateRuns.prepare(loaded, tmp.resolve("base").toString());
            int slots = s.search.parallelism > 0 ? s.search.parallelism : jsc.defaultParallelism();
            out.printf(Locale.ROOT, "bench peer: %s (%s, budget %d); Shears on local[%d], %d slots, ND4J build %s, "
                    + "%d ND4J thread(s) per trial; PyTorch with %d worker processes x 1 thread%n", specFile, s.search.strategy,
                    s.search.budget, cores, slots, NativeBuild.select().label(), s.search.threadsPerTask, cores);
            CandidateRuns.warmUp(specFile, sets, warmUpCandidates != null ? warmUpCandidates : 4 * cores, tmp.resolve("warm-up"),
                    spark, slots);
            Prepared timed = prepared.elsewhere(tmp.resolve("shears").toString());
            Timing shears = CandidateRuns.time(timed, spark, ctx -> new SparkEngine(jsc, timed.baseModel(), ctx, slots));
            out.printf(Locale.ROOT, "shears: %d candidates (%d OK) in %.1f s%n", shears.candidates().size(), shears.ok(),
                    shears.searchSeconds());

            Path job = tmp.resolve("peer-job.json");
            Path result = tmp.resolve("peer-result.json");
            Files.writeString(job, SpecLoader.JSON.writeValueAsString(job(prepared, s, dataDir, shears.candidates())));
            int exit = runPeer(job, result);
            if (exit != 0) {
                throw new IllegalStateException("the PyTorch peer " + script + " failed with exit code " + exit);
            }
            JsonNode peer = SpecLoader.JSON.readTree(result.toFile());
            double shearsEpoch = baseEpoch(prepared, s);
            double peerEpoch = median(peer.path("base").path("epochSeconds"));
            out.printf(Locale.ROOT, "base-model epoch on 1 thread (median of %d epochs): Shears %.2f s, PyTorch %.2f s; "
                    + "PyTorch's over Shears' %.2f%n", s.model.epochs, shearsEpoch, peerEpoch, peerEpoch / shearsEpoch);
            report(out, prepared, shears, peer);
            return ShearsMain.OK;
        } finally {
            spark.stop();
            CandidateRuns.delete(tmp);
        }
    }

    /** Why {@code import torch} fails for the chosen Python, or null when it works. */
    private String torchMissing() throws InterruptedException {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() == 0) {
                return null;
            }
            List<String> lines = said.lines().toList();
            return lines.isEmpty() ? "import torch failed" : lines.get(lines.size() - 1);
        } catch (IOException e) {
            return "cannot run it: " + e.getMessage();
        }
    }

    /** The peer reads the IDX files itself: they must be the four standard files in a local folder. */
    private static String localIdxFolder(SearchSpec.DataSpec data) {
        URI dir = URI.create(SpecLoader.toUri(data.dir));
        if (!"idx".equals(data.format) || data.trainImages != null || data.testImages != null
                || !"file".equals(dir.getScheme())) {
            throw new BadInputException("bench peer: the PyTorch peer reads gzipped IDX files from a local folder "
                    + "(data.format: idx, data.dir: a local folder); the spec has format " + data.format + ", dir " + data.dir);
        }
        return dir.getPath();
    }

    /** What the peer runs: the data and its split sizes, the base MLP, and the candidates Shears ran. */
    private Map<String, Object> job(Prepared prepared, SearchSpec s, String dataDir,
                                    List<Row> rows) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dir", dataDir);
        data.put("trainLimit", s.data.trainLimit);
        data.put("testLimit", s.data.testLimit);
        data.put("validationFraction", s.data.validationFraction);
        data.put("numClasses", s.data.numClasses);
        data.put("seed", s.seed);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("architecture", s.model.architecture);
        model.put("shape", prepared.data().train().shape());
        model.put("hidden", s.model.hidden);
        model.put("epochs", s.model.epochs);
        model.put("learningRate", s.model.learningRate);
        model.put("batchSize", s.model.batchSize);
        List<Map<String, Object>> candidates = new ArrayList<>();
        for (Row r : rows) {
            PruningPlan plan = r.trial().plan();
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("id", r.candidate());
            c.put("ratio", plan.ratio());
            c.put("scorer", plan.scorer());
            c.put("granularity", plan.granularity());
            c.put("scope", plan.scope());
            c.put("layers", plan.layers());
            c.put("schedule", plan.schedule());
            c.put("epochs", r.trial().outcome().epochsSpent());
            c.put("learningRate", plan.learningRate());
            candidates.add(c);
        }
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("data", data);
        job.put("model", model);
        job.put("batchSize", s.finetune.batchSize);
        job.put("workers", cores);
        job.put("warmUp", cores);
        job.put("candidates", candidates);
        return job;
    }

    private int runPeer(Path job, Path result) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(python, script, job.toString(), result.toString()).inheritIO();
        // one BLAS and one OpenMP thread per worker process, as the Shears trials have one ND4J thread each
        pb.environment().put("OPENBLAS_NUM_THREADS", "1");
        pb.environment().put("OMP_NUM_THREADS", "1");
        System.out.flush();
        return pb.start().waitFor();
    }

    private void report(PrintStream out, Prepared prepared, Timing shears, JsonNode peer) {
        Map<String, JsonNode> peerRows = new HashMap<>();
        peer.path("candidates").forEach(c -> peerRows.put(c.path("candidate").asText(), c));
        out.println();
        out.printf(Locale.ROOT, "%-8s %-10s %-10s %6s | %14s %14s | %14s %14s%n", "cand", "scorer", "scope", "ratio",
                "shears test", "shears val", "torch test", "torch val");
        out.printf(Locale.ROOT, "%-8s %-10s %-10s %6s | %14.4f %14.4f | %14.4f %14.4f%n", "base", "", "", "0",
                prepared.baseMetrics().accuracy(), prepared.baseMetrics().valAccuracy(),
                peer.path("base").path("accuracy").asDouble(), peer.path("base").path("val_accuracy").asDouble());
        double shearsSum = 0;
        double peerSum = 0;
        List<Row> byId = new ArrayList<>(shears.candidates());
        byId.sort(Comparator.comparing(Row::candidate));
        for (Row r : byId) {
            JsonNode p = peerRows.getOrDefault(r.candidate(), SpecLoader.JSON.nullNode());
            shearsSum += r.number(Columns.ACCURACY);
            peerSum += p.path("accuracy").asDouble(Double.NaN);
            out.printf(Locale.ROOT, "%-8s %-10s %-10s %6.2f | %14.4f %14.4f | %14.4f %14.4f%n", r.candidate(),
                    r.trial().plan().scorer(), r.trial().plan().scope(), r.trial().plan().ratio(),
                    r.number(Columns.ACCURACY), r.number(Columns.VAL_ACCURACY), p.path("accuracy").asDouble(Double.NaN),
                    p.path("val_accuracy").asDouble(Double.NaN));
        }
        int n = shears.candidates().size();
        double peerSeconds = peer.path("seconds").asDouble();
        double peerPerMinute = peerRows.size() * 60.0 / peerSeconds;
        out.printf(Locale.ROOT, "mean test accuracy of the candidates: Shears %.4f, PyTorch %.4f%n", shearsSum / n,
                peerSum / n);
        out.printf(Locale.ROOT, "shears:  %2d candidates in %6.1f s = %6.2f candidates/min (local[%d], ND4J build %s)%n", n,
                shears.searchSeconds(), shears.perMinute(), cores, NativeBuild.select().label());
        out.printf(Locale.ROOT, "pytorch: %2d candidates in %6.1f s = %6.2f candidates/min (torch %s, %d worker processes "
                + "x 1 thread)%n", peerRows.size(), peerSeconds, peerPerMinute, peer.path("torch").asText(),
                peer.path("workers").asInt());
        double peerCpu = 0;
        for (JsonNode c : peer.path("candidates")) {
            peerCpu += c.path("cpuSeconds").asDouble();
        }
        // CPU time hardly moves with other work on the machine, wall time does: both are shown
        out.printf(Locale.ROOT, "CPU seconds per candidate: Shears %.2f (its JVM during the search), PyTorch %.2f "
                + "(the workers during each candidate); ratio %.2f%n", shears.cpuPerCandidate(), peerCpu / peerRows.size(),
                peerCpu / peerRows.size() / shears.cpuPerCandidate());
        out.printf(Locale.ROOT, "peer ratio %.2f%n", shears.perMinute() / peerPerMinute);
    }

    /**
     * Seconds of one epoch of the base network's training in this JVM on one thread, as the peer's base epochs
     * run: the median of as many epochs as the spec trains, on a copy of the base model.
     */
    private static double baseEpoch(Prepared prepared, SearchSpec s) {
        Threads.limit(1);
        Network net = ModelBytes.restore(prepared.baseModel());
        double[] seconds = new double[Math.max(1, s.model.epochs)];
        for (int e = 0; e < seconds.length; e++) {
            long start = System.nanoTime();
            FineTuner.LOCAL.fit(net, prepared.data().train(), null, 1, s.model.batchSize, s.model.learningRate,
                    s.seed + e, null, null);
            seconds[e] = (System.nanoTime() - start) / 1e9;
        }
        return Latency.median(seconds);
    }

    private static java.util.SortedSet<String> modelNames() {
        return new java.util.TreeSet<>(MODELS.keySet());
    }

    private static double median(JsonNode values) {
        double[] v = new double[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i).asDouble();
        }
        return v.length == 0 ? Double.NaN : Latency.median(v);
    }
}
