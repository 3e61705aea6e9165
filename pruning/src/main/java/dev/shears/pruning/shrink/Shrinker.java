package dev.shears.pruning.shrink;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.prune.Arrays;
import dev.shears.pruning.prune.Coupling;
import dev.shears.pruning.prune.Layers;
import dev.shears.pruning.prune.PrunableLayer;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rebuilds a structurally pruned network without its removed units, so that it is physically
 * smaller and faster. A unit (dense neuron or convolution filter) goes when the next weight layer
 * reads it through no non-zero weight ({@link Coupling#readUnits}): whatever it computes cannot
 * reach the output, so the smaller network computes the same function. With it go its weights,
 * its bias, its parameters in any per-channel layer in between (batch normalisation) and the next
 * layer's inputs that read it. Layer types, activations, names and updater settings are the
 * original configuration's; the updater's state starts afresh. A layer always keeps one unit.
 */
public final class Shrinker {

    private Shrinker() {
    }

    /** The smaller network, or {@code net} itself when no unit can go. */
    public static MultiLayerNetwork shrink(MultiLayerNetwork net) {
        Map<Integer, PrunableLayer> weightLayers = new HashMap<>();
        Map<Integer, int[]> keptUnits = new HashMap<>();
        Map<Integer, int[]> keptInputs = new HashMap<>();
        Map<Integer, Integer> flattenChannels = new HashMap<>();
        for (PrunableLayer p : Layers.prunable(net)) {
            weightLayers.put(p.index(), p);
            Coupling c = Coupling.from(net, p).orElse(null);
            if (c == null) {
                continue;
            }
            int[] kept = keptIndices(c.readUnits(net));
            if (kept.length == p.units(net)) {
                continue;
            }
            keptUnits.put(p.index(), kept);
            c.between().forEach(b -> keptUnits.put(b, kept));
            int per = c.inputsPerUnit();
            keptInputs.put(c.consumer().index(),
                    IntStream.of(kept).flatMap(u -> IntStream.range(u * per, (u + 1) * per)).toArray());
            flattenChannels.put(c.consumer().index(), kept.length);
        }
        if (keptUnits.isEmpty()) {
            return net;
        }
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer layer = conf.getConf(i).getLayer();
            if (!(layer instanceof FeedForwardLayer ff)) {
                continue;
            }
            if (keptUnits.containsKey(i)) {
                ff.setNOut(keptUnits.get(i).length);
                if (!weightLayers.containsKey(i)) {
                    ff.setNIn(keptUnits.get(i).length);
                }
            }
            if (keptInputs.containsKey(i)) {
                ff.setNIn(keptInputs.get(i).length);
            }
            InputPreProcessor pre = conf.getInputPreProcess(i);
            if (pre instanceof CnnToFeedForwardPreProcessor flat && flattenChannels.containsKey(i)) {
                flat.setNumChannels(flattenChannels.get(i));
            }
        }
        MultiLayerNetwork small = new MultiLayerNetwork(conf);
        small.init();
        for (int i = 0; i < net.getnLayers(); i++) {
            PrunableLayer weights = weightLayers.get(i);
            for (Map.Entry<String, INDArray> e : net.getLayer(i).paramTable().entrySet()) {
                INDArray v = e.getValue();
                boolean isWeight = weights != null && e.getKey().equals("W");
                if (keptUnits.containsKey(i)) {
                    v = Arrays.take(v, isWeight ? weights.unitAxis() : v.rank() - 1, keptUnits.get(i));
                }
                if (isWeight && keptInputs.containsKey(i)) {
                    v = Arrays.take(v, weights.inputAxis(), keptInputs.get(i));
                }
                INDArray target = small.getLayer(i).getParam(e.getKey());
                if (!java.util.Arrays.equals(target.shape(), v.shape())) {
                    throw new BadInputException("cannot shrink layer " + i + " (" + net.getLayer(i).conf().getLayer()
                            .getClass().getSimpleName() + "): parameter " + e.getKey() + " does not follow its units");
                }
                target.assign(v);
            }
        }
        return small;
    }

    /** Indices of the read units; the first unit when none is read, as a layer cannot be empty. */
    private static int[] keptIndices(boolean[] read) {
        int[] kept = IntStream.range(0, read.length).filter(j -> read[j]).toArray();
        return kept.length == 0 ? new int[] {0} : kept;
    }
}
