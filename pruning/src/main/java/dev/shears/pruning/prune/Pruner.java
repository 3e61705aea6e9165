package dev.shears.pruning.prune;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.model.PrunableLayer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.function.Function;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One pruning step: score the selected layers, choose groups to remove at a ratio (per layer or
 * with one global threshold), and mask them. Values pruned before stay pruned and count toward
 * the ratio, so repeated steps at rising ratios (iterative, gradual, adaptive) compose.
 */
public final class Pruner {

    private final ImportanceScorer scorer;
    private final Granularity granularity;
    private final Scope scope;
    private final Map<String, Double> layerRatios;
    private final KeptUnits units;
    private final double referenceRatio;
    private final Normalizer normalizer;
    private final GroupReduce groupReduce;

    /** @param layerRatios per-layer ratio overrides by layer name (layerwise scope only); may be empty */
    public Pruner(ImportanceScorer scorer, Granularity granularity, Scope scope, Map<String, Double> layerRatios) {
        this(scorer, granularity, scope, layerRatios, 1);
    }

    /**
     * @param minUnits groups a structural granularity leaves in every layer however high the ratio,
     *                 so no layer is cut off entirely (the floor wins over the ratio; 0 = no floor)
     */
    public Pruner(ImportanceScorer scorer, Granularity granularity, Scope scope, Map<String, Double> layerRatios,
                  int minUnits) {
        this(scorer, granularity, scope, layerRatios, KeptUnits.atLeast(minUnits), Double.NaN);
    }

    /**
     * @param units          how many units a structural granularity leaves in every layer: the floor wins over
     *                       the ratio, and counts are rounded to whole channel blocks where asked
     * @param referenceRatio the ratio at which {@code layerRatios} hold in full; a schedule's earlier,
     *                       lower steps scale every override by step ratio / reference ratio, so
     *                       per-layer allocations ramp up with iterative, gradual and adaptive schedules
     *                       (NaN: overrides always hold in full)
     */
    public Pruner(ImportanceScorer scorer, Granularity granularity, Scope scope, Map<String, Double> layerRatios,
                  KeptUnits units, double referenceRatio) {
        this(scorer, granularity, scope, layerRatios, units, referenceRatio, Normalizer.defaultFor(granularity));
    }

    /** @param normalizer how each layer's group scores are scaled before the global threshold (global scope only) */
    public Pruner(ImportanceScorer scorer, Granularity granularity, Scope scope, Map<String, Double> layerRatios,
                  KeptUnits units, double referenceRatio, Normalizer normalizer) {
        this(scorer, granularity, scope, layerRatios, units, referenceRatio, normalizer, GroupReduce.PRODUCERS);
    }

    /** @param groupReduce how a channel group combines its members' scores (structural granularities) */
    public Pruner(ImportanceScorer scorer, Granularity granularity, Scope scope, Map<String, Double> layerRatios,
                  KeptUnits units, double referenceRatio, Normalizer normalizer, GroupReduce groupReduce) {
        if (scope == Scope.GLOBAL && !granularity.supportsGlobalScope()) {
            throw new BadInputException("granularity '" + granularity.name() + "' cannot be used with scope global (use layerwise)");
        }
        this.scorer = scorer;
        this.granularity = granularity;
        this.scope = scope;
        this.layerRatios = Map.copyOf(layerRatios);
        this.units = granularity.structural() ? units : KeptUnits.ANY;
        this.referenceRatio = referenceRatio;
        this.normalizer = normalizer;
        this.groupReduce = groupReduce;
    }

    public ImportanceScorer scorer() {
        return scorer;
    }

    public Granularity granularity() {
        return granularity;
    }

