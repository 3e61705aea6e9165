package dev.shears.jobs.driver;

import dev.shears.jobs.TestResults;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.search.TrialStatus;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.spec.SearchSpec;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.CandidateOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What identifies a cached result, and how entries are stored, found and refused. */
class TrialCacheTest {

    @TempDir
    Path dir;

    private static final SearchSpec.SearchSettings PER_CANDIDATE = new SearchSpec.SearchSettings();
    private static final PruningPlan PLAN = PruningPlan.magnitude(0.5, 1);

    private static String key(String version, String base, String data, SearchSpec.SearchSettings search,
                              PruningPlan plan, String parent) {
        return TrialCache.key(version, base, data, search, plan, parent);
    }

    private static String key() {
        return key("1.0", "base", "data", PER_CANDIDATE, PLAN, null);
    }

    @Test
    void everythingAResultDependsOnChangesItsKey() {
        SearchSpec.SearchSettings dataParallel = new SearchSpec.SearchSettings();
        dataParallel.execution = "data-parallel";
        PruningPlan otherSeed = new PruningPlan("magnitude", "weight", "layerwise", "all", 0.5, Map.of(), "oneshot", 3, 1,
                1e-3, 128, 4, Tolerance.of(0.02), 2L, Map.of());
        List<String> keys = List.of(key(), key("1.1", "base", "data", PER_CANDIDATE, PLAN, null),
                key("1.0", "other base", "data", PER_CANDIDATE, PLAN, null),
                key("1.0", "base", "other data", PER_CANDIDATE, PLAN, null),
                key("1.0", "base", "data", dataParallel, PLAN, null),
                key("1.0", "base", "data", PER_CANDIDATE, PLAN.withRatio(0.6), null),
                key("1.0", "base", "data", PER_CANDIDATE, PLAN.withEpochs(2), null),
                key("1.0", "base", "data", PER_CANDIDATE, otherSeed, null),
                key("1.0", "base", "data", PER_CANDIDATE, PLAN.withOptions(Map.of("distill", true)), null),
                key("1.0", "base", "data", PER_CANDIDATE, PLAN, "parent"));
        assertEquals(keys.size(), Set.copyOf(keys).size(), "every change gives another key: " + keys);
        assertEquals(key(), key(), "the same trial, the same key");
    }

    @Test
    void theOrderOptionsAreWrittenInDoesNotMatter() {
        Map<String, Object> ab = new LinkedHashMap<>();
        ab.put("distill", true);
        ab.put("quantize", "int8");
        Map<String, Object> ba = new LinkedHashMap<>();
        ba.put("quantize", "int8");
        ba.put("distill", true);
        assertEquals(key("1.0", "b", "d", PER_CANDIDATE, PLAN.withOptions(ab), null),
                key("1.0", "b", "d", PER_CANDIDATE, PLAN.withOptions(ba), null));
    }

    @Test
    void aStoredResultIsFoundWithItsModel() {
        TrialCache cache = TrialCache.at(dir.resolve("cache").toString());
        CandidateOutcome ok = TestResults.ok(0.9, 2.0, 1, new byte[] {1, 2, 3});
        assertTrue(cache.find(key()).isEmpty());
        cache.store(key(), ok);
        CandidateOutcome found = cache.find(key()).orElseThrow();
        assertEquals(ok.metrics(), found.metrics());
        assertEquals(ok.run(), found.run());
        assertEquals(TrialStatus.OK, found.status());
        assertEquals(1, found.epochsSpent());
        assertArrayEquals(ok.model(), found.model());
        assertTrue(TrialCache.at(dir.resolve("cache").toString()).find(key()).isPresent(), "another run finds it");
    }

    @Test
    void failuresAndTimeoutsAreTriedAgainButDivergenceIsKept() {
        TrialCache cache = TrialCache.at(dir.resolve("cache").toString());
        for (TrialStatus status : List.of(TrialStatus.FAILED, TrialStatus.TIMEOUT, TrialStatus.DIVERGED)) {
            String k = key("1.0", status.name(), "d", PER_CANDIDATE, PLAN, null);
            cache.store(k, CandidateOutcome.unmeasured(status, "why", 1));
            assertEquals(status == TrialStatus.DIVERGED, cache.find(k).isPresent(), status.name());
        }
    }

    @Test
    void aDamagedEntryIsADifferentTrialNotAnError() throws Exception {
        TrialCache cache = TrialCache.at(dir.resolve("cache").toString());
        cache.store(key(), TestResults.ok(0.9, 2.0, 1, null));
        try (Stream<Path> files = Files.walk(dir.resolve("cache"))) {
            Path json = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
            Files.writeString(json, "{\"key\": ");
        }
        assertTrue(cache.find(key()).isEmpty());
    }

    @Test
    void baseModelsAreStoredByTheirOwnKey() {
        TrialCache cache = TrialCache.at(dir.resolve("cache").toString());
        String k = TrialCache.baseKey("1.0", "data", PER_CANDIDATE, Map.of("hidden", List.of(32, 16)), 7);
        assertNotEquals(k, TrialCache.baseKey("1.0", "data", PER_CANDIDATE, Map.of("hidden", List.of(32, 8)), 7));
        assertNotEquals(k, TrialCache.baseKey("1.0", "data", PER_CANDIDATE, Map.of("hidden", List.of(32, 16)), 8));
        assertNull(cache.findBase(k));
        cache.storeBase(k, new byte[] {4, 5});
        assertArrayEquals(new byte[] {4, 5}, cache.findBase(k));
    }

    @Test
    void theLocationComesFromTheOptionThenTheEnvironmentThenHome() {
        Map<String, String> env = Map.of(TrialCache.ENV, "hdfs://nn/shears/cache");
        assertEquals("hdfs://nn/other", TrialCache.resolve("hdfs://nn/other", false, env).location());
        assertEquals("hdfs://nn/shears/cache", TrialCache.resolve(null, false, env).location());
        assertTrue(TrialCache.resolve(null, false, Map.of()).location()
                .endsWith(System.getProperty("user.home") + "/.shears/cache"));
        assertFalse(TrialCache.resolve(null, true, env).enabled(), "--no-cache");
        assertFalse(TrialCache.resolve("none", false, Map.of()).enabled());
        assertFalse(TrialCache.resolve(null, false, Map.of(TrialCache.ENV, "none")).enabled());
        assertTrue(TrialCache.OFF.find(key()).isEmpty());
    }
}
