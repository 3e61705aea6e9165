package dev.shears.jobs.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.jobs.result.Column;
import dev.shears.jobs.result.Columns;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.result.Selection;
import dev.shears.jobs.result.SelectionSplit;
import dev.shears.jobs.result.Trial;
import dev.shears.jobs.spec.SpecLoader;
import dev.shears.pruning.metrics.Tolerance;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * report.html: one self-contained page (opens offline) with the recommended candidate, interactive charts
 * drawn by ECharts (inlined from its WebJar), the tables and provenance. The charts read the rows as JSON
 * embedded in the page, written through the column catalogue like results.json; {@link Page} builds the page around them.
 */
public final class Report {

    private static final List<Column> SHOWN = List.of(Columns.RANK, Columns.CANDIDATE, Columns.STRATEGY, Columns.SCORER,
            Columns.GRANULARITY, Columns.SCOPE, Columns.LAYERS, Columns.SCHEDULE, Columns.TARGET_SPARSITY,
            Columns.SPARSITY, Columns.COMPRESSION, Columns.VAL_ACCURACY, Columns.VAL_ACCURACY_DROP, Columns.ACCURACY,
            Columns.ACCURACY_DROP, Columns.FLOPS_REDUCTION, Columns.LATENCY_B64_MS, Columns.SPEEDUP_B64,
            Columns.LATENCY_SOURCE, Columns.PARETO, Columns.PARETO_LATENCY, Columns.STATUS, Columns.ERROR);
    /** A candidate's figures: under the recommendation, and on hover. */
    private static final List<Column> FIGURES = List.of(Columns.COMPRESSION, Columns.VAL_ACCURACY,
            Columns.VAL_ACCURACY_DROP, Columns.ACCURACY, Columns.ACCURACY_DROP, Columns.FLOPS, Columns.FLOPS_REDUCTION,
            Columns.SIZE_COMPACT_BYTES, Columns.LATENCY_B1_MS, Columns.SPEEDUP_B1, Columns.LATENCY_B64_MS,
            Columns.SPEEDUP_B64, Columns.LATENCY_SOURCE, Columns.STATUS);
    /** The charts' filters. */
    private static final List<Column> FILTERS = List.of(Columns.SCORER, Columns.GRANULARITY, Columns.SCHEDULE);
    /** Where the latency figures come from, under their chart. */
    private static final String LATENCY_NOTE = "Latency at batch 64 on one scale: the base model timed alone before "
            + "the search (latency_source reference); a physically smaller candidate at the base's figure over its "
            + "speed-up, which its trial timed in alternating rounds beside the base, so that other trials' load hit "
            + "both alike (paired); a masked-only candidate does the base's work and shares its figure (as-base, "
            + "speed-up 1). The line is the accuracy-versus-latency front.";
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
    public record Input(String title, List<Row> ranked, String runJson, Tolerance tolerance, SelectionSplit split,
                        List<String> kept, Map<String, List<Map<String, Object>>> strategyTables,
                        List<Changes.Change> changes, Changes.Summary summary) {
    }

    private Report() {
    }

    public static String html(Input in) {
        List<Row> ranked = in.ranked();
        List<Column> columns = Columns.of(ranked);
        Row best = Selection.best(ranked, in.split()).orElse(null);
        StringBuilder h = Page.open(in.title());
        recommended(h, in, best, columns);

        h.append("<h2>Accuracy against compression</h2><p class=\"filters\">");
        for (Column c : FILTERS) {
            h.append("<label>").append(Page.esc(c.name())).append(" <select id=\"filter-").append(c.name())
                    .append("\"><option value=\"\">all</option></select></label>");
        }
        h.append("</p>").append(Page.chart("chart-accuracy"));
        h.append("<h2>Accuracy against latency</h2>");
        boolean timed = ranked.stream().anyMatch(r -> r.paretoLatency() != null);
        h.append(timed ? "<p>" + LATENCY_NOTE + "</p>" + Page.chart("chart-latency")
                : "<p>Latency was not measured (search.measureLatency: false).</p>");
        h.append("<h2>Accuracy against multiply-adds</h2>").append(Page.chart("chart-flops"));
        h.append("<h2>Per-layer sparsity of the Pareto front and the kept candidates</h2>").append(Page.chart("chart-layers"));
        if (in.strategyTables().containsKey(SENSITIVITY)) {
            h.append("<section id=\"sensitivity\"><h2>Sensitivity scan</h2><p>Accuracy drop of each layer pruned alone, "
                    + "by ratio.</p>").append(Page.chart("chart-sensitivity"));
            if (in.strategyTables().containsKey(ALLOCATION)) {
                h.append("<h3>Allocation</h3>").append(Page.chart("chart-allocation"));
            }
            h.append("</section>");
        }
        if (ranked.stream().anyMatch(r -> r.trial().parent() != null)) {
            h.append("<section id=\"rungs\"><h2>Rungs</h2><p>Each trial at the fine-tuning epochs behind its model; "
                    + "a dashed line joins a promoted trial to the one it continued.</p>")
                    .append(Page.chart("chart-rungs")).append("</section>");
        }
        if (in.changes() != null) {
            h.append("<section id=\"changes\"><h2>Changes since ").append(Page.esc(in.summary().previous()))
                    .append("</h2><p>").append(Page.esc(Changes.headline(in.summary()))).append("</p>");
            TableFormats.Cells cells = Changes.table(in.changes());
            Page.table(h, cells.header(), cells.rows());
            h.append("</section>");
        }
        h.append("<h2>Pareto front</h2>");
        rows(h, ranked.stream().filter(Row::pareto).toList());
        if (timed) {
            h.append("<h2>Latency front</h2><p>The rows no other row beats on both ").append(in.split().label())
                    .append(" accuracy and latency at batch 64.</p>");
            rows(h, ranked.stream().filter(Row::onLatencyFront).toList());
        }
        h.append("<h2>All candidates</h2>");
        rows(h, ranked);
        h.append("<section id=\"provenance\"><h2>Provenance</h2>");
        provenance(h, in.runJson());
        h.append("</section>");
        return Page.close(h, data(in, columns, best), "report.js");
    }

