package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shears.jobs.SharedSpark;
import dev.shears.jobs.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs reuse what earlier runs computed (the trial cache), and a finished search grows with a larger
 * budget, evaluating only the candidates it has not.
 */
class CacheSearchTest {

    /** Columns that legitimately differ between a run and its cached or extended twin. */
    private static final Set<String> RUN_SPECIFIC = Set.of("cached", "finetune_seconds", "started_at", "ended_at",
            "spec_hash");

    @TempDir
    static Path dir;

    static Path spec;

    @BeforeAll
    static void writeSpec() throws Exception {
        TestData.writeBlobs(dir);
        spec = dir.resolve("spec.yaml");
        Files.writeString(spec, TestData.spec(dir, String.join("\n",
                "  ratio: [0.3, 0.5, 0.7, 0.9]",
                "  scorer: [magnitude, taylor]",
                "  epochs: [1]"), "  strategy: random\n  budget: 3"));
        SharedSpark.get();
    }

    private static Path search(String out, String... more) {
        List<String> args = new ArrayList<>(List.of("search", "--spec", spec.toString(), "--out",
                dir.resolve(out).toString()));
        args.addAll(Arrays.asList(more));
        assertEquals(0, ShearsMain.execute(args.toArray(String[]::new)), String.join(" ", args));
        return dir.resolve(out);
    }

    /** Rows of results.csv by candidate, each a column-to-value map. */
    private static Map<String, Map<String, String>> rows(Path out) throws Exception {
        List<String> lines = Files.readAllLines(out.resolve("results.csv"));
        List<String> header = Arrays.asList(lines.get(0).split(","));
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                row.put(header.get(i), cells[i]);
            }
            rows.put(row.get("candidate"), row);
        }
        return rows;
    }

    private static Map<String, String> withoutRunSpecific(Map<String, String> row) {
        Map<String, String> kept = new LinkedHashMap<>(row);
        kept.keySet().removeAll(RUN_SPECIFIC);
        return kept;
    }

    private static JsonNode runJson(Path out) throws Exception {
        return new ObjectMapper().readTree(out.resolve("run.json").toFile());
    }

    private static long cachedRows(Path out) throws Exception {
        return rows(out).values().stream().filter(r -> r.get("cached").equals("true")).count();
    }

    @Test
    void aSecondRunOfTheSameSpecEvaluatesNothingAndGivesTheSameTable() throws Exception {
        Path cache = dir.resolve("cache");
        Path first = search("first", "--cache", cache.toString());
        Path second = search("second", "--cache", cache.toString());
        assertEquals(0, cachedRows(first));
        assertEquals(3, runJson(first).path("counts").path("candidates").asInt());
        assertEquals(false, runJson(first).path("timings").path("base_model_cached").asBoolean());

        assertEquals(3, cachedRows(second), "every candidate from the cache");
        assertEquals(3, runJson(second).path("timings").path("trials_cached").asInt());
        assertEquals(3, runJson(first).path("timings").path("slot_utilisation").path("trials").asInt());
        assertTrue(runJson(second).path("timings").path("slot_utilisation").isMissingNode(),
                "no trial ran: no slot was busy with one");
        assertEquals(3, runJson(second).path("counts").path("cached").asInt());
        assertEquals(true, runJson(second).path("timings").path("base_model_cached").asBoolean(),
                "the base model too: no repeated training");
        assertEquals(cache.toFile().toURI().toString().replaceAll("/$", ""), runJson(second).path("cache").asText());
        Map<String, Map<String, String>> a = rows(first);
        Map<String, Map<String, String>> b = rows(second);
        assertEquals(a.keySet(), b.keySet());
        for (String id : a.keySet()) {
            assertEquals(withoutRunSpecific(a.get(id)), withoutRunSpecific(b.get(id)), id);
        }
        assertTrue(Files.exists(second.resolve("models").resolve(rows(second).values().stream()
                .filter(r -> r.get("rank").equals("1")).findFirst().orElseThrow().get("candidate") + ".zip")),
                "kept models come from the cache too");

        Path uncached = search("uncached", "--cache", cache.toString(), "--no-cache");
        assertEquals(0, cachedRows(uncached), "--no-cache runs everything");
    }

    @Test
    void changedDataRunsAnew() throws Exception {
        Path cache = dir.resolve("data-cache");
        search("before", "--cache", cache.toString());
        Path other = Files.createDirectories(dir.resolve("other-data"));
        TestData.blobsCsv(other.resolve("train.csv"), 600, 16, 4, 3);
        Files.copy(dir.resolve("test.csv"), other.resolve("test.csv"));
        Path changed = search("changed-data", "--cache", cache.toString(), "--set",
                "data.train=" + other.resolve("train.csv").toUri());
        assertEquals(0, cachedRows(changed));
        assertEquals(false, runJson(changed).path("timings").path("base_model_cached").asBoolean());
        assertNotEquals(rows(search("before-again", "--cache", cache.toString())).get("base").get("base_model_hash"),
                rows(changed).get("base").get("base_model_hash"));
    }

    @Test
    void aFinishedSearchGrowsWithALargerBudgetAndMatchesOneRunAtThatBudget() throws Exception {
        Path grown = search("grown", "--cache", dir.resolve("grow-cache").toString());
        JsonNode before = runJson(grown);
        search("grown", "--cache", dir.resolve("grow-cache").toString(), "--extend", "--set", "search.budget=6");
        Map<String, Map<String, String>> extended = rows(grown);
        assertEquals(7, extended.size(), "base + 6 candidates");
        assertEquals(3, cachedRows(grown), "the finished run's 3 candidates are not evaluated again");
        assertEquals(before.path("base_model").path("hash").asText(), runJson(grown).path("base_model").path("hash").asText(),
                "the extension compares with the finished run's base model");

        Path once = search("once", "--no-cache", "--set", "search.budget=6");
        Map<String, Map<String, String>> reference = rows(once);
        assertEquals(reference.keySet(), extended.keySet());
        for (String id : reference.keySet()) {
            Map<String, String> a = withoutRunSpecific(reference.get(id));
            Map<String, String> b = withoutRunSpecific(extended.get(id));
            assertEquals(a, b, id);
        }
    }
}
