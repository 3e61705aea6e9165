package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.jobs.Scripts;
import dev.shears.jobs.Scripts.Result;
import dev.shears.jobs.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * submit-scripts/nightly as cron runs it: tonight's run goes into ROOT/<date>, is compared with the
 * newest earlier night, and a second start the same night leaves the finished run alone.
 */
class NightlyIT {

    @TempDir
    Path dir;

    @Test
    void aNightIsComparedWithTheNightBeforeAndRunsOnce() throws Exception {
        TestData.writeBlobs(dir);
        Path spec = Files.writeString(dir.resolve("spec.yaml"), TestData.spec(dir, String.join("\n",
                "  ratio: [0.5, 0.8]",
                "  epochs: [1]"), "  budget: 2"));
        Path root = dir.resolve("nightly");
        Path tonight = root.resolve(LocalDate.now().toString());

        // the first night has nothing to be worse than: --fail-if-worse is left out
        Result first = Scripts.run(Duration.ofMinutes(5), "nightly", spec.toString(), root.toString(),
                "--fail-if-worse", "5");
        assertEquals(0, first.code(), first.output());
        assertTrue(Files.exists(tonight.resolve("results.csv")), first.output());
        assertEquals(tonight.getFileName(), Files.readSymbolicLink(root.resolve("latest")), "latest is tonight");
        // that run becomes an earlier night, and tonight runs again, with one candidate more
        Path earlier = root.resolve("2000-01-01");
        Files.move(tonight, earlier);

        Result second = Scripts.run(Duration.ofMinutes(5), "nightly", spec.toString(), root.toString(),
                "--set", "space.ratio=[0.5, 0.8, 0.9]", "--set", "search.budget=3", "--fail-if-worse", "5");
        assertEquals(0, second.code(), "the same candidates are as good as the night before: " + second.output());
        assertTrue(Files.isSameFile(tonight, root.resolve("latest")));
        List<String> changes = Files.readAllLines(tonight.resolve("changes.csv"));
        assertEquals(1 + 1 + 3, changes.size(), "header, base and three candidates: " + changes);
        JsonNode run = new ObjectMapper().readTree(tonight.resolve("run.json").toFile());
        assertTrue(run.path("changes").path("previous").asText().contains("2000-01-01"), run.path("changes").toString());
        assertEquals(1, run.path("changes").path("candidates_new").asInt(), run.path("changes").toString());

        Result third = Scripts.run(Duration.ofMinutes(5), "nightly", spec.toString(), root.toString());
        assertEquals(0, third.code(), third.output());
        assertTrue(third.output().contains("already holds tonight's run"), third.output());

        Result history = Scripts.run(Duration.ofMinutes(2), "shears", "history", root.toString());
        assertEquals(0, history.code(), history.output());
        assertTrue(history.output().contains("2000-01-01  2 candidates")
                && history.output().contains(tonight.getFileName() + "  3 candidates"), history.output());
        assertEquals(1 + 2, Files.readAllLines(root.resolve("history.csv")).size(), "a header and two nights");
    }
}
