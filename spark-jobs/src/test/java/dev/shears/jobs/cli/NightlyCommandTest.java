package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import dev.shears.jobs.output.ReportTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shears nightly}: a fixed command line a scheduler runs every night. */
class NightlyCommandTest {

    @TempDir
    Path dir;

    private JsonNode runJson(Path night) throws Exception {
        return new ObjectMapper().readTree(night.resolve("run.json").toFile());
    }

    @Test
    void aNightWithNothingChangedReusesEveryResultAndIsComparedWithTheNightBefore() throws Exception {
        TestData.writeBlobs(dir);
        Path spec = Files.writeString(dir.resolve("spec.yaml"), TestData.spec(dir, String.join("\n",
                "  ratio: [0.5, 0.8]",
                "  epochs: [1]"), "  budget: 2"));
        Path root = dir.resolve("nights");
        SharedSpark.get();
        // the build turns the cache off for tests ($SHEARS_CACHE=none): this one names it
        List<String> nightly = List.of("nightly", "--spec", spec.toString(), "--root", root.toString(),
                "--fail-if-worse", "1", "--cache", dir.resolve("cache").toString());

        assertEquals(0, ShearsMain.execute(with(nightly, "--date", "2026-11-27")), "the first night ignores --fail-if-worse");
        assertEquals(0, ShearsMain.execute(with(nightly, "--date", "2026-11-28")));
        Path first = root.resolve("2026-11-27");
        Path second = root.resolve("2026-11-28");
        assertEquals(Path.of("2026-11-28"), Files.readSymbolicLink(root.resolve("latest")));
        assertEquals(0, runJson(first).path("counts").path("cached").asInt());
        assertEquals(2, runJson(second).path("counts").path("cached").asInt(),
                "the same model, data and spec: every result from the cache");
        assertTrue(runJson(second).path("timings").path("base_model_cached").asBoolean());
        assertTrue(runJson(second).path("changes").path("previous").asText().endsWith("2026-11-27"),
                runJson(second).path("changes").toString());

        JsonNode dashboard = ReportTest.data(Files.readString(root.resolve("dashboard.html"))).path("nights");
        assertEquals(2, dashboard.size(), "each finished night joins the dashboard in ROOT");
        assertEquals(dashboard.get(0).path("val_accuracy").asDouble() - 0.01,
                dashboard.get(1).path("alert_val_accuracy").asDouble(), 1e-12, "with nightly's --fail-if-worse");
        assertTrue(Files.exists(root.resolve("history.csv")));

        String written = Files.readString(second.resolve("run.json"));
        assertEquals(0, ShearsMain.execute(with(nightly, "--date", "2026-11-28")), "the same night again");
        assertEquals(written, Files.readString(second.resolve("run.json")), "tonight's run is left as it is");
        try (var names = Files.list(root)) {
            assertFalse(names.anyMatch(p -> p.getFileName().toString().contains(".partial-")), "nothing started");
        }
        assertEquals(2, ShearsMain.execute(with(nightly, "--date", "28/11/2026")), "a date of another form");
    }

    private static String[] with(List<String> args, String... more) {
        return java.util.stream.Stream.concat(args.stream(), java.util.Arrays.stream(more)).toArray(String[]::new);
    }
}
