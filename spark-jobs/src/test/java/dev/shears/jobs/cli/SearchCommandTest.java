package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.jobs.SavedModels;
import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline on local[2]: spec in, ranked table and every output file out. */
class SearchCommandTest {

    @TempDir
    static Path dir;

    static Path out;
    static List<String[]> csv;
    static List<String> header;
    /** What the search wrote on standard output and error: not a terminal, as under a scheduler. */
    static String printed;

    @BeforeAll
    static void runSearch() throws Exception {
        TestData.writeBlobs(dir);
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, TestData.spec(dir, String.join("\n",
                "  ratio: [0.5, 0.9]",
                "  scorer: [magnitude, random]",
                "  scope: [layerwise, global]",
                "  epochs: [1]"), "  budget: 6"));
        SharedSpark.get();
        out = dir.resolve("out");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        int code;
        try (PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(both);
            System.setErr(both);
            code = ShearsMain.execute("search", "--spec", spec.toString(), "--out", out.toString(),
                    "--set", "output.keepModels=2", "--set", "search.measureLatency=true");
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        printed = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed);
        List<String> lines = Files.readAllLines(out.resolve("results.csv"));
        header = Arrays.asList(lines.get(0).split(","));
        csv = lines.stream().skip(1).map(l -> l.split(",", -1)).toList();
    }

    private static String cell(String[] row, String column) {
        return row[header.indexOf(column)];
    }

    @Test
    void tableHasBaseRowAndOneRowPerCandidateWithRequiredColumns() {
        // the columns users' scripts rely on, first and in this order
        List<String> required = List.of("rank", "candidate", "scorer", "granularity", "scope", "layers", "schedule",
                "target_sparsity", "sparsity", "params_total", "params_nonzero", "compression", "accuracy",
                "accuracy_drop", "status");
        assertEquals(required, header.subList(0, required.size()), "required columns first in " + header);
        assertEquals(7, csv.size(), "base + budget 6 candidates");
        assertEquals("base", cell(csv.get(0), "candidate"));
        assertEquals("0", cell(csv.get(0), "rank"));
        for (int i = 1; i < csv.size(); i++) {
            assertEquals(String.valueOf(i), cell(csv.get(i), "rank"));
            assertEquals("OK", cell(csv.get(i), "status"));
        }
    }

    /** Without a terminal, no progress-bar frames: one line per finished candidate, as a log wants. */
    @Test
    void progressWithoutATerminalIsOneLinePerCandidate() throws Exception {
        assertFalse(printed.contains("\r"), "no carriage returns in:\n" + printed);
        List<String> progress = printed.lines().filter(l -> l.startsWith("candidates ")).toList();
        assertEquals(6, progress.size(), printed);
        String best = new ObjectMapper().readTree(out.resolve("run.json").toFile()).path("best").asText();
        for (int i = 0; i < progress.size(); i++) {
            String line = progress.get(i);
            assertTrue(line.startsWith("candidates " + (i + 1) + "/6: "), line);
            assertTrue(line.contains("best ") || line.contains("no candidate within tolerance yet"), line);
            assertTrue(line.matches(".*, about \\d+:\\d\\d:\\d\\d left"), line);
        }
        // the last line's best is the run's best: the same selection rule decides both
        assertTrue(progress.get(5).contains("best " + best + " "), progress.get(5) + " vs " + best);
    }

    @Test
    void candidatesReachTheirTargetSparsityAndCompressionIsComputedFromTheBase() {
        long baseParams = Long.parseLong(cell(csv.get(0), "params_total"));
        double baseAccuracy = Double.parseDouble(cell(csv.get(0), "accuracy"));
        double baseValidation = Double.parseDouble(cell(csv.get(0), "val_accuracy"));
        for (String[] row : csv.subList(1, csv.size())) {
            double target = Double.parseDouble(cell(row, "target_sparsity"));
            double sparsity = Double.parseDouble(cell(row, "sparsity"));
            assertEquals(target, sparsity, 0.002, "sparsity of " + cell(row, "candidate"));
            long nonzero = Long.parseLong(cell(row, "params_nonzero"));
            assertEquals((double) baseParams / nonzero, Double.parseDouble(cell(row, "compression")), 1e-3);
            assertEquals(baseAccuracy - Double.parseDouble(cell(row, "accuracy")),
                    Double.parseDouble(cell(row, "accuracy_drop")), 1e-4);
            assertEquals(baseValidation - Double.parseDouble(cell(row, "val_accuracy")),
                    Double.parseDouble(cell(row, "val_accuracy_drop")), 1e-4);
            assertFalse(cell(row, "spec_hash").isEmpty());
            assertEquals("7", cell(row, "seed"));
        }
    }

    @Test
    void rowsWithinToleranceOnValidationComeFirstByCompression() {
        boolean seenOutside = false;
        double lastCompression = Double.POSITIVE_INFINITY;
        for (String[] row : csv.subList(1, csv.size())) {
            boolean meets = Boolean.parseBoolean(cell(row, "meets_tolerance"));
            // the spec's default tolerance, 0.02, on the validation split; test accuracy plays no part
            assertEquals(Double.parseDouble(cell(row, "val_accuracy_drop")) <= 0.02 + 1e-9, meets, cell(row, "candidate"));
            if (!meets) {
                seenOutside = true;
                continue;
            }
            assertFalse(seenOutside, "a row within tolerance ranks after one outside it");
            double c = Double.parseDouble(cell(row, "compression"));
            assertTrue(c <= lastCompression + 1e-9);
            lastCompression = c;
        }
    }

    @Test
    void writesParetoProvenanceModelsParquetAndReport() throws Exception {
        List<String> pareto = Files.readAllLines(out.resolve("pareto.csv"));
        // the rows on either front: accuracy against compression, and against latency
        long marked = csv.stream().filter(r -> Boolean.parseBoolean(cell(r, "pareto"))
                || Boolean.parseBoolean(cell(r, "pareto_latency"))).count();
        assertEquals(marked + 1, pareto.size());
        assertTrue(csv.stream().anyMatch(r -> Boolean.parseBoolean(cell(r, "pareto"))));
        assertTrue(csv.stream().anyMatch(r -> Boolean.parseBoolean(cell(r, "pareto_latency"))));

        JsonNode run = new ObjectMapper().readTree(out.resolve("run.json").toFile());
        assertEquals(64, run.path("spec_hash").asText().length());
        assertEquals(64, run.path("data").path("hash").asText().length());
        assertEquals(6, run.path("counts").path("candidates").asInt());
        assertEquals(2, run.path("spec").path("output").path("keepModels").asInt(), "--set is recorded");
        assertEquals("validation", run.path("selection").path("split").asText());
        assertEquals(0.5, run.path("selection").path("confidence").asDouble(), "the measured drop itself, by default");
        // every drop has its paired standard error: none for the base's own, some where a candidate's rows differ
        assertEquals("base", cell(csv.get(0), "candidate"));
        assertEquals(0.0, Double.parseDouble(cell(csv.get(0), "val_accuracy_drop_se")));
        assertTrue(csv.stream().skip(1).filter(r -> cell(r, "status").equals("OK"))
                .allMatch(r -> Double.parseDouble(cell(r, "val_accuracy_drop_se")) >= 0));
        assertTrue(csv.stream().skip(1).anyMatch(r -> !cell(r, "accuracy_drop_se").isEmpty()
                && Double.parseDouble(cell(r, "accuracy_drop_se")) > 0));
        // the JVM's peak resident set: more than its heap in use, as ND4J's arrays live outside it
        long heapMb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20;
        assertTrue(run.path("timings").path("driver_peak_resident_mb").asLong() > heapMb, run.path("timings").toString());
        // each trial timed where it ran; the slots of local[2] busy with them between the first start and last end
        long first = Long.MAX_VALUE;
        long last = 0;
        double busy = 0;
        for (String[] row : csv.subList(1, csv.size())) {
            long started = Instant.parse(cell(row, "started_at")).toEpochMilli();
            long ended = Instant.parse(cell(row, "ended_at")).toEpochMilli();
            assertTrue(ended > started, cell(row, "candidate"));
            first = Math.min(first, started);
            last = Math.max(last, ended);
            busy += (ended - started) / 1e3;
        }
        JsonNode slots = run.path("timings").path("slot_utilisation");
        assertEquals(2, slots.path("slots").asInt(), slots.toString());
        assertEquals(6, slots.path("trials").asInt());
        assertEquals(busy, slots.path("busy_slot_seconds").asDouble(), 0.01);
        assertEquals((last - first) / 1e3, slots.path("span_seconds").asDouble(), 0.01);
        assertEquals(busy / (2 * (last - first) / 1e3), slots.path("utilisation").asDouble(), 0.001);
        assertTrue(printed.contains(String.format(Locale.ROOT, "slot utilisation %.1f%%: 6 trials busy",
                100 * slots.path("utilisation").asDouble())), printed);
        csv.stream().skip(1).filter(r -> Boolean.parseBoolean(cell(r, "meets_tolerance"))).findFirst()
                .ifPresent(best -> assertEquals(cell(best, "candidate"), run.path("best").asText()));

        try (Stream<Path> models = Files.list(out.resolve("models"))) {
            List<Path> all = models.toList();
            List<Path> files = all.stream().filter(f -> f.toString().endsWith(".zip")).toList();
            assertEquals(3, files.size(), "base + keepModels 2");
            assertEquals(2, all.size() - files.size(), "the two kept candidates also compact: " + all);
            for (Path f : files) {
                MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(f.toFile());
                assertEquals(Long.parseLong(cell(csv.get(0), "params_total")), net.numParams());
            }
        }

        Dataset<Row> parquet = SharedSpark.get().read().parquet(out.resolve("results.parquet").toString());
        assertEquals(7, parquet.count());
        assertTrue(Arrays.asList(parquet.columns()).contains("compression"));

    }

    /** report.html opens offline, draws from data that agrees with the table, and recommends the run's best. */
    @Test
    void reportIsSelfContainedAndItsDataMatchesTheTable() throws Exception {
        String html = Files.readString(out.resolve("report.html"));
        assertFalse(Pattern.compile("(?i)<(script|link|img|iframe)[^>]*\\s(src|href)\\s*=\\s*['\"]?(https?:)?//").matcher(html).find(),
                "nothing loaded from elsewhere");
        assertFalse(Pattern.compile("(?i)(url\\(|@import)\\s*['\"]?https?://").matcher(html).find(), "no remote styles");
        String echarts;
        try (var in = getClass().getClassLoader().getResourceAsStream(
                "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js")) {
            echarts = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(html.contains("<script>" + echarts + "</script>"), "the charting library is inlined");

        JsonNode data = dev.shears.jobs.output.ReportTest.data(html);
        assertEquals(csv.size(), data.path("rows").size());
        for (int i = 0; i < csv.size(); i++) {
            JsonNode row = data.path("rows").get(i);
            assertEquals(cell(csv.get(i), "candidate"), row.path("candidate").asText());
            for (String figure : List.of("compression", "val_accuracy", "accuracy")) {
                assertEquals(Double.parseDouble(cell(csv.get(i), figure)), row.path(figure).asDouble(), 1e-5,
                        figure + " of " + row.path("candidate"));
            }
        }
        List<String> pareto = csv.stream().filter(r -> Boolean.parseBoolean(cell(r, "pareto")))
                .map(r -> cell(r, "candidate")).toList();
        assertEquals(pareto, StreamSupport.stream(data.path("pareto").spliterator(), false).map(JsonNode::asText).toList());
        String best = new ObjectMapper().readTree(out.resolve("run.json").toFile()).path("best").asText();
        assertEquals(best, data.path("recommended").asText(), "the recommendation is run.json's best");
        assertTrue(html.contains("<p id=\"recommended-id\"><b>" + best + "</b>"), "named at the top");
        assertTrue(html.indexOf("id=\"recommended\"") < html.indexOf("id=\"chart-accuracy\""), "the recommendation first");
        assertTrue(html.contains("chosen on the validation split"), "the headline says which split chose");
        for (String id : List.of("chart-accuracy", "chart-latency", "chart-flops", "chart-layers", "provenance",
                "provenance-spec", "provenance-counts", "provenance-timings", "provenance-versions", "filter-scorer")) {
            assertTrue(html.contains("id=\"" + id + "\""), id);
        }
        for (String id : List.of("sensitivity", "rungs", "changes")) {
            assertFalse(html.contains("id=\"" + id + "\""), id + " did not run");
        }
    }

    @Test
    void savedModelsLoadWithoutShearsAndMatchTheirRows() throws Exception {
        assertEquals(3, SavedModels.assertMatchTheirRows(out, dir.resolve("test.csv")), "base + keepModels 2");
    }

    /** Weight pruning only masks: every candidate does the base's work and says so, with the base's latency. */
    @Test
    void maskedCandidatesShareTheBasesLatency() {
        String[] base = csv.get(0);
        assertEquals("reference", cell(base, "latency_source"));
        assertTrue(Double.parseDouble(cell(base, "latency_b64_ms")) > 0);
        assertTrue(Double.parseDouble(cell(base, "latency_b1_ms")) > 0);
        for (String[] row : csv.subList(1, csv.size())) {
            assertEquals("as-base", cell(row, "latency_source"), cell(row, "candidate"));
            for (String column : List.of("latency_b1_ms", "latency_b64_ms")) {
                assertEquals(cell(base, column), cell(row, column), column);
            }
            assertEquals("1", cell(row, "speedup_b1"));
            assertEquals("1", cell(row, "speedup_b64"));
            assertEquals("0", cell(row, "latency_seconds"), "nothing timed in its trial");
        }
    }

    @Test
    void aSecondRunIntoTheSameDirectoryIsRefusedWithExitCode2AndWritesNothing() throws Exception {
        Path spec = dir.resolve("spec.yaml");
        long before = Files.walk(dir).count();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true));
            code = ShearsMain.execute("search", "--spec", spec.toString(), "--out", out.toString());
        } finally {
            System.setErr(old);
        }
        assertEquals(2, code);
        assertTrue(err.toString().contains("already holds a run"), err.toString());
        assertEquals(before, Files.walk(dir).count());
        File[] partial = dir.toFile().listFiles((d, name) -> name.contains(".partial-"));
        assertEquals(0, partial == null ? 0 : partial.length);
    }
}
