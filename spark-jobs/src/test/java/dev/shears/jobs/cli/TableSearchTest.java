package dev.shears.jobs.cli;

import dev.shears.jobs.driver.Start;
import dev.shears.jobs.driver.Prepared;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import dev.shears.jobs.driver.SearchJob;
import dev.shears.jobs.driver.TrialCache;
import dev.shears.jobs.spark.SparkTables;
import dev.shears.jobs.spec.LoadedSpec;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.train.FineTuner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Searches whose data are tables read by Spark: feature columns or one array column, two tables or one split. */
class TableSearchTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void startSpark() {
        SharedSpark.get();
    }

    /** The blobs spec with its CSV files replaced by the tables {@code train} and {@code test} (null: none). */
    static String spec(Path dir, String format, String train, String test, String extraData) {
        String yaml = TestData.spec(dir, "  ratio: [0.5, 0.8]\n  epochs: [1]", "  budget: 2")
                .replace("format: csv", "format: " + format)
                .replace(dir.resolve("train.csv").toUri().toString(), train);
        String testLine = "  test: " + dir.resolve("test.csv").toUri();
        return yaml.replace(testLine, (test == null ? "" : "  test: " + test + "\n") + extraData);
    }

    private static Path write(String name, String yaml) throws Exception {
        return Files.writeString(dir.resolve(name), yaml);
    }

    private static JsonNode runJson(Path out) throws Exception {
        return new ObjectMapper().readTree(out.resolve("run.json").toFile());
    }

    private static List<String[]> rows(Path out, List<String> header) throws Exception {
        List<String> lines = Files.readAllLines(out.resolve("results.csv"));
        header.addAll(Arrays.asList(lines.get(0).split(",")));
        return lines.subList(1, lines.size()).stream().map(l -> l.split(",", -1)).toList();
    }

    @Test
    void aParquetSearchOnFeatureColumnsAndItsDataHashFollowsTheContent() throws Exception {
        Path tables = Files.createDirectories(dir.resolve("features"));
        TestData.blobsTable(tables.resolve("train.parquet").toUri().toString(), "parquet", 600, 16, 4, 1, false);
        TestData.blobsTable(tables.resolve("test.parquet").toUri().toString(), "parquet", 300, 16, 4, 2, false);
        Path spec = write("features.yaml", spec(dir, "parquet", tables.resolve("train.parquet").toUri().toString(),
                tables.resolve("test.parquet").toUri().toString(), ""));
        String cache = dir.resolve("cache").toString();
        Path out = dir.resolve("features-out");
        assertEquals(0, ShearsMain.execute("search", "--spec", spec.toString(), "--out", out.toString(), "--cache", cache));

        List<String> header = new java.util.ArrayList<>();
        List<String[]> rows = rows(out, header);
        assertEquals(3, rows.size(), "base + 2 candidates");
        for (String[] row : rows) {
            assertEquals("OK", row[header.indexOf("status")]);
        }
        assertTrue(Double.parseDouble(rows.get(0)[header.indexOf("accuracy")]) > 0.8,
                "the blobs are separable: " + rows.get(0)[header.indexOf("accuracy")]);
        JsonNode data = runJson(out).path("data");
        assertEquals(480, data.path("train_rows").asInt());
        assertEquals(120, data.path("validation_rows").asInt());
        assertEquals(300, data.path("test_rows").asInt());
        assertEquals("parquet", data.path("tables").path("format").asText());
        assertFalse(Files.exists(out.resolve("checkpoint")), "the tables' copy goes with the checkpoints");

        // the same tables elsewhere are the same data: every trial comes from the cache
        Path moved = Files.createDirectories(dir.resolve("moved"));
        for (String table : List.of("train.parquet", "test.parquet")) {
            copyFolder(tables.resolve(table), moved.resolve(table));
        }
        Path again = write("moved.yaml", spec(dir, "parquet", moved.resolve("train.parquet").toUri().toString(),
                moved.resolve("test.parquet").toUri().toString(), ""));
        Path out2 = dir.resolve("moved-out");
        assertEquals(0, ShearsMain.execute("search", "--spec", again.toString(), "--out", out2.toString(), "--cache", cache));
        assertEquals(data.path("hash").asText(), runJson(out2).path("data").path("hash").asText());
        assertEquals(2, runJson(out2).path("counts").path("cached").asInt());
    }

    private static void copyFolder(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    @Test
    void anArrayColumnTableSplitByTestFraction() throws Exception {
        String table = dir.resolve("all.parquet").toUri().toString();
        TestData.blobsTable(table, "parquet", 500, 16, 4, 3, true);
        Path spec = write("array.yaml", spec(dir, "parquet", table, null, "  testFraction: 0.2\n"));

        String said = TestData.printed("validate", "--spec", spec.toString());
        assertTrue(said.contains("data: 320 training, 80 validation, 100 test rows"), said);
        assertTrue(said.contains(table + ": 500 rows; label 'label', vector column 'x' of 16 values"),
                said);

        Path out = dir.resolve("array-out");
        assertEquals(0, ShearsMain.execute("search", "--spec", spec.toString(), "--out", out.toString(), "--no-cache"));
        List<String> header = new java.util.ArrayList<>();
        List<String[]> rows = rows(out, header);
        assertEquals(3, rows.size());
        assertTrue(Double.parseDouble(rows.get(0)[header.indexOf("accuracy")]) > 0.8);
        assertEquals(100, runJson(out).path("data").path("test_rows").asInt());
    }

    @Test
    void aStoppedRunResumesOnTheCopyItWrote() throws Exception {
        String table = dir.resolve("stopped.parquet").toUri().toString();
        TestData.blobsTable(table, "parquet", 200, 8, 4, 6, false);
        LoadedSpec spec = SpecLoader.parse("stopped.yaml", spec(dir, "parquet", table, null, "  testFraction: 0.25\n"),
                List.of("model.epochs=1"));
        String out = dir.resolve("stopped-out").toString();
        SparkTables tables = new SparkTables(SharedSpark.get());
        // prepared, then stopped before any trial ran
        Prepared first = SearchJob.prepare(spec, out, Start.fresh(), FineTuner.LOCAL, tables);
        String copy = first.dataLocation().trainFile();
        assertTrue(copy.startsWith(first.out().staging() + "/checkpoint/data/"), copy);
        assertTrue(Files.exists(Path.of(java.net.URI.create(copy))));
        long written = Files.getLastModifiedTime(Path.of(java.net.URI.create(copy))).toMillis();
        assertEquals(150 - 30, first.data().train().size());

        Prepared second = SearchJob.prepare(spec, out, new Start(true, false, null, TrialCache.OFF),
                FineTuner.LOCAL, tables);
        assertTrue(second.out().resumed());
        assertEquals(first.dataLocation(), second.dataLocation());
        assertEquals(first.data().sha256(), second.data().sha256());
        assertEquals(written, Files.getLastModifiedTime(Path.of(java.net.URI.create(copy))).toMillis(),
                "the copy is not written again");
    }

    @Test
    void orcTablesAreReadToo() throws Exception {
        String train = dir.resolve("train.orc").toUri().toString();
        String test = dir.resolve("test.orc").toUri().toString();
        TestData.blobsTable(train, "orc", 200, 8, 4, 4, false);
        TestData.blobsTable(test, "orc", 100, 8, 4, 5, false);
        Path spec = write("orc.yaml", spec(dir, "orc", train, test, "  features: [f0, f1, f2]\n"));
        String said = TestData.printed("validate", "--spec", spec.toString());
        assertTrue(said.contains("data: 160 training, 40 validation, 100 test rows"), said);
        assertTrue(said.contains(test + ": 100 rows; label 'label', 3 feature columns"), said);
    }
}
