package dev.shears.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shears.jobs.spec.SpecLoader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the DevTools protocol (a WebSocket from java.net.http, so no driver and no
 * dependency): open a page, evaluate script in it, collect its console errors, take a screenshot.
 */
public final class Chromium implements AutoCloseable {

    private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

    /** The browser on the PATH (or $SHEARS_CHROMIUM), if one is installed. */
    public static Optional<Path> find() {
        String named = System.getenv("SHEARS_CHROMIUM");
        if (named != null) {
            return Optional.of(Path.of(named)).filter(Files::isExecutable);
        }
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .flatMap(dir -> NAMES.stream().map(n -> Path.of(dir, n))).filter(Files::isExecutable).findFirst();
    }

    public Chromium(Path binary, Path profile, int width, int height) throws Exception {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless=new", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "--hide-scrollbars",
                "--no-first-run", "--disable-gpu", "about:blank"));
        // Chromium refuses to start its sandbox as root (CI containers)
        if (new com.sun.security.auth.module.UnixSystem().getUid() == 0) {
            command.add(1, "--no-sandbox");
        }
        process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        URI browser = devTools(process);
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(java.net.http.HttpRequest.newBuilder(
                URI.create("http://" + browser.getAuthority() + "/json/list")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        String page = null;
        for (JsonNode target : SpecLoader.JSON.readTree(list)) {
            if ("page".equals(target.path("type").asText())) {
                page = target.path("webSocketDebuggerUrl").asText();
            }
        }
        if (page == null) {
            throw new IllegalStateException("Chromium opened no page: " + list);
        }
        socket = http.newWebSocketBuilder().buildAsync(URI.create(page), new Listener()).get(20, TimeUnit.SECONDS);
        call("Page.enable", null);
        call("Runtime.enable", null);
        call("Log.enable", null);
    }

    /** Where Chromium says its DevTools listen (it prints the address on stderr once ready). */
    private static URI devTools(Process process) throws IOException {
        BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        Pattern listening = Pattern.compile("DevTools listening on (ws://\\S+)");
        StringBuilder said = new StringBuilder();
        for (String line; (line = err.readLine()) != null; ) {
            Matcher m = listening.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        err.lines().forEach(l -> { });
                    } catch (java.io.UncheckedIOException closed) {
                        // the browser ended
                    }
                }, "chromium-stderr");
                drain.setDaemon(true);
                drain.start();
                return URI.create(m.group(1));
            }
            said.append(line).append('\n');
        }
        throw new IllegalStateException("Chromium stopped before opening its DevTools:\n" + said);
    }

    /** Opens a page and waits for its load event (its scripts have run by then). */
    public void open(Path file) throws Exception {
        loaded = new CompletableFuture<>();
        call("Page.navigate", SpecLoader.JSON.createObjectNode().put("url", file.toUri().toString()));
        loaded.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The value of a script expression (a promise is awaited), as JSON. */
    public JsonNode eval(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", SpecLoader.JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("script failed: " + r.path("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    /** Errors the pages logged or threw so far. */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** A PNG of the whole page (up to {@code maxHeight} pixels) at {@code width} pixels wide. */
    public void screenshot(Path png, int width, int maxHeight) throws Exception {
        // measured at the window's own size: a larger one set for an earlier picture would count as page
        call("Emulation.clearDeviceMetricsOverride", null);
        int height = Math.min(maxHeight, eval("document.documentElement.scrollHeight").asInt());
        call("Emulation.setDeviceMetricsOverride", SpecLoader.JSON.createObjectNode().put("width", width)
                .put("height", height).put("deviceScaleFactor", 1).put("mobile", false));
        // the charts follow the window's size: let them redraw before the picture
        eval("new Promise(function (r) { window.dispatchEvent(new Event('resize')); setTimeout(r, 500); })");
        JsonNode shot = call("Page.captureScreenshot", SpecLoader.JSON.createObjectNode().put("format", "png"));
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, Base64.getDecoder().decode(shot.path("data").asText()));
    }

    private JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode message = SpecLoader.JSON.createObjectNode().put("id", id).put("method", method);
        if (params != null) {
            message.set("params", params);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(SpecLoader.JSON.writeValueAsString(message), true).join();
        JsonNode r = answer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (r.has("error")) {
            throw new IllegalStateException(method + ": " + r.path("error"));
        }
        return r.path("result");
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence part, boolean last) {
            text.append(part);
            if (last) {
                try {
                    received(SpecLoader.JSON.readTree(text.toString()));
                } catch (IOException e) {
                    errors.add("unreadable DevTools message: " + e.getMessage());
                }
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        private void received(JsonNode m) {
            if (m.has("id")) {
                Optional.ofNullable(pending.remove(m.path("id").asInt())).ifPresent(f -> f.complete(m));
                return;
            }
            JsonNode p = m.path("params");
            switch (m.path("method").asText()) {
                case "Page.loadEventFired" -> loaded.complete(null);
                case "Runtime.exceptionThrown" -> errors.add("exception: " + p.path("exceptionDetails"));
                case "Runtime.consoleAPICalled" -> {
                    if ("error".equals(p.path("type").asText())) {
                        errors.add("console.error: " + p.path("args"));
                    }
                }
                case "Log.entryAdded" -> {
                    if ("error".equals(p.path("entry").path("level").asText())) {
                        errors.add("log: " + p.path("entry"));
                    }
                }
                default -> { }
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the browser is ended below either way
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
