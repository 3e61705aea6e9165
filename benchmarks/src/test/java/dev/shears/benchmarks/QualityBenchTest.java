package dev.shears.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.benchmarks.QualityBench.Arch;
import dev.shears.benchmarks.QualityBench.Base;
import dev.shears.benchmarks.QualityBench.Method;
import dev.shears.benchmarks.QualityBench.Result;
import dev.shears.pruning.data.DataLocation;
import dev.shears.pruning.data.ImageAugment;
import dev.shears.pruning.run.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A reduced quick run of {@code shears bench quality} on a few thousand Fashion-MNIST rows (one
 * seed, two ratios, one epoch), into a temporary folder: the section, the table and the charts
 * are written there, the choices follow validation, and docs/ is not touched.
 */
class QualityBenchTest {

    private static final Path DOCS = Path.of("..", "docs");

    @Test
    void quickRunWritesItsSectionAndChartsAndChoosesOnValidation(@TempDir Path out) throws Exception {
        Map<String, String> docsBefore = snapshot(DOCS);
        // an earlier section and the text around it: the run replaces the one and keeps the other
        Files.writeString(out.resolve(QualityReport.MARKDOWN), "# Benchmarks\n\nintro\n\n" + QualityReport.MAIN.begin()
                + "\nold figures\n" + QualityReport.MAIN.end() + "\n\n## Later section\n");

        QualityBench bench = new QualityBench();
        int code = new CommandLine(bench).execute("--mode", "quick", "--out", out.toString(),
                "--data", DATA_DIR, "--seeds", "1", "--train-rows", "1800", "--test-rows", "400",
                "--mlp-epochs", "2", "--finetune-epochs", "1", "--mlp-ratios", "0.5,0.9",
                "--neuron-ratios", "0.3", "--cnn", "small", "--cnn-train-rows", "600", "--cnn-epochs", "1",
                "--cnn-weight-ratios", "0.5,0.9", "--cnn-filter-ratios", "0.5", "--latency-rounds", "1");
        assertEquals(0, code);

        String md = Files.readString(out.resolve(QualityReport.MARKDOWN));
        assertTrue(md.startsWith("# Benchmarks\n\nintro\n\n" + QualityReport.MAIN.begin()), md);
        assertTrue(md.endsWith(QualityReport.MAIN.end() + "\n\n## Later section\n"), md);
        assertFalse(md.contains("old figures"));
        assertEquals(1, count(md, QualityReport.MAIN.begin()));
        assertTrue(md.contains("Command: `submit-scripts/shears bench quality --mode quick --out"), md);
        assertTrue(md.contains("cores (") && md.contains("GiB"), "machine stated");
        assertTrue(md.contains("| the run under 60 minutes on this machine | wall time "), "goals in the section");
        String link = QualityReport.DETAIL_DIR + "/" + QualityReport.MAIN.detail();
        assertTrue(md.contains("[" + link + "](" + link + ")"), "the full record linked");
        Path details = out.resolve(QualityReport.DETAIL_DIR);
        String record = Files.readString(details.resolve(QualityReport.MAIN.detail()));
        assertTrue(record.startsWith("# " + QualityReport.MAIN.heading()), record);
        for (String arch : List.of("mlp", "cnn")) {
            byte[] png = Files.readAllBytes(details.resolve(QualityReport.CHART_PREFIX + arch + ".png"));
            assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', arch + " chart");
            assertTrue(record.contains("](" + QualityReport.CHART_PREFIX + arch + ".png)"), arch + " chart linked");
        }

        QualityReport report = bench.report;
        assertNotNull(report);
        List<Arch> archs = report.archs();
        assertEquals(List.of("mlp", "cnn"), archs.stream().map(Arch::name).toList());
        for (Arch a : archs) {
            List<String> methods = new ArrayList<>(List.of(QualityReport.BEST));
            a.methods().forEach(m -> methods.add(m.name()));
            String section = record.substring(record.indexOf("## " + a.title()));
            for (String method : methods) {
                for (double tolerance : QualityBench.TOLERANCES) {
                    QualityReport.Choice c = report.choice(a, method, tolerance);
                    // the table's row: method, tolerance, compression (seeds), test drop, validation drop
                    String[] row = row(section, method, tolerance);
                    if (c.found().isEmpty()) {
                        assertEquals("none within (0 of 1 seed)", row[3].trim(), method);
                        assertEquals("-", row[4].trim(), method);
                    } else {
                        assertEquals(String.format(java.util.Locale.ROOT, "%.1fx (1 of 1 seed)", c.compression()[0]),
                                row[3].trim(), method);
                        assertEquals(String.format(java.util.Locale.ROOT, "%.2f", c.testDrop()[0]), row[4].trim(), method);
                        double validationDrop = Double.parseDouble(row[5].trim());
                        assertTrue(validationDrop <= tolerance + 1e-9, method + " at " + tolerance + ": " + validationDrop);
                    }
                    assertIsMostCompressedWithin(report, a, method, tolerance, c);
                }
            }
        }
        // the run extended every grid as far as the rule asks: no method has a next ratio left on any seed
        for (Arch a : archs) {
            for (Method m : a.methods()) {
                for (Base b : report.bases().stream().filter(b -> b.arch() == a).toList()) {
                    List<Result> tried = report.results().stream().filter(r -> r.arch().equals(a.name())).toList();
                    assertTrue(QualityBench.nextRatio(m, b, tried).isEmpty(), a.name() + " " + m.name());
                }
            }
        }
        for (Method m : archs.get(0).methods()) {
            assertTrue(report.results().stream().anyMatch(r -> r.method().equals(m.name()) && r.ok()),
                    m.name() + " ran");
        }
        assertTrue(record.contains("| dense | dense |"), "dense deployment row");
        assertEquals(docsBefore, snapshot(DOCS), "docs/ untouched");
    }

