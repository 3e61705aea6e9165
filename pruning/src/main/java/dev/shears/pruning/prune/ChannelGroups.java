package dev.shears.pruning.prune;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.model.Network;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Finds the channel groups of a network by walking it once, chains and graphs alike. Every weight
 * layer's output is a new "channel space" of nOut channels. Per-channel layers (batch
 * normalisation, activation, dropout, pooling, global pooling) pass their input's spaces through,
 * so channel c stays channel c. An element-wise vertex (add, subtract, product, average, max)
 * lines its inputs' channels up, so their spaces become one: the filters of a residual block's
 * last convolution and of its shortcut go together. A concatenation places its inputs' spaces
 * one after another, and a weight layer reads each space at its offset (times {@code h*w} after a
 * channel-major flatten). A space is a group unless some of it reaches something that needs all
 * its channels: a network input or output (the output layer's units are the classes), a layer or
 * vertex this analysis does not handle (recurrent, depthwise, reshaping, layer normalisation,
 * other preprocessors or data formats), or a node the caller names in {@code keepWhole}.
 */
public final class ChannelGroups {

    private static final Function<Network, List<ChannelGroup>> GROUPS = net -> of(net, net.keepWhole());

    private ChannelGroups() {
    }

    /** The network's groups with the layers it names in keepWhole kept whole, found once per network. */
    public static List<ChannelGroup> of(Network net) {
        return net.derived(GROUPS);
    }

    /** @param keepWhole names (or chain indices) of layers whose output channels all stay, such as the last one before a flatten */
    public static List<ChannelGroup> of(Network net, Set<String> keepWhole) {
        return new Analysis(nodes(net), keepWhole).groups;
    }

    /** The groups with their members, and every other set of channels with why it cannot be pruned. */
    public static String describe(Network net, Set<String> keepWhole) {
        return new Analysis(nodes(net), keepWhole).describe();
    }

    private static List<NetNode> nodes(Network net) {
        return net.chain().isPresent() ? NetNode.of(net.chain().get()) : NetNode.of((ComputationGraph) net.model());
    }

    /** Channels known to stay aligned; union-find merges the spaces an element-wise vertex lines up. */
    private static final class Space {
        final int id;
        final String origin;
        long size;
        Space parent = this;
        String fixed;
        final List<ChannelSlice> producers = new ArrayList<>();
        final List<ChannelSlice> followers = new ArrayList<>();
        final List<ChannelSlice> consumers = new ArrayList<>();
        final Set<String> producerLayers = new LinkedHashSet<>();
        final Set<String> consumerLayers = new LinkedHashSet<>();

        /** @param size channels, or -1 where the analysis cannot tell (a network input, an unhandled vertex) */
        Space(int id, String origin, long size) {
            this.id = id;
            this.origin = origin;
            this.size = size;
        }

        Space root() {
            Space r = this;
            while (r.parent != r) {
                r = r.parent;
            }
            return r;
        }

        String name() {
            return producerLayers.isEmpty() ? origin : producerLayers.iterator().next();
        }
    }

    private static final class Analysis {
        private final List<Space> spaces = new ArrayList<>();
        private final List<ChannelGroup> groups = new ArrayList<>();
        private final List<Space> fixed = new ArrayList<>();

        Analysis(List<NetNode> nodes, Set<String> keepWhole) {
            List<String> names = nodes.stream().map(NetNode::name).toList();
            for (String k : keepWhole) {
                if (nodes.stream().noneMatch(n -> n.name().equals(k) || n.id().equals(k))) {
                    throw new BadInputException("keepWhole: '" + k + "' is not a layer or vertex (allowed: "
                            + String.join(", ", names) + ")");
                }
            }
            Map<String, List<Space>> outputs = new HashMap<>();
            for (NetNode node : nodes) {
                List<List<Space>> in = node.inputs().stream().map(outputs::get).toList();
                List<Space> out = visit(node, in);
                if (keepWhole.contains(node.name()) || keepWhole.contains(node.id())) {
                    fix(out, node.name() + " is named in keepWhole");
                }
                if (node.output()) {
                    fix(out, "they reach the network output " + node.name());
                }
                outputs.put(node.id(), out);
            }
            for (Space s : spaces) {
                if (s.parent != s) {
                    continue;
                }
                if (s.fixed == null && s.consumers.isEmpty()) {
                    s.fixed = "no weight layer reads them";
                }
                if (s.fixed != null) {
                    fixed.add(s);
                } else {
                    groups.add(new ChannelGroup(s.name(), (int) s.size, s.producers, s.followers, s.consumers,
                            List.copyOf(s.producerLayers), List.copyOf(s.consumerLayers)));
                }
            }
        }

        private List<Space> visit(NetNode node, List<List<Space>> in) {
            if (node.isInput()) {
                return List.of(newSpace(node.name(), -1, "they are a network input"));
            }
            List<Space> all = in.stream().flatMap(List::stream).toList();
            if (node.layer() == null) {
                return vertex(node, in, all);
            }
            Layer layer = node.layer();
            if (plain(layer, true) && node.params().containsKey("W")) {
                read(node, all);
                INDArray w = node.params().get("W");
                Space out = newSpace(node.name(), w.size(unitAxis(layer)), null);
                if (!plain(layer, false)) {
                    out.fixed = "they are the units of " + label(node) + ", an output layer";
                    return List.of(out);
                }
                out.producers.add(new ChannelSlice(node.key("W"), unitAxis(layer), 0, 1));
                INDArray b = node.params().get("b");
                if (b != null) {
                    out.producers.add(new ChannelSlice(node.key("b"), b.rank() - 1, 0, 1));
                }
                out.producerLayers.add(node.name());
                return List.of(out);
            }
            if (perChannel(layer) && node.preProcessor() == null) {
                follow(node, all);
                return all;
            }
            String what = node.preProcessor() == null ? label(node)
                    : node.name() + " behind a " + node.preProcessor().getClass().getSimpleName();
            return opaque(node, all, what);
        }

        private List<Space> vertex(NetNode node, List<List<Space>> in, List<Space> all) {
            if (node.vertex() instanceof ElementWiseVertex) {
                List<Space> first = in.get(0);
                boolean aligned = in.stream().allMatch(x -> x.size() == first.size() && IntStream.range(0, x.size())
                        .allMatch(k -> sameSize(x.get(k).root(), first.get(k).root())));
                if (!aligned) {
                    fix(all, label(node) + " combines them with channels split otherwise");
                    return first;
                }
                in.forEach(x -> IntStream.range(0, x.size()).forEach(k -> union(first.get(k), x.get(k))));
                return first;
            }
            if (node.vertex() instanceof MergeVertex merge && merge.getMergeAxis() == 1) {
                return all;
            }
            return opaque(node, all, label(node));
        }

        /** Registers the node's weights as a consumer of each input space, at the space's offset. */
        private void read(NetNode node, List<Space> in) {
            int axis = inputAxis(node.layer());
            long inputs = node.params().get("W").size(axis);
            long channels = channels(in);
            InputPreProcessor pre = node.preProcessor();
            int per = 1;
            if (pre instanceof CnnToFeedForwardPreProcessor flat && flat.getFormat() == CNN2DFormat.NCHW
                    && flat.getNumChannels() == channels) {
                per = (int) (flat.getInputHeight() * flat.getInputWidth());
            } else if (pre != null) {
                fix(in, "they reach " + node.name() + " through a " + pre.getClass().getSimpleName());
                return;
            }
            if (channels < 0 || inputs != channels * per) {
                fix(in, node.name() + " reads " + inputs + " inputs, which the analysis cannot map to channels");
                return;
            }
            long offset = 0;
            for (Space s : in) {
                Space r = s.root();
                r.consumers.add(new ChannelSlice(node.key("W"), axis, offset * per, per));
                r.consumerLayers.add(node.name());
                offset += r.size;
            }
        }

        /** Registers a per-channel layer's parameters (batch normalisation's four) as followers of its input spaces. */
        private void follow(NetNode node, List<Space> in) {
            long channels = channels(in);
            for (Map.Entry<String, INDArray> p : node.params().entrySet()) {
                INDArray a = p.getValue();
                if (channels < 0 || a.size(a.rank() - 1) != channels) {
                    fix(in, "parameter " + p.getKey() + " of " + node.name() + " does not follow their channels");
                    return;
                }
            }
            long offset = 0;
            for (Space s : in) {
                Space r = s.root();
                for (Map.Entry<String, INDArray> p : node.params().entrySet()) {
                    r.followers.add(new ChannelSlice(node.key(p.getKey()), p.getValue().rank() - 1, offset, 1));
                }
                offset += r.size;
            }
        }

        /** A node the analysis does not see through: what it reads and what it produces stay whole. */
        private List<Space> opaque(NetNode node, List<Space> in, String what) {
            fix(in, "they reach " + what + ", which channel pruning does not handle");
            long size = node.layer() instanceof FeedForwardLayer ff && ff.getNOut() > 0 ? ff.getNOut() : -1;
            return List.of(newSpace(node.name(), size, "they come from " + what + ", which channel pruning does not handle"));
        }

        private Space newSpace(String origin, long size, String fixedBecause) {
            Space s = new Space(spaces.size(), origin, size);
            s.fixed = fixedBecause;
            spaces.add(s);
            return s;
        }

        /** Merges two spaces into the older one, so a group is named after its first producer. */
        private static void union(Space a, Space b) {
            Space ra = a.root();
            Space rb = b.root();
            if (ra == rb) {
                return;
            }
            if (rb.id < ra.id) {
                Space t = ra;
                ra = rb;
                rb = t;
            }
            rb.parent = ra;
            ra.size = Math.max(ra.size, rb.size);
            ra.fixed = ra.fixed != null ? ra.fixed : rb.fixed;
            ra.producers.addAll(rb.producers);
            ra.followers.addAll(rb.followers);
            ra.consumers.addAll(rb.consumers);
            ra.producerLayers.addAll(rb.producerLayers);
            ra.consumerLayers.addAll(rb.consumerLayers);
        }

        /** Whether two spaces can line up: equal sizes, or one unknown (a network input, which is fixed anyway). */
        private static boolean sameSize(Space a, Space b) {
            return a.size == b.size || a.size < 0 || b.size < 0;
        }

        /** Marks spaces as fixed; the first reason found is the one reported. */
        private static void fix(List<Space> in, String reason) {
            for (Space s : in) {
                Space r = s.root();
                if (r.fixed == null) {
                    r.fixed = reason;
                }
            }
        }

        /** Total channels of the spaces, -1 if any count is unknown. */
        private static long channels(List<Space> in) {
            long total = 0;
            for (Space s : in) {
                long n = s.root().size;
                if (n < 0) {
                    return -1;
                }
                total += n;
            }
            return total;
        }

        String describe() {
            StringBuilder out = new StringBuilder();
            out.append("channel groups: ").append(groups.size()).append('\n');
            for (ChannelGroup g : groups) {
                out.append("  ").append(g.name()).append(": ").append(g.size()).append(" channels\n");
                out.append("    producers: ").append(slices(g.producers())).append('\n');
                if (!g.followers().isEmpty()) {
                    out.append("    followers: ").append(slices(g.followers())).append('\n');
                }
                out.append("    consumers: ").append(slices(g.consumers())).append('\n');
            }
            out.append("not prunable:\n");
            for (Space s : fixed) {
                out.append("  ").append(s.name());
                if (s.size >= 0) {
                    out.append(" (").append(s.size).append(" channels)");
                }
                out.append(": ").append(s.fixed).append('\n');
            }
            return out.toString();
        }

        private static String slices(List<ChannelSlice> slices) {
            return String.join(", ", slices.stream().map(s -> s.key() + " axis " + s.axis()
                    + (s.offset() > 0 ? " from " + s.offset() : "")
                    + (s.perChannel() > 1 ? " x" + s.perChannel() + " a channel" : "")).toList());
        }
    }

    private static String label(NetNode node) {
        Object conf = node.layer() != null ? node.layer() : node.vertex();
        return node.name() + " (" + conf.getClass().getSimpleName() + ")";
    }

    /**
     * Weight layers whose arrays have the documented shapes and whose units are independent of
     * each other: dense (without layer normalisation, which mixes units), NCHW 2D convolution, and
     * as a consumer only, the output layer.
     */
    private static boolean plain(Layer layer, boolean asConsumer) {
        if (layer instanceof ConvolutionLayer conv) {
            return layer.getClass() == ConvolutionLayer.class && conv.getCnn2dDataFormat() == CNN2DFormat.NCHW;
        }
        return layer instanceof DenseLayer dense ? !dense.hasLayerNorm()
                : asConsumer && layer.getClass() == OutputLayer.class;
    }

    /** Layers that treat every channel on its own, so channel c stays channel c. */
    private static boolean perChannel(Layer layer) {
        if (layer instanceof SubsamplingLayer pool) {
            return pool.getCnn2dDataFormat() == CNN2DFormat.NCHW;
        }
        if (layer instanceof BatchNormalization bn) {
            return bn.getCnn2DFormat() == CNN2DFormat.NCHW;
        }
        if (layer instanceof GlobalPoolingLayer global) {
            int[] dims = global.getPoolingDimensions();
            return dims == null || IntStream.of(dims).noneMatch(d -> d == 1);
        }
        return layer instanceof ActivationLayer || layer instanceof DropoutLayer;
    }

    /** The weight array's axis that indexes output units: convolution filters {@code [nOut, nIn, kH, kW]}, dense columns. */
    private static int unitAxis(Layer layer) {
        return layer instanceof ConvolutionLayer ? 0 : 1;
    }

    private static int inputAxis(Layer layer) {
        return layer instanceof ConvolutionLayer ? 1 : 0;
    }
}
