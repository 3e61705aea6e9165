package dev.shears.pruning.prune;

import dev.shears.pruning.data.LabeledData;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * What scorers may look at: the network, calibration batches from the training split, and a
 * seed. Gradient statistics and activations are computed once per network state and shared by
 * the scorers that need them.
 */
public final class ScoringContext {

    private final Network net;
    private final LabeledData calibration;
    private final int batches;
    private final int batchSize;
    private final long seed;
    private final Function<DataSet, Map<String, INDArray>> gradients;
    private final Function<INDArray, Map<String, INDArray>> activationsOf;
    private Map<String, INDArray> meanAbsGradient;
    private Map<String, INDArray> meanSquaredGradient;
    private Map<String, INDArray> activations;

    /**
     * @param calibration data the data-driven scorers draw batches from (the training split)
     * @param batches     how many calibration batches to use
     */
    public ScoringContext(Network net, LabeledData calibration, int batches, int batchSize, long seed) {
        this(net, calibration, batches, batchSize, seed, batch -> net.gradient(batch).gradientForVariable(),
                net::activations);
    }

    /**
     * @param gradients   the raw gradient of a batch's summed loss by parameter key (DL4J's, or a faster path's)
     * @param activations the prunable layers' outputs for a batch's features, by layer key (likewise)
     */
    public ScoringContext(Network net, LabeledData calibration, int batches, int batchSize, long seed,
                          Function<DataSet, Map<String, INDArray>> gradients,
                          Function<INDArray, Map<String, INDArray>> activations) {
        this.gradients = gradients;
        this.activationsOf = activations;
        this.net = net;
        this.calibration = calibration;
        this.batches = batches;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    public Network net() {
        return net;
    }

    public long seed() {
        return seed;
    }

    /** The calibration batches, drawn with the context's seed. */
    public Iterable<DataSet> calibrationBatches() {
        LabeledData sample = calibration.rows(java.util.Arrays.copyOf(calibration.permutation(seed),
                Math.min(calibration.size(), batches * batchSize)));
        return sample.batches(batchSize);
    }

    /** Mean over calibration batches of |dL/dw| for a parameter key, L being the batch's mean loss. */
    public INDArray meanAbsGradient(String key) {
        computeGradients();
        return meanAbsGradient.get(key);
    }

    /** Mean over calibration batches of (dL/dw)^2 for a parameter key: the diagonal empirical Fisher. */
    public INDArray meanSquaredGradient(String key) {
        computeGradients();
        return meanSquaredGradient.get(key);
    }

    /**
     * The outputs of a layer after its activation function, for every calibration example
     * (inference mode): {@code [examples, units]} for dense layers, {@code [examples, channels, h,
     * w]} for convolutions.
     */
    public INDArray activations(PrunableLayer layer) {
        computeActivations();
        return activations.get(layer.key());
    }

    /** Forgets gradient statistics and activations, after the network's weights changed. */
    public void invalidate() {
        meanAbsGradient = null;
        meanSquaredGradient = null;
        activations = null;
    }

    private void computeActivations() {
        if (activations != null) {
            return;
        }
        Map<String, List<INDArray>> parts = new HashMap<>();
        for (DataSet batch : calibrationBatches()) {
            activationsOf.apply(batch.getFeatures())
                    .forEach((key, a) -> parts.computeIfAbsent(key, k -> new ArrayList<>()).add(a.dup()));
        }
        Map<String, INDArray> joined = new HashMap<>();
        parts.forEach((layer, list) -> joined.put(layer, Nd4j.concat(0, list.toArray(new INDArray[0]))));
        net.clear();
        activations = joined;
    }

    private void computeGradients() {
        if (meanAbsGradient != null) {
            return;
        }
        Map<String, INDArray> abs = new HashMap<>();
        Map<String, INDArray> sq = new HashMap<>();
        int count = 0;
        for (DataSet batch : calibrationBatches()) {
            for (Map.Entry<String, INDArray> e : gradients.apply(batch).entrySet()) {
                // DL4J's raw gradient sums over the batch (its updater divides later): make it the mean loss's
                INDArray grad = e.getValue().div(batch.numExamples());
                abs.merge(e.getKey(), Transforms.abs(grad, true), INDArray::addi);
                sq.merge(e.getKey(), grad.mul(grad), INDArray::addi);
            }
            count++;
        }
        int n = Math.max(count, 1);
        abs.values().forEach(a -> a.divi(n));
        sq.values().forEach(a -> a.divi(n));
        net.clear();
        meanAbsGradient = abs;
        meanSquaredGradient = sq;
    }
}
