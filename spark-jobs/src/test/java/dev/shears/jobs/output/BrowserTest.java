package dev.shears.jobs.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.jobs.Chromium;
import dev.shears.jobs.TestNights;
import dev.shears.jobs.TestResults;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.search.Constraints;
import dev.shears.jobs.cli.ShearsMain;
import dev.shears.jobs.result.Provenance;
import dev.shears.jobs.result.Ranking;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.result.SelectionSplit;
import dev.shears.jobs.result.Trial;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.metrics.LatencyComparison;
import dev.shears.pruning.plan.PruningPlan;
import dev.shears.pruning.run.Metrics;
import dev.shears.pruning.run.CandidateOutcome;
import dev.shears.search.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html and dashboard.html in a real browser (headless Chromium): no errors, every chart drawn with its points,
 * and hovering a point shows its text, escaped. With {@code -Dshears.screenshots=DIR} it also writes DIR/report.png
 * and DIR/dashboard.png (README, Screenshots). Skipped, saying so, only where no Chromium is installed.
 */
class BrowserTest {

    private static final Provenance PROVENANCE = new Provenance(7, "s", "d", "b", "v", "dl4j", "spark");
    private static final int WIDTH = 1100;

    @TempDir
    Path dir;

    @Test
    void theReportAndTheDashboardDrawEveryChartWithHoverTextAndNoErrors() throws Exception {
        Optional<Path> binary = Chromium.find();
        if (binary.isEmpty()) {
            String why = "BrowserTest skipped: no Chromium installed (apt-get install chromium, or set $SHEARS_CHROMIUM)";
            System.err.println(why);
            Assumptions.abort(why);
        }
        Path report = Files.writeString(dir.resolve("report.html"), report());
        Path root = Files.createDirectories(dir.resolve("nights"));
        TestNights.write(root);
        assertEquals(0, ShearsMain.execute("history", root.toString(), "--html", "--fail-if-worse", "1"));
        String screenshots = System.getProperty("shears.screenshots");

        try (Chromium chromium = new Chromium(binary.get(), dir.resolve("profile"), WIDTH, 900)) {
            chromium.open(report);
            assertDrawn(chromium, List.of("chart-accuracy", "chart-latency", "chart-flops", "chart-layers"));
            String hover = hover(chromium, "chart-accuracy", 0, 0);
            assertTrue(hover.contains("c0 " + TestNights.HOSTILE) && hover.contains("compression: 16"), hover);
            hover = hover(chromium, "chart-latency", 0, 0);
            assertTrue(hover.contains("c0 " + TestNights.HOSTILE) && hover.contains("latency_source: paired"), hover);
            JsonNode front = chromium.eval("echarts.getInstanceByDom(document.getElementById('chart-latency'))"
                    + ".getOption().series.filter(function (s) { return s.type === 'line'; })"
                    + ".map(function (s) { return s.data.length; })");
            assertEquals(ReportTest.data(Files.readString(report)).path("paretoLatency").size(), front.get(0).asInt(),
                    "the latency front drawn as a line through its rows: " + front);
            if (screenshots != null) {
                chromium.screenshot(Path.of(screenshots, "report.png"), WIDTH, 3000);
            }

            chromium.open(root.resolve("dashboard.html"));
            assertDrawn(chromium, List.of("chart-night-accuracy", "chart-night-compression", "chart-night-time"));
            hover = hover(chromium, "chart-night-compression", 0, 0);
            assertTrue(hover.contains("2026-03-01") && hover.contains("best: " + TestNights.HOSTILE + " at 4x"), hover);
            assertTrue(hover(chromium, "chart-night-accuracy", 2, 1).contains("alert threshold (1 points): 0.885"),
                    "the threshold, drawn on the second night");
            if (screenshots != null) {
                chromium.screenshot(Path.of(screenshots, "dashboard.png"), WIDTH, 3000);
            }
            assertEquals(List.of(), chromium.errors(), "console errors and exceptions");
        }
    }

