package dev.shears.jobs.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.jobs.result.Column;
import dev.shears.jobs.result.Columns;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.result.Selection;
import dev.shears.jobs.result.SelectionSplit;
import dev.shears.jobs.result.Trial;
import dev.shears.jobs.spec.SpecLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * report.html: one self-contained page (opens offline) with the recommended candidate, interactive charts
 * drawn by ECharts (inlined from its WebJar), the tables and provenance. The charts read the rows as JSON
 * embedded in the page, written through the column catalogue like results.json.
 */
public final class Report {

    private static final List<Column> SHOWN = List.of(Columns.RANK, Columns.CANDIDATE, Columns.STRATEGY, Columns.SCORER,
            Columns.GRANULARITY, Columns.SCOPE, Columns.LAYERS, Columns.SCHEDULE, Columns.TARGET_SPARSITY,
            Columns.SPARSITY, Columns.COMPRESSION, Columns.VAL_ACCURACY, Columns.VAL_ACCURACY_DROP, Columns.ACCURACY,
            Columns.ACCURACY_DROP, Columns.FLOPS_REDUCTION, Columns.LATENCY_B64_MS, Columns.SPEEDUP_B64,
            Columns.PARETO, Columns.STATUS, Columns.ERROR);
    /** A candidate's figures: under the recommendation, and on hover. */
    private static final List<Column> FIGURES = List.of(Columns.COMPRESSION, Columns.VAL_ACCURACY,
            Columns.VAL_ACCURACY_DROP, Columns.ACCURACY, Columns.ACCURACY_DROP, Columns.FLOPS, Columns.FLOPS_REDUCTION,
            Columns.SIZE_COMPACT_BYTES, Columns.LATENCY_B1_MS, Columns.SPEEDUP_B1, Columns.STATUS);
    /** The charts' filters. */
    private static final List<Column> FILTERS = List.of(Columns.SCORER, Columns.GRANULARITY, Columns.SCHEDULE);
    private static final String WEBJAR = "META-INF/maven/org.webjars.npm/echarts/pom.properties";
    private static final String SENSITIVITY = "sensitivity";
    private static final String ALLOCATION = "allocation";

    /**
     * What the report shows.
     *
     * @param ranked         rows in rank order
     * @param runJson        run.json, shown as provenance
     * @param kept           candidates whose models were saved
     * @param strategyTables the strategy's own tables (a sensitivity scan and its allocation)
     * @param changes        each candidate before and now, or null without {@code --compare-to}
     * @param summary        the headline of {@code changes}, or null
     */
    public record Input(String title, List<Row> ranked, String runJson, double maxAccuracyDrop, SelectionSplit split,
                        List<String> kept, Map<String, List<Map<String, Object>>> strategyTables,
                        List<Changes.Change> changes, Changes.Summary summary) {
    }

    private Report() {
    }

    public static String html(Input in) {
        List<Row> ranked = in.ranked();
        List<Column> columns = Columns.of(ranked);
        Row best = Selection.best(ranked, in.split()).orElse(null);
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(esc(in.title()))
                .append("</title><style>").append(resource("report.css")).append("</style></head><body>");
        h.append("<h1>").append(esc(in.title())).append("</h1>");
        recommended(h, in, best, columns);

        h.append("<h2>Accuracy against compression</h2><p class=\"filters\">");
        for (Column c : FILTERS) {
            h.append("<label>").append(esc(c.name())).append(" <select id=\"filter-").append(c.name())
                    .append("\"><option value=\"\">all</option></select></label>");
        }
        h.append("</p>").append(chart("chart-accuracy"));
        h.append("<h2>Accuracy against latency</h2>");
        h.append(ranked.stream().anyMatch(r -> r.latency() != null) ? chart("chart-latency")
                : "<p>Latency was not measured (search.measureLatency: false).</p>");
        h.append("<h2>Accuracy against multiply-adds</h2>").append(chart("chart-flops"));
        h.append("<h2>Per-layer sparsity of the Pareto front and the kept candidates</h2>").append(chart("chart-layers"));
        if (in.strategyTables().containsKey(SENSITIVITY)) {
            h.append("<section id=\"sensitivity\"><h2>Sensitivity scan</h2><p>Accuracy drop of each layer pruned alone, "
                    + "by ratio.</p>").append(chart("chart-sensitivity"));
            if (in.strategyTables().containsKey(ALLOCATION)) {
                h.append("<h3>Allocation</h3>").append(chart("chart-allocation"));
            }
            h.append("</section>");
        }
        if (ranked.stream().anyMatch(r -> r.trial().parent() != null)) {
            h.append("<section id=\"rungs\"><h2>Rungs</h2><p>Each trial at the fine-tuning epochs behind its model; "
                    + "a dashed line joins a promoted trial to the one it continued.</p>")
                    .append(chart("chart-rungs")).append("</section>");
        }
        if (in.changes() != null) {
            h.append("<section id=\"changes\"><h2>Changes since ").append(esc(in.summary().previous()))
                    .append("</h2><p>").append(esc(Changes.headline(in.summary()))).append("</p>");
            TableFormats.Cells cells = Changes.table(in.changes());
            table(h, cells.header(), cells.rows());
            h.append("</section>");
        }
        h.append("<h2>Pareto front</h2>");
        rows(h, ranked.stream().filter(Row::pareto).toList());
        h.append("<h2>All candidates</h2>");
        rows(h, ranked);
        h.append("<section id=\"provenance\"><h2>Provenance</h2>");
        provenance(h, in.runJson());
        h.append("</section>");
        h.append("<script>").append(echarts()).append("</script>");
        h.append("<script type=\"application/json\" id=\"shears-data\">").append(data(in, columns, best))
                .append("</script>");
        h.append("<script>").append(resource("report.js")).append("</script></body></html>");
        return h.toString();
    }

