package dev.shears.jobs.engine;

import dev.shears.pruning.metrics.LatencyComparison;
import dev.shears.pruning.model.ModelBytes;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.train.Threads;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Forward-pass latency of finished candidates, each timed right beside the base model in one
 * task with nothing else running, so that a speed-up compares like with like.
 *
 * @param baseModel the dense base model's bytes
 * @param models    candidate id to its model's bytes (the shrunk model where it was shrunk)
 * @param width     features of one example
 * @param threads   ND4J threads, as trials use (0 = ND4J's default)
 */
public record LatencyRequest(byte[] baseModel, Map<String, byte[]> models, int width, int threads)
        implements Serializable {

    /** Times every model beside the base, in this JVM. */
    public Map<String, LatencyComparison.Compared> run() {
        Threads.limit(threads);
        Network base = ModelBytes.restore(baseModel);
        Map<String, LatencyComparison.Compared> out = new LinkedHashMap<>();
        models.forEach((id, bytes) -> out.put(id, LatencyComparison.compare(base, ModelBytes.restore(bytes), width,
                LatencyComparison.DEFAULT_ROUNDS)));
        return out;
    }
}
