package dev.shears.jobs.driver;

import dev.shears.jobs.engine.CandidateEngine;
import dev.shears.jobs.engine.LatencyRequest;
import dev.shears.jobs.result.LatencyFigures;
import dev.shears.jobs.result.Row;
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

    /** The rows with the latency of those timed (and of the base) filled in. */
    static List<Row> time(Prepared p, CandidateEngine engine, List<Row> ranked, List<String> kept,
                          PrintStream console) {
        Set<String> ids = new LinkedHashSet<>();
        ranked.stream().filter(r -> r.pareto() && r.trial().ok() && !r.trial().isBase()).map(Row::candidate)
                .forEach(ids::add);
        ids.addAll(kept);
        Map<String, byte[]> models = new LinkedHashMap<>();
        for (String id : ids) {
            byte[] model = p.checkpoints().model(id);
            if (model != null) {
                models.put(id, model);
            }
        }
        if (models.isEmpty()) {
            return ranked;
        }
        if (console != null) {
            console.println("timing the forward pass of " + models.size()
                    + " candidates (Pareto front and kept models) beside the base model");
        }
        long start = System.nanoTime();
        Map<String, LatencyComparison.Compared> timed = engine.timeLatency(new LatencyRequest(p.baseModel(), models,
                p.data().train().width(), p.spec().spec().search.threadsPerTask));
        p.timings().latencySeconds = Stopwatch.seconds(start);
        double[] baseB1 = timed.values().stream().mapToDouble(c -> c.reference().b1Ms()).toArray();
        double[] baseB64 = timed.values().stream().mapToDouble(c -> c.reference().b64Ms()).toArray();
        LatencyFigures base = new LatencyFigures(Latency.median(baseB1), Latency.median(baseB64), 1.0, 1.0);
        return ranked.stream().map(row -> {
            LatencyComparison.Compared c = timed.get(row.candidate());
            return row.trial().isBase() ? row.withLatency(base) : c == null ? row
                    : row.withLatency(new LatencyFigures(c.model().b1Ms(), c.model().b64Ms(), c.speedupB1(), c.speedupB64()));
        }).toList();
    }
}