    @Test
    void residualModeWritesItsOwnSectionBesideTheMainOne(@TempDir Path out) throws Exception {
        String main = QualityReport.MAIN.begin() + "\nmain figures\n" + QualityReport.MAIN.end() + "\n";
        Files.writeString(out.resolve(QualityReport.MARKDOWN), main);

        QualityBench bench = new QualityBench();
        int code = new CommandLine(bench).execute("--mode", "residual", "--out", out.toString(), "--data", DATA_DIR,
                "--resnet-train-rows", "600", "--test-rows", "200", "--resnet-epochs", "1", "--resnet-filter-ratios",
                "0.5", "--retrain-ratios", "0.5", "--latency-rounds", "1");
        assertEquals(0, code);

        String md = Files.readString(out.resolve(QualityReport.MARKDOWN));
        assertTrue(md.startsWith(main), "the main section is kept: " + md);
        assertTrue(md.contains(QualityReport.RESIDUAL.begin() + "\n## " + QualityReport.RESIDUAL.heading()), md);
        assertTrue(md.contains("| dense RESNET test accuracy >= 92% |"), md);
        assertTrue(md.contains("| RESNET filter above filter-random and filter-scratch"), md);
        assertTrue(Files.size(out.resolve(QualityReport.DETAIL_DIR).resolve(QualityReport.CHART_PREFIX + "resnet.png")) > 1000);
        QualityReport report = bench.report;
        assertEquals(List.of("resnet"), report.archs().stream().map(Arch::name).toList());
        assertEquals(1, report.bases().size(), "one seed");
        // the filter groups shrank the graph: fewer parameters and multiply-adds than the dense model
        Result filter = report.results().stream().filter(r -> r.method().equals("filter") && r.ratio() == 0.5)
                .findFirst().orElseThrow();
        assertTrue(filter.ok(), filter.toString());
        assertTrue(filter.num(Metrics::flopsReduction) > 1.5, filter.toString());
        assertTrue(filter.num(Metrics::paramsTotal) < report.bases().get(0).metrics().paramsTotal());
        assertTrue(report.results().stream().anyMatch(r -> r.method().equals("filter-scratch") && r.ok()),
                "the from-scratch control trained a graph");
    }

    @Test
    void quickModeWritesOutsideDocsByDefault() throws IOException {
        Path quick = QualityBench.defaultOut(false);
        try {
            assertTrue(Files.isDirectory(quick));
            assertFalse(quick.toAbsolutePath().normalize().startsWith(DOCS.toAbsolutePath().normalize()));
        } finally {
            Files.deleteIfExists(quick);
        }
        assertEquals(Path.of("docs"), QualityBench.defaultOut(true));
    }

    @Test
    void choiceIsTheMostCompressedWithinTheToleranceOnValidationNotTest() {
        Arch arch = new Arch("mlp", "t", s -> null, s -> DataLocation.idx("/nowhere", 0, 0, 0.1, s), 1, ImageAugment.NONE, List.of(),
                List.of("a"), "a");
        Base base = new Base(arch, 1, null, null, null, null, null, metrics(0.88, 0, 0.90, 0, 1), null);
        List<Result> results = List.of(
                result("a", 0.90, 10, 0.897, 0.80),   // within 0.5 on validation, test drop large
                result("a", 0.95, 20, 0.892, 0.879),  // within 1.0 only
                result("a", 0.98, 50, 0.85, 0.88),    // test fine, validation not: never chosen
                new Result("mlp", "a", 1, 0.99, "FAILED", "x", null, null, null, 0),
                result("b", 0.99, 99, 0.90, 0.88));   // another method
        assertEquals(0.90, QualityReport.choose(results, List.of("a"), base, 0.5).orElseThrow().ratio());
        assertEquals(0.95, QualityReport.choose(results, List.of("a"), base, 1.0).orElseThrow().ratio());
        assertTrue(QualityReport.choose(results, List.of("a"), base, 0.1).isEmpty());
        assertEquals(0.99, QualityReport.choose(results, List.of("a", "b"), base, 0.1).orElseThrow().ratio());
    }

