package dev.shears.jobs.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.metrics.Tolerance;
import dev.shears.pruning.plan.PlanOptions;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.prune.Normalizer;
import dev.shears.pruning.train.RateSchedule;
import dev.shears.search.Candidate;
import dev.shears.search.Dimension;
import dev.shears.search.GridStrategy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecLoaderTest {

    private static final String OK = String.join("\n",
            "name: t",
            "space:",
            "  ratio: [0.5, 0.9]",
            "  scorer: [magnitude, random]",
            "search:",
            "  budget: 3");

    private static String error(String yaml, String... sets) {
        return assertThrows(SpecException.class, () -> SpecLoader.parse("x.yaml", yaml, List.of(sets))).getMessage();
    }

    @Test
    void readsDefaultsAndTheSpaceInOrder() {
        LoadedSpec s = SpecLoader.parse("x.yaml", OK, List.of());
        assertEquals(3, s.spec().search.budget);
        assertEquals("grid", s.spec().search.strategy);
        assertEquals(4, s.space().gridSize());
        assertEquals(List.of("ratio", "scorer"), s.space().dimensions().stream().map(Dimension::name).toList());
        assertEquals(0.02, s.spec().objective.maxAccuracyDrop);
        assertEquals(Tolerance.of(0.02), s.spec().objective.tolerance(), "the measured drop itself by default");
        assertEquals(new Tolerance(0.02, 0.9),
                SpecLoader.parse("x.yaml", OK, List.of("objective.confidence=0.9")).spec().objective.tolerance());
    }

    @Test
    void setOverridesFieldsAndChangesTheHash() {
        LoadedSpec plain = SpecLoader.parse("x.yaml", OK, List.of());
        LoadedSpec set = SpecLoader.parse("x.yaml", OK, List.of("search.budget=40", "space.ratio=[0.1, 0.2, 0.3]"));
        assertEquals(40, set.spec().search.budget);
        assertEquals(6, set.space().gridSize());
        assertNotEquals(plain.sha256(), set.sha256());
        assertEquals(plain.sha256(), SpecLoader.parse("y.yaml", OK, List.of()).sha256(), "hash depends on content only");
    }

    @Test
    void unknownFieldsAreNamedWithTheirPathAndTheAllowedFields() {
        String m = error(OK + "\n  budgt: 4");
        assertTrue(m.contains("x.yaml") && m.contains("search.budgt") && m.contains("budget"), m);
        m = error(OK + "\nspaces: {}");
        assertTrue(m.contains("'spaces'") && m.contains("space"), m);
    }

    @Test
    void anEmptySectionIsNamedNotAFailureLater() {
        String m = error(OK + "\nfinetune:");
        assertTrue(m.contains("x.yaml") && m.contains("'finetune' is empty"), m);
        m = error("name:\n" + OK.substring(OK.indexOf('\n') + 1));
        assertTrue(m.contains("'name' is empty"), m);
    }

    @Test
    void unknownDimensionsAndValuesListWhatIsAllowed() {
        String m = error(OK.replace("scorer:", "scorers:"));
        assertTrue(m.contains("space.scorers") && m.contains("granularity"), m);
        m = error(OK.replace("random]", "bogus]"));
        assertTrue(m.contains("space.scorer[1]") && m.contains("bogus") && m.contains("magnitude"), m);
    }

    @Test
    void ratiosOutsideZeroToOneAreRejected() {
        String m = error(OK.replace("0.9]", "1.0]"));
        assertTrue(m.contains("space.ratio[1]") && m.contains("[0, 1)"), m);
        assertTrue(error(OK.replace("[0.5, 0.9]", "-0.1")).contains("space.ratio"));
    }

    @Test
    void wrongTypesAndImpossibleValuesAreRejected() {
        assertTrue(error(OK.replace("budget: 3", "budget: many")).contains("search.budget"));
        assertTrue(error(OK.replace("budget: 3", "budget: 0")).contains("search.budget"));
        assertTrue(error(OK + "\ndata:\n  validationFraction: 1.5").contains("data.validationFraction"));
        assertTrue(error(OK + "\ndata:\n  format: avro").contains("idx, csv, parquet, orc, spark-csv"));
        String m = error(OK + "\ndata:\n  format: parquet\n  train: t\n  test: u\n  shape: [1, 28]");
        assertTrue(m.contains("data.shape") && m.contains("[channels, height, width]"), m);
        m = error(OK + "\ndata:\n  format: parquet\n  train: t\n  test: u\n  features: [a, label]");
        assertTrue(m.contains("data.features") && m.contains("without the label column"), m);
        m = error(OK + "\ndata:\n  format: orc\n  train: t\n  test: u\n  testFraction: 0.2");
        assertTrue(m.contains("data.testFraction") && m.contains("data.test names a test table"), m);
        assertTrue(error(OK + "\nmodel:\n  hidden: []").contains("model.hidden"));
        assertTrue(error(OK.replace("grid", "x") + "\n  strategy: nope").contains("search.strategy"));
    }

    @Test
    void rangesNeedAStrategyThatSamplesThem() {
        String ranged = OK.replace("[0.5, 0.9]", "{min: 0.5, max: 0.95}");
        assertTrue(error(ranged).contains("grid"));
        LoadedSpec s = SpecLoader.parse("x.yaml", ranged, List.of("search.strategy=random"));
        assertTrue(s.space().dimension("ratio") instanceof Dimension.Range);
        assertTrue(error(ranged.replace("max: 0.95", "max: 1.5"), "search.strategy=random").contains("space.ratio.max"));
    }

    @Test
    void theNormalizerIsSearchedAndReachesThePlanOnlyWhereTheSpaceSetsIt() {
        LoadedSpec s = SpecLoader.parse("x.yaml", String.join("\n", "name: t", "space:", "  granularity: neuron",
                "  scope: global", "  normalizer: [max, none]"), List.of());
        GridStrategy grid = new GridStrategy(s.space(), 2, 0);
        for (Normalizer expected : List.of(Normalizer.MAX, Normalizer.NONE)) {
            PruningPlan plan = PlanFactory.plan(grid.ask().orElseThrow(), s.spec(), 1);
            assertEquals(expected.label(), plan.options().get("normalizer"));
            assertEquals(expected, PlanOptions.of(plan).normalizer());
        }
        Candidate unset = new Candidate("u", Map.of("granularity", "neuron"), 0);
        assertTrue(PlanFactory.plan(unset, s.spec(), 1).options().isEmpty(), "the default is the pruning module's");
        String m = error(OK.replace("scorer: [magnitude, random]", "normalizer: [mean, median]"));
        assertTrue(m.contains("space.normalizer[1]") && m.contains("median")
                && m.contains(String.join(", ", Normalizer.names())), m);
    }

    @Test
    void theFineTuningRateScheduleIsSearchedAndReachesThePlan() {
        LoadedSpec s = SpecLoader.parse("x.yaml", String.join("\n", "name: t", "space:", "  epochs: 2",
                "  rateSchedule: [cosine, constant]"), List.of());
        GridStrategy grid = new GridStrategy(s.space(), 2, 0);
        for (RateSchedule expected : List.of(RateSchedule.COSINE, RateSchedule.CONSTANT)) {
            assertEquals(expected, PlanOptions.of(PlanFactory.plan(grid.ask().orElseThrow(), s.spec(), 1)).rateSchedule());
        }
        String m = error(OK.replace("scorer: [magnitude, random]", "rateSchedule: step"));
        assertTrue(m.contains("space.rateSchedule") && m.contains("step") && m.contains("constant, cosine"), m);
        LoadedSpec held = SpecLoader.parse("x.yaml", String.join("\n", "name: t", "space:", "  epochs: 4",
                "  rateSchedule: cosine", "  rateHold: 0.5"), List.of());
        assertEquals(0.5, PlanOptions.of(PlanFactory.plan(new GridStrategy(held.space(), 1, 0).ask().orElseThrow(),
                held.spec(), 1)).rateHold());
        m = error(OK.replace("scorer: [magnitude, random]", "rateHold: 1"));
        assertTrue(m.contains("space.rateHold") && m.contains("[0, 1)"), m);
    }

    @Test
    void filterCountsRoundedToBlocksAreSearchedAndReachThePlan() {
        LoadedSpec s = SpecLoader.parse("x.yaml", String.join("\n", "name: t", "space:", "  granularity: filter",
                "  roundTo: [1, 8, 16]"), List.of());
        GridStrategy grid = new GridStrategy(s.space(), 3, 0);
        for (int expected : new int[] {1, 8, 16}) {
            assertEquals(expected, PlanOptions.of(PlanFactory.plan(grid.ask().orElseThrow(), s.spec(), 1)).roundTo());
        }
        String m = error(OK.replace("scorer: [magnitude, random]", "roundTo: 0"));
        assertTrue(m.contains("space.roundTo") && m.contains("0"), m);
    }

    @Test
    void emptyOrMalformedFilesAreBadInput() {
        assertTrue(error("").contains("empty"));
        assertTrue(error("name: [unclosed").contains("not valid YAML"));
        assertTrue(error("- a\n- b").contains("mapping"));
        assertTrue(error(OK, "nonsense").contains("--set"));
    }

    @Test
    void aSpecThatIsNotUtf8IsRefusedAtItsFirstBadByte(@TempDir Path dir) throws Exception {
        // "café" saved as Latin-1: é is the single byte 0xE9, which UTF-8 never has alone
        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, (OK.replace("name: t", "name: caf\u00e9")).getBytes(StandardCharsets.ISO_8859_1));
        String m = assertThrows(SpecException.class, () -> SpecLoader.load(latin1.toString(), List.of())).getMessage();
        assertTrue(m.startsWith(latin1 + ": ") && m.contains("0xE9") && m.contains("offset 9") && m.contains("line 1")
                && m.contains("must be UTF-8"), m);
        assertEquals(1, m.lines().count(), m);

        // further down, and a sequence cut short by the end of the file
        m = assertThrows(SpecException.class, () -> SpecLoader.utf8("x.yaml", bytes("name: t\nseed: 1\n#", 0xC3))).getMessage();
        assertTrue(m.contains("0xC3") && m.contains("offset 17") && m.contains("line 3"), m);
    }

    @Test
    void utf8BeyondAsciiIsReadAsWritten(@TempDir Path dir) throws Exception {
        Path utf8 = dir.resolve("utf8.yaml");
        Files.write(utf8, OK.replace("name: t", "name: caf\u00e9 \u6f22 \ud83d\ude00").getBytes(StandardCharsets.UTF_8));
        assertEquals("caf\u00e9 \u6f22 \ud83d\ude00", SpecLoader.load(utf8.toString(), List.of()).spec().name);
    }

    private static byte[] bytes(String ascii, int... more) {
        byte[] text = ascii.getBytes(StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(text, text.length + more.length);
        for (int i = 0; i < more.length; i++) {
            all[text.length + i] = (byte) more[i];
        }
        return all;
    }
}