    /** The recommendation first: the candidate {@link Selection} picks, its settings, its figures and the rule. */
    private static void recommended(StringBuilder h, Input in, Row best, List<Column> columns) {
        h.append("<section id=\"recommended\" class=\"recommended\"><h2>Recommended candidate</h2>");
        String rule = Selection.rule(in.split(), in.maxAccuracyDrop());
        if (best == null) {
            h.append("<p>None: no candidate kept ").append(in.split().label()).append(" accuracy within ")
                    .append(TableFormats.cell(in.maxAccuracyDrop())).append(" of the base model.</p>");
        } else {
            Row base = in.ranked().get(0);
            h.append("<p id=\"recommended-id\"><b>").append(esc(best.candidate())).append("</b></p>");
            h.append("<table class=\"kv\"><tr><th>setting</th><th>value</th></tr>");
            for (Column c : Columns.method()) {
                if (best.get(c) != null) {
                    h.append("<tr><td>").append(esc(c.name())).append("</td><td>").append(esc(c.format(best)))
                            .append("</td></tr>");
                }
            }
            h.append("</table><p></p><table class=\"kv\"><tr><th>figure</th><th>candidate</th><th>base</th></tr>");
            for (Column c : FIGURES) {
                if (columns.contains(c)) {
                    h.append("<tr><td>").append(esc(c.name())).append("</td><td>").append(esc(c.format(best)))
                            .append("</td><td>").append(esc(c.format(base))).append("</td></tr>");
                }
            }
            h.append("</table>");
        }
        h.append("<p>Rule: ").append(esc(rule)).append(".</p><p>");
        h.append(in.split() == SelectionSplit.VALIDATION
                ? "Candidates were chosen on the validation split; the test split is only reported, so its figures "
                        + "are an unbiased estimate for the chosen candidates."
                : "<b>Candidates were chosen on the test split</b> (objective.selectOn: test): the test figures chose "
                        + "the winners, so they flatter them, the more so the more candidates were tried.");
        h.append("</p></section>");
    }

    private static String chart(String id) {
        return "<div class=\"chart\" id=\"" + id + "\"></div>";
    }

    /** The page's data: the rows as results.json has them, and what the charts mark. */
    private static String data(Input in, List<Column> columns, Row best) {
        ObjectNode d = SpecLoader.JSON.createObjectNode();
        d.put("base", Trial.BASE);
        d.putObject("split").put("label", in.split().label()).put("accuracy", in.split().accuracy().name())
                .put("drop", in.split().drop().name());
        Columns.method().stream().filter(columns::contains).forEach(c -> d.withArray("settings").add(c.name()));
        FIGURES.stream().filter(columns::contains).forEach(c -> d.withArray("figures").add(c.name()));
        FILTERS.forEach(c -> d.withArray("filters").add(c.name()));
        d.set("rows", TableFormats.json(in.ranked(), columns));
        in.ranked().stream().filter(Row::pareto).forEach(r -> d.withArray("pareto").add(r.candidate()));
        in.kept().forEach(id -> d.withArray("kept").add(id));
        d.put("recommended", best == null ? null : best.candidate());
        for (String table : List.of(SENSITIVITY, ALLOCATION)) {
            if (in.strategyTables().containsKey(table)) {
                d.putPOJO(table, in.strategyTables().get(table));
            }
        }
        try {
            // no "</script>" or "<!--" can end the data block early: <, > and & are written as \\u escapes
            return SpecLoader.JSON.writer(new ScriptSafe()).writeValueAsString(d);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report's data", e);
        }
    }