    @Test
    void choicesAllowForTheNoiseOfEachValidationDrop() {
        Arch arch = new Arch("mlp", "t", s -> null, s -> DataLocation.idx("/nowhere", 0, 0, 0.1, s), 1, ImageAugment.NONE,
                List.of(), List.of("a"), "a");
        Base base = new Base(arch, 1, null, null, null, null, null, metrics(0.88, 0, 0.90, 0, 1), null);
        // 0.3 point measured to 0.2: 0.56 at 90%; 0.7 point measured to 0.4: 1.21
        Result sure = noisy(0.90, 10, 0.897, 0.002, new QualityBench.Int8Validation(0.896, 0.002));
        Result unsure = noisy(0.95, 20, 0.893, 0.004, new QualityBench.Int8Validation(0.893, 0.001));
        List<Result> results = List.of(sure, unsure);
        assertEquals(sure, QualityReport.choose(results, List.of("a"), base, 1.0).orElseThrow());
        assertTrue(QualityReport.choose(results, List.of("a"), base, 0.5).isEmpty());
        // int8 copies are chosen by their own drops and errors: 0.7 point measured to 0.1 is within 1.0
        assertEquals(unsure, QualityReport.chooseInt8(results, List.of("a"), base, 1.0).orElseThrow());
    }

    private static Result result(String method, double ratio, double compression, double validation, double test) {
        return new Result("mlp", method, 1, ratio, "OK", null,
                metrics(test, 0.88 - test, validation, 0.90 - validation, compression), null, null, 0);
    }

    private static Result noisy(double ratio, double compression, double validation, double valDropSe,
                                QualityBench.Int8Validation int8) {
        Metrics m = new Metrics(0, 0, 100, Math.round(100 / compression), compression, 0.87, 0.01, 0, 0.5, validation,
                0.90 - validation, valDropSe, 100, 1, 400, 400, 400 / Math.round(compression), null, null, Map.of());
        return new Result("mlp", "a", 1, ratio, "OK", null, m, int8, null, 0);
    }

    /** Figures of a result with only what the choice reads: accuracies, drops and compression. */
    private static Metrics metrics(double accuracy, double accuracyDrop, double valAccuracy, double valAccuracyDrop,
                                   double compression) {
        return new Metrics(0, 0, 100, Math.round(100 / compression), compression, accuracy, accuracyDrop, 0, 0.5,
                valAccuracy, valAccuracyDrop, 0, 100, 1, 400, 400, 200, null, null, Map.of());
    }

    /**
     * No other successful result of the method and seed is both within the tolerance (its drop plus 1.2816 standard
     * errors, the bench's 90% one-sided confidence) and more compressed (or at all, when none was chosen).
     */
    private static void assertIsMostCompressedWithin(QualityReport report, Arch a, String method, double tolerance,
                                                     QualityReport.Choice c) {
        List<String> methods = method.equals(QualityReport.BEST) ? a.best() : List.of(method);
        for (QualityReport.Pick p : c.picks()) {
            Base b = p.base();
            double chosen = p.found() ? p.result().num(Metrics::compression) : Double.NEGATIVE_INFINITY;
            double baseValidation = b.metrics().valAccuracy();
            for (Result r : report.results()) {
                if (r.ok() && r.arch().equals(a.name()) && methods.contains(r.method()) && r.seed() == b.seed()
                        && 100 * (baseValidation - r.num(Metrics::valAccuracy) + 1.2816 * r.num(Metrics::valAccuracyDropSe))
                        <= tolerance + 1e-9) {
                    assertTrue(r.num(Metrics::compression) <= chosen + 1e-9, method + ": " + r + " beats the choice");
                }
            }
        }
    }

    private static String[] row(String section, String method, double tolerance) {
        String name = method.equals(QualityReport.BEST) ? "**best**" : method;
        String prefix = "| " + name + " | " + String.format(java.util.Locale.ROOT, "%.1f", tolerance) + " |";
        return section.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + prefix)).split("\\|");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    /** Every file under a folder with a hash of its content. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString(), HexFormat.of().formatHex(sha.digest(Files.readAllBytes(p))));
            }
        }
        return files;
    }

    private static final String DATA_DIR = "/usr/share/datasets/fashion-mnist";
}
