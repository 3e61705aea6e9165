package dev.shears.jobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.jobs.TestResults;
import dev.shears.jobs.result.Provenance;
import dev.shears.jobs.result.Ranking;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.result.SelectionSplit;
import dev.shears.jobs.result.Trial;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.search.Constraints;
import dev.shears.search.TrialStatus;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** report.html from made-up rows: what reaches HTML and the page's data is escaped. */
public class ReportTest {

    private static final String HOSTILE = "x</script><script>alert(\"a\" + 'b')</script>&";
    private static final Provenance PROVENANCE = new Provenance(7, "s", "d", "b", "v", "dl4j", "spark");

    private static Trial trial(String id, double valAccuracy, double compression) {
        return new Trial(id, "grid", PruningPlan.magnitude(0.5, 1),
                new CandidateOutcome(TrialStatus.OK, null,
                        TestResults.metrics(valAccuracy, 0.01, valAccuracy, 0.01, compression),
                        new CandidateOutcome.Run(false, 0.5, 1.0), 1, null, null), 1, false, 1, null, PROVENANCE);
    }

    /** The JSON embedded in a report. */
    public static JsonNode data(String html) throws Exception {
        Matcher m = Pattern.compile("<script type=\"application/json\" id=\"shears-data\">(.*?)</script>", Pattern.DOTALL)
                .matcher(html);
        assertTrue(m.find(), "the page holds its data");
        return SpecLoader.JSON.readTree(m.group(1));
    }

    @Test
    void specNamesAndCandidateIdsAreEscapedInHtmlAndData() throws Exception {
        List<Row> ranked = Ranking.rank(List.of(
                Trial.base(TestResults.metrics(0.9, 0, 0.9, 0, 1), PROVENANCE),
                trial("c0" + HOSTILE, 0.89, 4), trial("c1", 0.88, 2)), Tolerance.of(0.02), SelectionSplit.VALIDATION, Constraints.NONE);
        String runJson = SpecLoader.JSON.writeValueAsString(Map.of("name", HOSTILE, "counts", Map.of("ok", 2)));
        String html = Report.html(new Report.Input("Shears: " + HOSTILE, ranked, runJson, Tolerance.of(0.02),
                SelectionSplit.VALIDATION, List.of("c1"), Map.of(), null, null));
        assertFalse(html.contains(HOSTILE), "raw in the page");
        assertFalse(html.contains("alert(\"a\""), "quotes reach the page unescaped");
        assertTrue(html.contains("x&lt;/script&gt;&lt;script&gt;alert(&quot;a&quot; + &#39;b&#39;)"), "escaped in HTML");
        // one </script> per script element: nothing in the data or the library closes one early
        assertEquals(count(html, "<script"), count(html, "</script>"));
        JsonNode data = data(html);
        assertEquals("c0" + HOSTILE, data.path("recommended").asText(), "the data gives the id back exactly");
        assertEquals("c0" + HOSTILE, data.path("rows").get(1).path("candidate").asText());
        assertTrue(html.contains("id=\"provenance-name\""), "run.json's keys as sections");
        for (String view : List.of("id=\"sensitivity\"", "id=\"rungs\"", "id=\"changes\"", "id=\"chart-latency\"")) {
            assertFalse(html.contains(view), view + " without its run");
        }
    }

    @Test
    void withNoCandidateWithinTheRecommendationSaysWhichRuleNoneMet() {
        List<Row> ranked = Ranking.rank(List.of(Trial.base(TestResults.metrics(0.9, 0, 0.9, 0, 1), PROVENANCE),
                new Trial("c1", "grid", PruningPlan.magnitude(0.5, 1), new CandidateOutcome(TrialStatus.OK, null,
                        TestResults.metrics(0.85, 0.05, 0.85, 0.05, 4), new CandidateOutcome.Run(false, 0.5, 1.0), 1,
                        null, null), 1, false, 1, null, PROVENANCE)),
                new Tolerance(0.02, 0.9), SelectionSplit.VALIDATION, Constraints.NONE);
        String html = Report.html(new Report.Input("Shears", ranked, "{}", new Tolerance(0.02, 0.9),
                SelectionSplit.VALIDATION, List.of(), Map.of(), null, null));
        assertTrue(html.contains("None: no successful candidate whose validation accuracy is at most 0.02 below the "
                + "base model&#39;s with 0.900 one-sided confidence"), html);
    }

    private static int count(String s, String part) {
        return s.split(Pattern.quote(part), -1).length - 1;
    }
}
