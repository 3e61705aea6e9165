package dev.shears.jobs.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.JsonNode;
import dev.shears.jobs.spec.SpecLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

/**
 * The scaffolding of Shears' self-contained pages (report.html, dashboard.html): style, ECharts inlined from its
 * WebJar, the page's data as JSON in a script element, page.js's shared helpers and the page's own script, so a
 * page opens offline. Everything taken from a run goes through {@link #esc} or the script-safe JSON.
 */
final class Page {

    private static final String WEBJAR = "META-INF/maven/org.webjars.npm/echarts/pom.properties";

    private Page() {
    }

    /** The page up to its heading. */
    static StringBuilder open(String title) {
        return new StringBuilder().append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title><style>").append(resource("page.css")).append("</style></head><body><h1>")
                .append(esc(title)).append("</h1>");
    }

    /** The scripts that end the page: ECharts, the data, the shared helpers and {@code script} (a resource). */
    static String close(StringBuilder h, JsonNode data, String script) {
        h.append("<script>").append(echarts()).append("</script>");
        h.append("<script type=\"application/json\" id=\"shears-data\">").append(json(data)).append("</script>");
        h.append("<script>").append(resource("page.js")).append(resource(script)).append("</script></body></html>");
        return h.toString();
    }

    static String chart(String id) {
        return "<div class=\"chart\" id=\"" + esc(id) + "\"></div>";
    }

    /** A table of text cells. */
    static void table(StringBuilder h, List<String> header, List<List<String>> rows) {
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

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private static String json(JsonNode data) {
        try {
            // no "</script>" or "<!--" can end the data block early: <, > and & are written as \\u escapes
            return SpecLoader.JSON.writer(new ScriptSafe()).writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the page's data", e);
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

    /** ECharts' minified bundle from its WebJar on the class path. */
    private static String echarts() {
        Properties webjar = new Properties();
        try (InputStream in = Page.class.getClassLoader().getResourceAsStream(WEBJAR)) {
            if (in == null) {
                throw new IllegalStateException("Shears' pages need Apache ECharts' WebJar (org.webjars.npm:echarts) "
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
        return read(Page.class.getPackageName().replace('.', '/') + "/" + name);
    }

    private static String read(String path) {
        try (InputStream in = Page.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException(path + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
