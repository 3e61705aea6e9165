package dev.shears.jobs.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.jobs.spec.SpecLoader;
import java.util.List;

/**
 * dashboard.html: the nightly runs under one root as charts, a point per night, and the nights' table. It draws
 * the figures history.csv holds, given here row by row, so the page and the table cannot disagree.
 */
public final class Dashboard {

    /**
     * What the dashboard shows.
     *
     * @param header      history.csv's columns
     * @param nights      each night's values in those columns (nulls for what a night does not have)
     * @param failIfWorse the points the alert threshold is drawn at, or null when none was given
     */
    public record Input(String title, List<String> header, List<List<Object>> nights, Double failIfWorse) {
    }

    private Dashboard() {
    }

    public static String html(Input in) {
        StringBuilder h = Page.open(in.title());
        h.append("<h2>Validation accuracy</h2><p>Per night: the best validation accuracy at the target compression (the "
                + "night before's best compression, which <code>--fail-if-worse</code> holds each night to), the base "
                + "model's, and ");
        h.append(in.failIfWorse() == null
                ? "no alert threshold (drawn when history runs with <code>--fail-if-worse POINTS</code>, as nightly does)."
                : "the alert threshold: the night before's best validation accuracy minus " + Page.esc(
                        TableFormats.cell(in.failIfWorse())) + " points; a night below it exits with code 3.");
        h.append("</p>").append(Page.chart("chart-night-accuracy"));
        h.append("<h2>Best compression within tolerance</h2><p>The compression of each night's best candidate (most "
                + "compressed within the accuracy tolerance).</p>").append(Page.chart("chart-night-compression"));
        h.append("<h2>Run time</h2><p>Seconds each night's run took: data, base model, search, latency and writing."
                + "</p>").append(Page.chart("chart-night-time"));
        h.append("<h2>Nights</h2>");
        Page.table(h, in.header(), in.nights().stream().map(TableFormats::cells).toList());
        return Page.close(h, data(in), "dashboard.js");
    }

    /** Each night as an object of history.csv's columns, and the alert's points. */
    private static ObjectNode data(Input in) {
        ObjectNode d = SpecLoader.JSON.createObjectNode();
        ArrayNode nights = d.putArray("nights");
        for (List<Object> values : in.nights()) {
            ObjectNode night = nights.addObject();
            for (int i = 0; i < in.header().size(); i++) {
                night.putPOJO(in.header().get(i), values.get(i));
            }
        }
        d.putPOJO("fail_if_worse", in.failIfWorse());
        return d;
    }
}
