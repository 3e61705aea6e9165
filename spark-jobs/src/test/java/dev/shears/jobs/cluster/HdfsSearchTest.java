package dev.shears.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import dev.shears.jobs.cli.ShearsMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spec, data and every output on HDFS (an in-JVM MiniDFSCluster), read and written through the Hadoop FileSystem API. */
class HdfsSearchTest {

    @TempDir
    static Path dir;

    static MiniDFSCluster hdfs;
    static FileSystem fs;
    static String root;

    @BeforeAll
    static void startHdfsAndCopyInputs() throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
        hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        hdfs.waitActive();
        fs = hdfs.getFileSystem();
        root = hdfs.getURI() + "/shears";
        TestData.writeBlobs(dir);
        for (String name : List.of("train.csv", "test.csv")) {
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(dir.resolve(name).toUri()), path("/data/" + name));
        }
        String spec = TestData.spec(dir, "  ratio: [0.5, 0.8]\n  epochs: [1]", "  budget: 2")
                .replace(dir.resolve("train.csv").toUri().toString(), root + "/data/train.csv")
                .replace(dir.resolve("test.csv").toUri().toString(), root + "/data/test.csv");
        try (var out = fs.create(path("/spec.yaml"))) {
            out.write(spec.getBytes(StandardCharsets.UTF_8));
        }
        SharedSpark.get();
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    private static org.apache.hadoop.fs.Path path(String under) {
        return new org.apache.hadoop.fs.Path(root + under);
    }

    private static int run(ByteArrayOutputStream err, String... args) {
        PrintStream old = System.err;
        try {
            System.setErr(new PrintStream(err, true));
            return ShearsMain.execute(args);
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void searchReadsSpecAndDataFromHdfsAndWritesTheTablesThere() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(err, "search", "--spec", root + "/spec.yaml", "--out", root + "/out"), err.toString());

        List<String> lines;
        try (var in = fs.open(path("/out/results.csv"))) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        List<String> header = Arrays.asList(lines.get(0).split(","));
        assertEquals(3, lines.size() - 1, "base + 2 candidates");
        for (String line : lines.subList(2, lines.size())) {
            String[] row = line.split(",", -1);
            assertEquals("OK", row[header.indexOf("status")], line);
            assertTrue(Double.parseDouble(row[header.indexOf("compression")]) > 1.5, line);
        }
        assertEquals(3, SharedSpark.get().read().parquet(root + "/out/results.parquet").count());
        for (String file : List.of("run.json", "pareto.csv", "report.html", "models/base.zip")) {
            assertTrue(fs.exists(path("/out/" + file)), file);
        }
    }

    @Test
    void aParquetSearchReadsItsTablesFromHdfs() throws Exception {
        String train = root + "/tables/train.parquet";
        String test = root + "/tables/test.parquet";
        TestData.blobsTable(train, "parquet", 600, 16, 4, 1, false);
        TestData.blobsTable(test, "parquet", 300, 16, 4, 2, false);
        String spec = TestData.spec(dir, "  ratio: [0.5, 0.8]\n  epochs: [1]", "  budget: 2")
                .replace("format: csv", "format: parquet")
                .replace(dir.resolve("train.csv").toUri().toString(), train)
                .replace(dir.resolve("test.csv").toUri().toString(), test);
        try (var out = fs.create(path("/tables.yaml"))) {
            out.write(spec.getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(err, "search", "--spec", root + "/tables.yaml", "--out", root + "/tables-out", "--no-cache"),
                err.toString());

        List<String> lines;
        try (var in = fs.open(path("/tables-out/results.csv"))) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        List<String> header = Arrays.asList(lines.get(0).split(","));
        assertEquals(3, lines.size() - 1, "base + 2 candidates");
        for (String line : lines.subList(1, lines.size())) {
            assertEquals("OK", line.split(",", -1)[header.indexOf("status")], line);
        }
        JsonNode run;
        try (var in = fs.open(path("/tables-out/run.json"))) {
            run = new ObjectMapper().readTree(in);
        }
        assertEquals(300, run.path("data").path("test_rows").asInt());
        assertTrue(run.path("data").path("location").path("trainFile").asText().startsWith(root + "/tables-out.partial-"),
                "executors loaded the tables' copy from HDFS: " + run.path("data").path("location"));
        assertFalse(fs.exists(path("/tables-out/checkpoint")), "the copy is removed with the checkpoints");
    }

    @Test
    void nightsOnHdfsShareATrialCacheThere() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String nights = root + "/nights";
        for (String night : List.of("2026-11-27", "2026-11-28")) {
            assertEquals(0, run(err, "nightly", "--spec", root + "/spec.yaml", "--root", nights, "--date", night,
                    "--cache", nights + "/cache"), err.toString());
        }
        JsonNode second;
        try (var in = fs.open(path("/nights/2026-11-28/run.json"))) {
            second = new ObjectMapper().readTree(in);
        }
        assertEquals(2, second.path("counts").path("cached").asInt(), "the second night evaluates no trial");
        assertEquals(nights + "/cache", second.path("cache").asText());
        assertTrue(fs.listStatus(path("/nights/cache/trials-v1")).length > 0, "entries on HDFS");
        try (var in = fs.open(path("/nights/LATEST"))) {
            assertEquals("2026-11-28", new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    "no symbolic links on HDFS: the file names the latest night");
        }
    }

    @Test
    void aMissingHdfsDataFileIsBadInputAndNothingIsWritten() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = run(err, "search", "--spec", root + "/spec.yaml", "--out", root + "/missing-out",
                "--set", "data.train=" + root + "/data/nope.csv");
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains(root + "/data/nope.csv: no such file"), err.toString());
        assertFalse(fs.exists(path("/missing-out")));
        assertFalse(Arrays.stream(fs.listStatus(path("/"))).anyMatch(s -> s.getPath().getName().contains(".partial-")));
    }
}