    /** The recommendation first: the candidate {@link Selection} picks, its settings, its figures and the rule. */
    private static void recommended(StringBuilder h, Input in, Row best, List<Column> columns) {
        h.append("<section id=\"recommended\" class=\"recommended\"><h2>Recommended candidate</h2>");
        String rule = Selection.rule(in.split(), in.tolerance());
        if (best == null) {
            h.append("<p>None: no successful candidate whose ").append(Page.esc(in.tolerance().describe(in.split().label())))
                    .append(" keeps the constraints.</p>");
        } else {
            Row base = in.ranked().get(0);
            h.append("<p id=\"recommended-id\"><b>").append(Page.esc(best.candidate())).append("</b></p>");
            h.append("<table class=\"kv\"><tr><th>setting</th><th>value</th></tr>");
            for (Column c : Columns.method()) {
                if (best.get(c) != null) {
                    h.append("<tr><td>").append(Page.esc(c.name())).append("</td><td>").append(Page.esc(c.format(best)))
                            .append("</td></tr>");
                }
            }
            h.append("</table><p></p><table class=\"kv\"><tr><th>figure</th><th>candidate</th><th>base</th></tr>");
            for (Column c : FIGURES) {
                if (columns.contains(c)) {
                    h.append("<tr><td>").append(Page.esc(c.name())).append("</td><td>").append(Page.esc(c.format(best)))
                            .append("</td><td>").append(Page.esc(c.format(base))).append("</td></tr>");
                }
            }
            h.append("</table>");
        }
        h.append("<p>Rule: ").append(Page.esc(rule)).append(".</p><p>");
        h.append(in.split() == SelectionSplit.VALIDATION
                ? "Candidates were chosen on the validation split; the test split is only reported, so its figures "
                        + "are an unbiased estimate for the chosen candidates."
                : "<b>Candidates were chosen on the test split</b> (objective.selectOn: test): the test figures chose "
                        + "the winners, so they flatter them, the more so the more candidates were tried.");
        h.append("</p></section>");
    }

    /** The page's data: the rows as results.json has them, and what the charts mark. */
    private static ObjectNode data(Input in, List<Column> columns, Row best) {
        ObjectNode d = SpecLoader.JSON.createObjectNode();
        d.put("base", Trial.BASE);
        d.putObject("split").put("label", in.split().label()).put("accuracy", in.split().accuracy().name())
                .put("drop", in.split().drop().name());
        Columns.method().stream().filter(columns::contains).forEach(c -> d.withArray("settings").add(c.name()));
        FIGURES.stream().filter(columns::contains).forEach(c -> d.withArray("figures").add(c.name()));
        FILTERS.forEach(c -> d.withArray("filters").add(c.name()));
        d.set("rows", TableFormats.json(in.ranked(), columns));
        ArrayNode pareto = d.putArray("pareto");
        in.ranked().stream().filter(Row::pareto).forEach(r -> pareto.add(r.candidate()));
        ArrayNode paretoLatency = d.putArray("paretoLatency");
        in.ranked().stream().filter(Row::onLatencyFront).forEach(r -> paretoLatency.add(r.candidate()));
        in.kept().forEach(id -> d.withArray("kept").add(id));
        d.put("recommended", best == null ? null : best.candidate());
        for (String table : List.of(SENSITIVITY, ALLOCATION)) {
            if (in.strategyTables().containsKey(table)) {
                d.putPOJO(table, in.strategyTables().get(table));
            }
        }
        return d;
    }

    private static void rows(StringBuilder h, List<Row> rows) {
        h.append("<div class=\"wide\"><table><tr>");
        for (Column c : SHOWN) {
            h.append("<th>").append(Page.esc(c.name())).append("</th>");
        }
        h.append("</tr>");
        for (Row r : rows) {
            String cls = r.onAFront() ? "pareto" : r.trial().ok() ? "" : "bad";
            h.append("<tr class=\"").append(cls).append("\">");
            for (Column c : SHOWN) {
                h.append("<td>").append(Page.esc(c.format(r))).append("</td>");
            }
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
            h.append("<section id=\"provenance-").append(Page.esc(f.getKey())).append("\"><h3>")
                    .append(Page.esc(f.getKey().replace('_', ' '))).append("</h3>");
            value(h, f.getValue());
            h.append("</section>");
        }
    }

    private static void value(StringBuilder h, JsonNode v) {
        if (v.isObject()) {
            h.append("<table class=\"kv\">");
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                h.append("<tr><th>").append(Page.esc(f.getKey())).append("</th><td>");
                value(h, f.getValue());
                h.append("</td></tr>");
            }
            h.append("</table>");
        } else if (v.isArray() && v.size() > 0 && v.get(0).isContainerNode()) {
            v.forEach(e -> value(h, e));
        } else if (v.isArray()) {
            List<String> items = new ArrayList<>();
            v.forEach(e -> items.add(e.asText()));
            h.append(Page.esc(String.join(", ", items)));
        } else if (v.isTextual() && v.asText().contains("\n")) {
            h.append("<pre>").append(Page.esc(v.asText())).append("</pre>");
        } else {
            h.append(Page.esc(v.isNull() ? "" : v.asText()));
        }
    }
}
