package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.TestData;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input exits with code 2 and a message naming what is wrong, before any Spark job, writing nothing. */
class BadInputTest {

    @TempDir
    Path dir;

    private String run(int expectedCode, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        try {
            System.setErr(new PrintStream(err, true));
            assertEquals(expectedCode, ShearsMain.execute(args), err.toString());
        } finally {
            System.setErr(old);
        }
        return err.toString();
    }

    private Path spec(String space, String extra) throws Exception {
        TestData.writeBlobs(dir);
        return Files.writeString(dir.resolve("spec.yaml"), TestData.spec(dir, space, extra));
    }

    private void assertNothingWritten() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith("out")), "an output was written");
        }
    }

    @Test
    void missingSpecFile() {
        String err = run(2, "search", "--spec", dir.resolve("nope.yaml").toString(), "--out", dir.resolve("out").toString());
        assertTrue(err.contains("nope.yaml") && err.contains("no such file"), err);
    }

    @Test
    void optionsWithoutACommandMeanSearch() {
        String err = run(2, "--spec", dir.resolve("nope.yaml").toString(), "--out", dir.resolve("out").toString());
        assertTrue(err.contains("nope.yaml") && err.contains("no such file"), err);
    }

    @Test
    void ratioOutOfRange() throws Exception {
        Path s = spec("  ratio: [0.5, 1.2]", "");
        String err = run(2, "search", "--spec", s.toString(), "--out", dir.resolve("out").toString());
        assertTrue(err.contains("space.ratio[1]") && err.contains("1.2"), err);
        assertNothingWritten();
    }

    @Test
    void missingDataFile() throws Exception {
        Path s = spec("  ratio: [0.5]", "");
        Files.delete(dir.resolve("test.csv"));
        String err = run(2, "search", "--spec", s.toString(), "--out", dir.resolve("out").toString());
        assertTrue(err.contains("test.csv") && err.contains("no such file"), err);
        assertNothingWritten();
    }

    @Test
    void malformedDataFile() throws Exception {
        Path s = spec("  ratio: [0.5]", "");
        Files.writeString(dir.resolve("train.csv"), "label,a,b\n1,0.5,0.2\n7,x,0.1\n");
        String err = run(2, "search", "--spec", s.toString(), "--out", dir.resolve("out").toString());
        assertTrue(err.contains("train.csv") && err.contains("line 3"), err);
        assertNothingWritten();
    }

    @Test
    void noValidationSplitToSelectOn() throws Exception {
        Path s = spec("  ratio: [0.5]", "");
        String err = run(2, "search", "--spec", s.toString(), "--out", dir.resolve("out").toString(),
                "--set", "data.validationFraction=0");
        assertTrue(err.contains("spec.yaml") && err.contains("data.validationFraction")
                && err.contains("objective.selectOn: test"), err);
        assertNothingWritten();
        err = run(2, "search", "--spec", s.toString(), "--out", dir.resolve("out").toString(),
                "--set", "objective.selectOn=train");
        assertTrue(err.contains("objective.selectOn") && err.contains("validation, test"), err);
        assertNothingWritten();
    }

    @Test
    void unknownLayerName() throws Exception {
        Path s = spec("  layers: [all, dense7]", "");
        String err = run(2, "search", "--spec", s.toString(), "--out", dir.resolve("out").toString());
        assertTrue(err.contains("space.layers") && err.contains("dense7") && err.contains("dense0"), err);
        assertNothingWritten();
    }

    @Test
    void strategyOptionsAreCheckedBeforeTraining() throws Exception {
        // 3 layers x 2 scan ratios + 1 final candidate need a budget of 7; training 5,000 epochs first would take minutes
        Path s = spec("  ratio: [0.5]", "  strategy: sensitivity\n  budget: 4\n  options:\n    scanRatios: [0.3, 0.6]");
        String err = run(2, "search", "--spec", s.toString(), "--out", dir.resolve("out").toString(),
                "--set", "model.epochs=5000");
        assertTrue(err.contains("spec.yaml") && err.contains("sensitivity") && err.contains("budget 4")
                && err.contains("7 trials"), err);
        assertNothingWritten();
    }

    @Test
    void unreadableModelFile() throws Exception {
        Files.writeString(dir.resolve("model.zip"), "not a model");
        Path s = spec("  ratio: [0.5]", "");
        String err = run(2, "search", "--spec", s.toString(), "--out", dir.resolve("out").toString(),
                "--set", "model.file=" + dir.resolve("model.zip").toUri());
        assertTrue(err.contains("model.zip") && err.contains("not a DL4J"), err);
        assertNothingWritten();
    }

    @Test
    void outputThatIsAFile() throws Exception {
        Path s = spec("  ratio: [0.5]", "");
        Files.writeString(dir.resolve("out"), "x");
        String err = run(2, "search", "--spec", s.toString(), "--out", dir.resolve("out").toString());
        assertTrue(err.contains("is a file"), err);
    }

    @Test
    void validateAcceptsAGoodSpecAndDescribesItsDataAndModel() throws Exception {
        Path s = spec("  ratio: [0.5, 0.9]\n  scorer: [magnitude, random]", "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        try {
            System.setOut(new PrintStream(out, true));
            run(0, "validate", "--spec", s.toString());
        } finally {
            System.setOut(old);
        }
        assertTrue(out.toString().contains("data: 480 training, 120 validation, 300 test rows"), out.toString());
        assertTrue(out.toString().contains("prunable layers: dense0, dense1, output"), out.toString());
    }

    @Test
    void validateChecksLayerNamesAndStrategyOptionsLikeASearch() throws Exception {
        Path s = spec("  layers: [dense7]", "");
        String err = run(2, "validate", "--spec", s.toString());
        assertTrue(err.contains("space.layers") && err.contains("dense7"), err);
        Path sensitivity = spec("  ratio: [0.5]", "  strategy: sensitivity\n  budget: 4\n  options:\n    scanRatios: [0.3, 0.6]");
        err = run(2, "validate", "--spec", sensitivity.toString());
        assertTrue(err.contains("budget 4") && err.contains("7 trials"), err);
    }

    @Test
    void validateSpecOnlyLeavesTheDataAlone() throws Exception {
        Path s = spec("  ratio: [0.5]", "");
        Files.delete(dir.resolve("train.csv"));
        run(0, "validate", "--spec-only", "--spec", s.toString());
        String err = run(2, "validate", "--spec", s.toString());
        assertTrue(err.contains("train.csv") && err.contains("no such file"), err);
    }

    @Test
    void unknownOptionIsAUsageError() {
        String err = run(2, "search", "--spek", "x", "--spec", "y", "--out", "z");
        assertTrue(err.contains("--spek"), err);
    }
}