    /** JSON escapes for text inside a script element. */
    private static final class ScriptSafe extends CharacterEscapes {
        private final int[] escapes = standardAsciiEscapesForJSON();

        ScriptSafe() {
            escapes['<'] = ESCAPE_STANDARD;
            escapes['>'] = ESCAPE_STANDARD;
            escapes['&'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }

    private static void rows(StringBuilder h, List<Row> rows) {
        h.append("<div class=\"wide\"><table><tr>");
        for (Column c : SHOWN) {
            h.append("<th>").append(esc(c.name())).append("</th>");
        }
        h.append("</tr>");
        for (Row r : rows) {
            String cls = r.pareto() ? "pareto" : r.trial().ok() ? "" : "bad";
            h.append("<tr class=\"").append(cls).append("\">");
            for (Column c : SHOWN) {
                h.append("<td>").append(esc(c.format(r))).append("</td>");
            }
            h.append("</tr>");
        }
        h.append("</table></div>");
    }

    private static void table(StringBuilder h, List<String> header, List<List<String>> rows) {
        h.append("<div class=\"wide\"><table><tr>");
        header.forEach(c -> h.append("<th>").append(esc(c)).append("</th>"));
        h.append("</tr>");
        for (List<String> row : rows) {
            h.append("<tr>");
            row.forEach(c -> h.append("<td>").append(esc(c)).append("</td>"));
            h.append("</tr>");
        }
        h.append("</table></div>");
    }

    /** run.json as one section per key, nested objects as nested tables. */
    private static void provenance(StringBuilder h, String runJson) {
        JsonNode run;
        try {
            run = SpecLoader.JSON.readTree(runJson);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read run.json back", e);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = run.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            h.append("<section id=\"provenance-").append(esc(f.getKey())).append("\"><h3>")
                    .append(esc(f.getKey().replace('_', ' '))).append("</h3>");
            value(h, f.getValue());
            h.append("</section>");
        }
    }

    private static void value(StringBuilder h, JsonNode v) {
        if (v.isObject()) {
            h.append("<table class=\"kv\">");
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                h.append("<tr><th>").append(esc(f.getKey())).append("</th><td>");
                value(h, f.getValue());
                h.append("</td></tr>");
            }
            h.append("</table>");
        } else if (v.isArray() && v.size() > 0 && v.get(0).isContainerNode()) {
            v.forEach(e -> value(h, e));
        } else if (v.isArray()) {
            List<String> items = new ArrayList<>();
            v.forEach(e -> items.add(e.asText()));
            h.append(esc(String.join(", ", items)));
        } else if (v.isTextual() && v.asText().contains("\n")) {
            h.append("<pre>").append(esc(v.asText())).append("</pre>");
        } else {
            h.append(esc(v.isNull() ? "" : v.asText()));
        }
    }

    /** ECharts' minified bundle from its WebJar on the class path. */
    private static String echarts() {
        Properties webjar = new Properties();
        try (InputStream in = Report.class.getClassLoader().getResourceAsStream(WEBJAR)) {
            if (in == null) {
                throw new IllegalStateException("report.html needs Apache ECharts' WebJar (org.webjars.npm:echarts) "
                        + "on the class path, and " + WEBJAR + " is not there");
            }
            webjar.load(in);
            String js = read("META-INF/resources/webjars/echarts/" + webjar.getProperty("version") + "/dist/echarts.min.js");
            if (js.contains("</script")) {
                throw new IllegalStateException("this ECharts bundle cannot be inlined: it holds \"</script\"");
            }
            return js;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ECharts from its WebJar", e);
        }
    }

    private static String resource(String name) {
        return read(Report.class.getPackageName().replace('.', '/') + "/" + name);
    }

    private static String read(String path) {
        try (InputStream in = Report.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
