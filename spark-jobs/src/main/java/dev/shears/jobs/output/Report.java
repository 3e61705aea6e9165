package dev.shears.jobs.output;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.text.DecimalFormat;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.shears.jobs.result.Column;
import dev.shears.jobs.result.Columns;
import dev.shears.jobs.result.Row;
import dev.shears.jobs.result.Selection;
import dev.shears.jobs.result.SelectionSplit;
import dev.shears.jobs.result.Trial;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** A self-contained HTML report: the accuracy-versus-compression chart, the Pareto front, the table and provenance. */
public final class Report {

    private static final List<Column> SHOWN = List.of(Columns.RANK, Columns.CANDIDATE, Columns.STRATEGY, Columns.SCORER,
            Columns.GRANULARITY, Columns.SCOPE, Columns.LAYERS, Columns.SCHEDULE, Columns.TARGET_SPARSITY,
            Columns.SPARSITY, Columns.COMPRESSION, Columns.VAL_ACCURACY, Columns.VAL_ACCURACY_DROP, Columns.ACCURACY,
            Columns.ACCURACY_DROP, Columns.FLOPS_REDUCTION, Columns.LATENCY_B64_MS, Columns.SPEEDUP_B64,
            Columns.PARETO, Columns.STATUS, Columns.ERROR);

    private Report() {
    }

    public static String html(String title, List<Row> ranked, String runJson,
                              double maxAccuracyDrop, SelectionSplit split) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>")
                .append("<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;font-size:13px}"
                        + "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#eee}"
                        + "tr.pareto td{background:#eef7ee}tr.bad td{color:#a00}td.l,th.l{text-align:left}</style></head><body>");
        h.append("<h1>").append(esc(title)).append("</h1>");
        Row best = Selection.best(ranked, split).orElse(null);
        h.append("<p>").append(ranked.size() - 1).append(" candidates. ");
        Row base = ranked.get(0);
        if (best != null) {
            h.append("Best within a ").append(split.label()).append(" accuracy drop of ")
                    .append(TableFormats.cell(maxAccuracyDrop)).append(": <b>")
                    .append(esc(best.candidate())).append("</b> (")
                    .append(esc(best.trial().plan().scorer() + ", " + best.trial().plan().granularity() + ", "
                            + best.trial().plan().scope() + ", " + best.trial().plan().schedule())).append("): compression ")
                    .append(String.format("%.1f", best.trial().compression())).append("x at validation accuracy ")
                    .append(accuracies(best, base, Columns.VAL_ACCURACY)).append("; test accuracy ")
                    .append(accuracies(best, base, Columns.ACCURACY)).append(".");
        } else {
            h.append("No candidate kept ").append(split.label()).append(" accuracy within ")
                    .append(TableFormats.cell(maxAccuracyDrop)).append(" of the base model.");
        }
        h.append("</p><p>");
        h.append(split == SelectionSplit.VALIDATION
                ? "Candidates were chosen on the validation split; the test split is only reported, so its figures "
                        + "are an unbiased estimate for the chosen candidates."
                : "<b>Candidates were chosen on the test split</b> (objective.selectOn: test): the test figures chose "
                        + "the winners, so they flatter them, the more so the more candidates were tried.");
        h.append("</p>");
        h.append("<img alt=\"accuracy versus compression\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(chart(ranked, split))).append("\">");
        h.append("<h2>Pareto front</h2>");
        table(h, ranked.stream().filter(Row::pareto).toList());
        h.append("<h2>All candidates</h2>");
        table(h, ranked);
        h.append("<h2>Provenance</h2><pre>").append(esc(runJson)).append("</pre></body></html>");
        return h.toString();
    }

    private static void table(StringBuilder h, List<Row> rows) {
        h.append("<div style=\"overflow-x:auto\"><table><tr>");
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

    private static String accuracies(Row row, Row base, Column column) {
        return String.format("%.4f (base %.4f)", row.number(column), base.number(column));
    }

    /** Scatter of the selection split's accuracy over compression (log axis), one series per scorer, the front as a line. */
    static byte[] chart(List<Row> ranked, SelectionSplit split) {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection data = new XYSeriesCollection();
        Map<String, XYSeries> byScorer = new LinkedHashMap<>();
        XYSeries front = new XYSeries("Pareto front", true);
        for (Row r : ranked) {
            if (!r.trial().ok()) {
                continue;
            }
            double x = r.trial().compression();
            double y = r.trial().accuracy(split);
            String series = r.trial().isBase() ? Trial.BASE : r.trial().plan().scorer();
            byScorer.computeIfAbsent(series, s -> new XYSeries(s, false)).add(x, y);
            if (r.pareto()) {
                front.add(x, y);
            }
        }
        data.addSeries(front);
        byScorer.values().stream().sorted(Comparator.comparing(s -> String.valueOf(s.getKey())))
                .forEach(data::addSeries);
        LogAxis x = compressionAxis();
        NumberAxis y = new NumberAxis(split.label() + " accuracy");
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        renderer.setSeriesLinesVisible(0, true);
        renderer.setSeriesShapesVisible(0, false);
        renderer.setSeriesPaint(0, Color.GRAY);
        renderer.setSeriesStroke(0, new BasicStroke(1.5f));
        return png("Accuracy versus compression", new XYPlot(data, x, y, renderer), 900, 520);
    }

    /** The compression axis of accuracy-versus-compression charts: logarithmic, labelled with plain numbers. */
    public static LogAxis compressionAxis() {
        LogAxis x = new LogAxis("compression (base parameters / non-zero parameters)");
        x.setSmallestValue(0.5);
        // plain numbers (1, 2, 5, 10, ...) rather than powers of ten
        x.setStandardTickUnits(NumberAxis.createStandardTickUnits());
        x.setNumberFormatOverride(new DecimalFormat("0.#"));
        return x;
    }

    /** The plot as a PNG on white, with a title and a legend. */
    public static byte[] png(String title, XYPlot plot, int width, int height) {
        System.setProperty("java.awt.headless", "true");
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(out, chart, width, height);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot render the chart", e);
        }
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