    /** Prunes {@code ratio} of the layers' groups into {@code masks} and applies the masks to the network. */
    public void prune(List<PrunableLayer> selected, double ratio, ScoringContext context, MaskSet masks) {
        Network net = context.net();
        List<PrunableLayer> layers = selected.stream().filter(l -> granularity.appliesTo(l, net)).toList();
        if (layers.isEmpty()) {
            throw new BadInputException("granularity '" + granularity.name() + "' applies to none of the selected layers "
                    + selected.stream().map(PrunableLayer::name).toList());
        }
        Map<String, PrunableLayer> byKey = new HashMap<>();
        net.prunable().forEach(l -> byKey.put(l.weightKey(), l));
        Map<String, INDArray> scored = new HashMap<>();
        // per-weight scores of any prunable layer a group reaches, computed once; null for other parameters
        Function<String, INDArray> weightScores = key -> !byKey.containsKey(key) ? null
                : scored.computeIfAbsent(key, k -> {
                    INDArray s = scorer.score(byKey.get(k), context);
                    INDArray held = masks.get(k);
                    return held == null ? s : withPrunedLowest(s, held);
                });
        List<float[]> scores = new ArrayList<>();
        for (PrunableLayer layer : layers) {
            scores.add(granularity.groupScores(layer, net, weightScores, groupReduce));
        }
        List<boolean[]> keep = scope == Scope.GLOBAL
                ? selectGlobal(layers, scores, ratio, net)
                : selectLayerwise(layers, scores, ratio, net);
        for (int i = 0; i < layers.size(); i++) {
            granularity.mask(layers.get(i), keep.get(i), net, masks);
        }
        masks.apply(net);
        context.invalidate();
    }

    /** Already-pruned weights rank lowest, so they stay removed and count toward the ratio. */
    private static INDArray withPrunedLowest(INDArray scores, INDArray held) {
        float[] s = Arrays.floats(scores);
        float[] m = Arrays.floats(held);
        for (int i = 0; i < s.length; i++) {
            if (m[i] == 0f) {
                s[i] = Float.NEGATIVE_INFINITY;
            }
        }
        return Nd4j.create(s, scores.shape(), 'c');
    }

    private List<boolean[]> selectLayerwise(List<PrunableLayer> layers, List<float[]> scores, double ratio,
                                            Network net) {
        List<boolean[]> keep = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Double override = layerRatios.get(layers.get(i).name());
            double r = override == null ? ratio
                    : referenceRatio > 0 ? override * Math.min(1, ratio / referenceRatio) : override;
            boolean[] k = granularity.selectLayerwise(layers.get(i), net, scores.get(i), r);
            units.adjust(k, scores.get(i));
            keep.add(k);
        }
        return keep;
    }

    /**
     * Removes the lowest-scoring groups across layers, each layer's scores scaled by the normaliser,
     * until {@code ratio} of the weights are gone, passing over groups of layers that are down to the floor; then
     * each layer's count is rounded to whole channel blocks where asked.
     */
    private List<boolean[]> selectGlobal(List<PrunableLayer> layers, List<float[]> scores, double ratio,
                                         Network net) {
        int total = scores.stream().mapToInt(s -> s.length).sum();
        float[] all = new float[total];
        long[] size = new long[total];
        int[] layerOf = new int[total];
        int[] kept = new int[layers.size()];
        long weights = 0;
        int at = 0;
        for (int i = 0; i < layers.size(); i++) {
            float[] s = normalizer.apply(scores.get(i));
            long g = granularity.groupSize(layers.get(i), net);
            System.arraycopy(s, 0, all, at, s.length);
            for (int j = 0; j < s.length; j++) {
                size[at + j] = g;
                layerOf[at + j] = i;
            }
            kept[i] = s.length;
            weights += g * s.length;
            at += s.length;
        }
        boolean[] keepAll = new boolean[total];
        java.util.Arrays.fill(keepAll, true);
        long target = Math.round(ratio * weights);
        long removed = 0;
        for (int idx : Selection.lowest(all, total)) {
            if (removed + size[idx] / 2 >= target) {
                break;
            }
            if (kept[layerOf[idx]] <= units.atLeast()) {
                continue;
            }
            keepAll[idx] = false;
            kept[layerOf[idx]]--;
            removed += size[idx];
        }
        List<boolean[]> keep = new ArrayList<>();
        at = 0;
        for (float[] s : scores) {
            boolean[] k = java.util.Arrays.copyOfRange(keepAll, at, at + s.length);
            units.adjust(k, s);
            keep.add(k);
            at += s.length;
        }
        return keep;
    }
}
