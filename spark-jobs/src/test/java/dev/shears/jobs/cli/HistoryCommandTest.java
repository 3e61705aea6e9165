package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.jobs.TestNights;
import dev.shears.jobs.output.ReportTest;
import dev.shears.jobs.output.TableFormats;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shears history ROOT --html}: history.csv and dashboard.html from the same figures, over made-up nights. */
class HistoryCommandTest {

    @TempDir
    Path root;

    @Test
    void theDashboardDrawsHistoryCsvsFiguresPerNightWithTheAlertThresholdOffline() throws Exception {
        TestNights.write(root);
        assertEquals(0, ShearsMain.execute("history", root.toString(), "--html", "--fail-if-worse", "1"));
        String html = Files.readString(root.resolve("dashboard.html"));
        List<List<String>> csv = csv(Files.readAllLines(root.resolve("history.csv")));
        List<String> header = csv.get(0);

        assertTrue(html.contains(echarts()), "ECharts inlined whole");
        assertFalse(Pattern.compile("<script[^>]*\\ssrc=|<link").matcher(html).find(), "nothing loaded from elsewhere");
        for (String chart : List.of("chart-night-accuracy", "chart-night-compression", "chart-night-time")) {
            assertTrue(html.contains("id=\"" + chart + "\""), chart);
        }

        JsonNode nights = ReportTest.data(html).path("nights");
        assertEquals(csv.size() - 1, nights.size(), "a night per row of history.csv");
        assertEquals(4, nights.size(), "three finished, one unfinished");
        for (int i = 0; i < nights.size(); i++) {
            for (int c = 0; c < header.size(); c++) {
                assertEquals(csv.get(i + 1).get(c), cell(nights.get(i).get(header.get(c))),
                        "night " + i + ", " + header.get(c));
            }
        }
        JsonNode second = nights.get(1);
        assertEquals(4.0, second.path("target_compression").asDouble(), "the first night's best compression");
        assertEquals(0.70, second.path("val_accuracy_at_target").asDouble(), 1e-12, "c2, the only one at 4x or more");
        assertEquals(0.895 - 0.01, second.path("alert_val_accuracy").asDouble(), 1e-12, "1 point below the night before");
        assertEquals(1.25, second.path("run_seconds").asDouble(), 1e-12, "the timed parts, not the CPU time");
        assertTrue(nights.get(0).path("alert_val_accuracy").isNull(), "nothing to hold the first night to");
        assertEquals(1.0, ReportTest.data(html).path("fail_if_worse").asDouble());
        assertTrue(html.contains("minus 1 points"), "the threshold explained");

        assertEquals(TestNights.HOSTILE, nights.get(0).path("best").asText(), "the data gives the id back exactly");
        assertFalse(html.contains(TestNights.HOSTILE), "the id raw in the page");
        assertTrue(html.contains("c1&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&amp;&#39;"), "escaped in the table");
        assertEquals(count(html, "<script"), count(html, "</script>"), "nothing closes a script early");
    }

    @Test
    void withoutHtmlOrThresholdNoDashboardAndNoAlertColumn() throws Exception {
        TestNights.write(root);
        assertEquals(0, ShearsMain.execute("history", root.toString()));
        assertFalse(Files.exists(root.resolve("dashboard.html")));
        List<List<String>> csv = csv(Files.readAllLines(root.resolve("history.csv")));
        int alert = csv.get(0).indexOf("alert_val_accuracy");
        assertTrue(csv.stream().skip(1).allMatch(r -> r.get(alert).isEmpty()), csv.toString());
        assertEquals(2, ShearsMain.execute("history", root.toString(), "--fail-if-worse", "-1"));
    }

    /** A JSON value as history.csv writes the same figure. */
    private static String cell(JsonNode v) {
        assertTrue(v != null, "every column is in the data");
        return v.isNull() ? "" : v.isFloatingPointNumber() ? TableFormats.cell(v.doubleValue()) : v.asText();
    }

    private static String echarts() throws Exception {
        Properties webjar = new Properties();
        ClassLoader loader = HistoryCommandTest.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream("META-INF/maven/org.webjars.npm/echarts/pom.properties")) {
            webjar.load(in);
        }
        try (InputStream in = loader.getResourceAsStream("META-INF/resources/webjars/echarts/" + webjar.getProperty("version")
                + "/dist/echarts.min.js")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** CSV lines with quoted cells ("" for a quote), as TableFormats writes them (no line breaks in these cells). */
    private static List<List<String>> csv(List<String> lines) {
        List<List<String>> rows = new ArrayList<>();
        for (String line : lines) {
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char ch = line.charAt(i);
                if (quoted && ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = !quoted;
                } else if (ch == ',' && !quoted) {
                    cells.add(cell.toString());
                    cell.setLength(0);
                } else {
                    cell.append(ch);
                }
            }
            cells.add(cell.toString());
            rows.add(cells);
        }
        return rows;
    }

    private static int count(String s, String part) {
        return s.split(Pattern.quote(part), -1).length - 1;
    }
}
