package dev.shears.pruning.shrink;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.model.Network;
import dev.shears.pruning.prune.Arrays;
import dev.shears.pruning.prune.ChannelGroup;
import dev.shears.pruning.prune.ChannelGroups;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rebuilds a structurally pruned network, chain or graph, without its removed channels, so that
 * it is physically smaller and faster. A channel of a {@link ChannelGroup} goes when no consumer
 * reads it through a non-zero weight ({@link ChannelGroup#readChannels}): whatever it computes
 * cannot reach the output, so the smaller network computes the same function. With it go its
 * filters or units in every producer (both sides of a residual addition), its entries in the
 * per-channel layers in between (batch normalisation) and the consumers' inputs that read it, at
 * its offset in a concatenation and over its feature map after a flatten. Element-wise and merge
 * vertices need no change: they follow their inputs' sizes. Layer types, activations, names and
 * updater settings are the original configuration's; the updater's state starts afresh. A group
 * always keeps one channel.
 */
public final class Shrinker {

    private Shrinker() {
    }

    /** The smaller network (keeping {@code net}'s layers to leave whole), or {@code net} itself when no channel can go. */
    public static Network shrink(Network net) {
        Map<String, Map<Integer, boolean[]>> kept = keptIndices(net);
        if (kept.isEmpty()) {
            return net;
        }
        Map<String, INDArray> params = new LinkedHashMap<>();
        net.paramTable().forEach((key, value) -> {
            INDArray v = value;
            for (Map.Entry<Integer, boolean[]> axis : kept.getOrDefault(key, Map.of()).entrySet()) {
                v = Arrays.take(v, axis.getKey(), indices(axis.getValue()));
            }
            params.put(key, v);
        });
        Network small = net.chain().isPresent() ? Network.of(chain(net.chain().get(), kept, params))
                : Network.of(graph((ComputationGraph) net.model(), kept, params));
        params.forEach((key, v) -> {
            INDArray target = small.getParam(key);
            if (!java.util.Arrays.equals(target.shape(), v.shape())) {
                throw new BadInputException("cannot shrink the network: parameter " + key + " does not follow its channels");
            }
            target.assign(v);
        });
        return small.keepWhole(net.keepWhole());
    }

    /** Per parameter key and axis, the indices that stay; a concatenation's reader gets one slice per group. */
    private static Map<String, Map<Integer, boolean[]>> keptIndices(Network net) {
        Map<String, Map<Integer, boolean[]>> kept = new HashMap<>();
        for (ChannelGroup g : ChannelGroups.of(net)) {
            boolean[] read = g.readChannels(net::getParam);
            if (IntStream.range(0, read.length).allMatch(c -> read[c])) {
                continue;
            }
            if (IntStream.range(0, read.length).noneMatch(c -> read[c])) {
                read[0] = true;
            }
            Stream.of(g.producers(), g.followers(), g.consumers()).flatMap(List::stream).forEach(s -> {
                boolean[] along = s.keepAlong(net.getParam(s.key()).size(s.axis()), read);
                kept.computeIfAbsent(s.key(), k -> new HashMap<>()).merge(s.axis(), along, Shrinker::both);
            });
        }
        return kept;
    }

    private static MultiLayerNetwork chain(MultiLayerNetwork net, Map<String, Map<Integer, boolean[]>> kept,
                                           Map<String, INDArray> params) {
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
        for (int i = 0; i < net.getnLayers(); i++) {
            String key = String.valueOf(i);
            if (conf.getConf(i).getLayer() instanceof FeedForwardLayer ff && touched(net.getLayer(i).paramTable().keySet(), key, kept)) {
                resize(ff, conf.getInputPreProcess(i), key, net.getLayer(i).paramTable().keySet(), params);
            }
        }
        MultiLayerNetwork small = new MultiLayerNetwork(conf);
        small.init();
        return small;
    }

    private static ComputationGraph graph(ComputationGraph net, Map<String, Map<Integer, boolean[]>> kept,
                                          Map<String, INDArray> params) {
        ComputationGraphConfiguration conf = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            String name = e.getKey();
            Set<String> keys = net.getLayer(name) == null ? Set.of() : net.getLayer(name).paramTable().keySet();
            if (e.getValue() instanceof LayerVertex vertex && vertex.getLayerConf().getLayer() instanceof FeedForwardLayer ff
                    && touched(keys, name, kept)) {
                resize(ff, vertex.getPreProcessor(), name, keys, params);
            }
        }
        ComputationGraph small = new ComputationGraph(conf);
        small.init();
        return small;
    }

    private static boolean touched(Set<String> keys, String layer, Map<String, Map<Integer, boolean[]>> kept) {
        return keys.stream().anyMatch(k -> kept.containsKey(layer + "_" + k));
    }

    /**
     * Sets a shrunk layer's sizes from its new parameters: a weight layer's from its weights
     * (convolution {@code [nOut, nIn, kH, kW]}, dense {@code [nIn, nOut]}), a per-channel layer's
     * (batch normalisation) from the last axis of any of its parameters; and the channels that a
     * flatten in front of it spreads over the layer's inputs.
     */
    private static void resize(FeedForwardLayer layer, InputPreProcessor pre, String name, Set<String> keys,
                               Map<String, INDArray> params) {
        if (keys.contains("W")) {
            INDArray w = params.get(name + "_W");
            boolean conv = layer instanceof ConvolutionLayer;
            layer.setNOut(w.size(conv ? 0 : 1));
            layer.setNIn(w.size(conv ? 1 : 0));
        } else {
            INDArray any = params.get(name + "_" + keys.iterator().next());
            long channels = any.size(any.rank() - 1);
            layer.setNIn(channels);
            layer.setNOut(channels);
        }
        if (pre instanceof CnnToFeedForwardPreProcessor flat) {
            flat.setNumChannels(layer.getNIn() / (flat.getInputHeight() * flat.getInputWidth()));
        }
    }

    /** Indices that stay for both of two groups sharing an axis (the branches a concatenation's reader reads). */
    private static boolean[] both(boolean[] a, boolean[] b) {
        boolean[] out = new boolean[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] && b[i];
        }
        return out;
    }

    /** The indices that stay, in order. */
    private static int[] indices(boolean[] keep) {
        return IntStream.range(0, keep.length).filter(i -> keep[i]).toArray();
    }
}