    /** Every chart on the page is drawn, and those listed (where there is data) with points. */
    private static void assertDrawn(Chromium chromium, List<String> withPoints) throws Exception {
        // lines animate in for a second, and a symbol not yet drawn cannot be hovered
        chromium.eval("new Promise(function (r) { setTimeout(r, 1500); })");
        JsonNode charts = chromium.eval("Array.from(document.querySelectorAll('.chart'))"
                + ".map(function (e) { return [e.id, e.getAttribute('data-points')]; })");
        assertTrue(charts.size() >= withPoints.size(), charts.toString());
        List<String> drawn = new ArrayList<>();
        for (JsonNode c : charts) {
            assertTrue(!c.get(1).isNull(), c.get(0).asText() + " not drawn: " + charts);
            if (c.get(1).asInt() > 0) {
                drawn.add(c.get(0).asText());
            }
        }
        assertTrue(drawn.containsAll(withPoints), "charts with points: " + drawn);
    }

    /**
     * Hovers a point the way a mouse does (a mousemove at its pixel, from ECharts' convertToPixel) and returns the
     * tooltip's text; no element may come out of the text it shows.
     */
    private static String hover(Chromium chromium, String chart, int series, int index) throws Exception {
        JsonNode shown = chromium.eval("new Promise(function (done) {"
                + "  var el = document.getElementById('" + chart + "');"
                + "  var chart = echarts.getInstanceByDom(el);"
                + "  var value = chart.getOption().series[" + series + "].data[" + index + "];"
                + "  var at = chart.convertToPixel({seriesIndex: " + series + "},"
                + "      value && value.value ? value.value : [" + index + ", value]);"
                + "  chart.getZr().handler.dispatch('mousemove', {zrX: at[0], zrY: at[1]});"
                + "  setTimeout(function () {"
                + "    var tips = Array.from(el.querySelectorAll('div')).filter(function (d) {"
                + "      return d.style.position === 'absolute' && d.style.display !== 'none' && d.innerText; });"
                + "    var tip = tips[tips.length - 1];"
                + "    done([tip ? tip.innerText : '', el.querySelectorAll('img, script').length]);"
                + "  }, 300);"
                + "})");
        assertEquals(0, shown.get(1).asInt(), "elements made from a tooltip's text in " + chart);
        assertTrue(!shown.get(0).asText().isEmpty(), "no tooltip on " + chart);
        return shown.get(0).asText();
    }

    /** A report of a few made-up candidates, one with a name that must reach the page as text. */
    private static String report() throws Exception {
        List<Trial> trials = new ArrayList<>();
        LatencyComparison.Timing base = new LatencyComparison.Timing(0.05, 0.8);
        trials.add(Trial.base(TestResults.metrics(0.88, 0, 0.885, 0, 1).withLatency(Metrics.Latency.reference(base, 0.1)),
                PROVENANCE));
        // compression, validation accuracy, speed-up at batch 64 (1: masked-only)
        double[][] candidates = {{16, 0.874, 3}, {2, 0.886, 1}, {4, 0.884, 1.6}, {8, 0.879, 1}, {32, 0.85, 4}, {64, 0.80, 5}};
        for (int i = 0; i < candidates.length; i++) {
            double c = candidates[i][0];
            double v = candidates[i][1];
            double speedup = candidates[i][2];
            Metrics.Latency latency = speedup == 1 ? Metrics.Latency.asBase(base) : Metrics.Latency.paired(base,
                    new LatencyComparison.Compared(base, new LatencyComparison.Timing(0.05 / speedup, 0.8 / speedup)), 0.2);
            trials.add(new Trial("c" + i + (i == 0 ? " " + TestNights.HOSTILE : ""), "grid",
                    PruningPlan.magnitude(1 - 1 / c, 1), new CandidateOutcome(TrialStatus.OK, null,
                    TestResults.metrics(v - 0.005, 0.885 - v, v, 0.885 - v, c).withLatency(latency),
                    new CandidateOutcome.Run(speedup != 1, 0.5, 1.0), 1, null, null), 1, false, 1, null, PROVENANCE));
        }
        List<Row> ranked = Ranking.rank(trials, Tolerance.of(0.02), SelectionSplit.VALIDATION, Constraints.NONE);
        String runJson = SpecLoader.JSON.writeValueAsString(Map.of("name", "browser", "counts", Map.of("ok", 6)));
        return Report.html(new Report.Input("Shears: browser", ranked, runJson, Tolerance.of(0.02), SelectionSplit.VALIDATION,
                List.of("c2"), Map.of(), null, null));
    }
}
