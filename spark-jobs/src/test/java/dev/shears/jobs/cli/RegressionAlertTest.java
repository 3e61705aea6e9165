package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nights under one root: the second prunes far harder, so validation accuracy at the first
 * night's best compression falls; --fail-if-worse turns that into exit code 3 (the results are
 * still written), and history lists both nights with the fall.
 */
class RegressionAlertTest {

    @TempDir
    Path dir;

    private int search(String ratios, String night, String... more) throws Exception {
        Path spec = Files.writeString(dir.resolve(night + ".yaml"), TestData.spec(dir, "  ratio: " + ratios, "  budget: 2"));
        String[] args = {"search", "--spec", spec.toString(), "--out", dir.resolve("root").resolve(night).toString()};
        String[] all = Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return ShearsMain.execute(all);
    }

    @Test
    void aNightWorseThanTheOneBeforeExitsWith3AndHistoryShowsTheFall() throws Exception {
        TestData.writeBlobs(dir);
        SharedSpark.get();
        assertEquals(0, search("[0.3, 0.5]", "2026-01-01"));
        String monday = dir.resolve("root").resolve("2026-01-01").toString();

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true));
            code = search("[0.97, 0.98]", "2026-01-02", "--compare-to", monday, "--fail-if-worse", "1");
        } finally {
            System.setErr(old);
        }
        assertEquals(3, code, err.toString());
        assertTrue(err.toString().contains("worse than " + monday), err.toString());
        assertTrue(Files.exists(dir.resolve("root").resolve("2026-01-02").resolve("results.csv")), "the night is kept");
        assertTrue(Files.readString(dir.resolve("root").resolve("2026-01-02").resolve("report.html"))
                .contains("id=\"changes\""), "the report shows the changes");
        assertFalse(Files.readString(dir.resolve("root").resolve("2026-01-01").resolve("report.html"))
                .contains("id=\"changes\""), "nothing compared");
        // the same fall is within a tolerance of 100 points
        assertEquals(0, search("[0.97, 0.98]", "2026-01-03", "--compare-to", monday, "--fail-if-worse", "100"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        try {
            System.setOut(new PrintStream(out, true));
            assertEquals(0, ShearsMain.execute("history", dir.resolve("root").toString()));
        } finally {
            System.setOut(stdout);
        }
        List<String> lines = out.toString().lines().filter(l -> l.startsWith("2026-")).toList();
        assertEquals(3, lines.size(), out.toString());
        assertTrue(lines.get(1).contains("points at the night before's best compression"), lines.get(1));
        List<String> csv = Files.readAllLines(dir.resolve("root").resolve("history.csv"));
        assertEquals(1 + 3, csv.size(), csv.toString());
        List<String> header = Arrays.asList(csv.get(0).split(","));
        double fall = Double.parseDouble(csv.get(2).split(",", -1)[header.indexOf("val_fall_points")]);
        assertTrue(fall > 1, "the second night fell by more than 1 point: " + fall);
        assertTrue(csv.get(1).split(",", -1)[header.indexOf("val_fall_points")].isEmpty(), "nothing before the first");
    }
}
