package dev.shears.jobs.driver;

import dev.shears.jobs.engine.CandidateEngine;
import dev.shears.jobs.engine.LatencyRequest;
import dev.shears.jobs.output.Ranking;
import dev.shears.pruning.metrics.Latency;
import dev.shears.pruning.metrics.LatencyComparison;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Latency after the search, for the candidates a user may deploy (the Pareto front and the kept
 * models): each is timed right beside the base model, in one task with nothing else running, so
 * that the base and candidate figures of one table come from the same conditions. Timing every
 * trial while others train on the other cores compared a quiet base with busy candidates.
 */
final class LatencyPhase {

    private LatencyPhase() {
    }

    /** Adds {@code latency_b1_ms}, {@code latency_b64_ms}, {@code speedup_b1}, {@code speedup_b64} to the timed rows. */
    static void time(SearchJob.Prepared p, CandidateEngine engine, List<Map<String, Object>> ranked, List<String> kept,
                     PrintStream console) {
        Set<String> ids = new LinkedHashSet<>();
        ranked.stream().filter(r -> Boolean.TRUE.equals(r.get("pareto")) && "OK".equals(r.get("status")))
                .map(r -> String.valueOf(r.get("candidate"))).filter(id -> !Ranking.BASE.equals(id)).forEach(ids::add);
        ids.addAll(kept);
        Map<String, byte[]> models = new LinkedHashMap<>();
        for (String id : ids) {
            byte[] model = p.checkpoints().model(id);
            if (model != null) {
                models.put(id, model);
            }
        }
        if (models.isEmpty()) {
            return;
        }
        if (console != null) {
            console.println("timing the forward pass of " + models.size()
                    + " candidates (Pareto front and kept models) beside the base model");
        }
        long start = System.nanoTime();
        Map<String, LatencyComparison.Compared> timed = engine.timeLatency(new LatencyRequest(p.baseModel(), models,
                p.data().train().width(), p.spec().spec().search.threadsPerTask));
        p.timings().put("latency_seconds", SearchJob.seconds(start));
        double[] baseB1 = timed.values().stream().mapToDouble(c -> c.reference().b1Ms()).toArray();
        double[] baseB64 = timed.values().stream().mapToDouble(c -> c.reference().b64Ms()).toArray();
        for (Map<String, Object> row : ranked) {
            String id = String.valueOf(row.get("candidate"));
            if (Ranking.BASE.equals(id)) {
                put(row, Latency.median(baseB1), Latency.median(baseB64), 1.0, 1.0);
            } else if (timed.containsKey(id)) {
                LatencyComparison.Compared c = timed.get(id);
                put(row, c.model().b1Ms(), c.model().b64Ms(), c.speedupB1(), c.speedupB64());
            }
        }
    }

    private static void put(Map<String, Object> row, double b1, double b64, double speedupB1, double speedupB64) {
        row.put("latency_b1_ms", b1);
        row.put("latency_b64_ms", b64);
        row.put("speedup_b1", speedupB1);
        row.put("speedup_b64", speedupB64);
    }
}
