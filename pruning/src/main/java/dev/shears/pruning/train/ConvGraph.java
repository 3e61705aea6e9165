package dev.shears.pruning.train;

import dev.shears.pruning.model.Network;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * A convolutional network as {@link ConvNet} runs it: its layers and vertices in the order the
 * forward pass runs them, each with the nodes that feed it and the shape it puts out, for a layer
 * chain and a computation graph alike; or why it cannot be run so. Accepted: a flat image input
 * ({@code InputType.convolutionalFlat}, NCHW), 2D convolutions, max and average pooling, batch
 * normalisation (DL4J's default: running mean and log10 deviation, learnt scale and shift),
 * activation layers, global pooling, element-wise additions and channel concatenations, dense layers,
 * and one softmax cross-entropy output at the end.
 */
final class ConvGraph {

    /**
     * A layer (its configuration) or a vertex of the network; {@code inputs} are indices of earlier nodes, -1
     * the network's input; {@code out} the shape it puts out for {@code rows} rows (global pooling's as 4D,
     * {@code rows x channels x 1 x 1}, which is the same memory as DL4J's 2D).
     */
    record Node(String name, Object conf, int[] inputs, long[] out) {
    }

    final List<Node> nodes;
    /** The input's channels, height and width. */
    final long[] input;
    final String unsupported;

    private ConvGraph(List<Node> nodes, long[] input, String unsupported) {
        this.nodes = nodes;
        this.input = input;
        this.unsupported = unsupported;
    }

    static ConvGraph of(Network net, int rows) {
        try {
            return net.chain().isPresent() ? chain(net.chain().get(), rows)
                    : graph((org.deeplearning4j.nn.graph.ComputationGraph) net.model(), rows);
        } catch (Unsupported e) {
            return new ConvGraph(List.of(), null, e.getMessage());
        }
    }

    /** Why a network cannot be run this way. */
    private static final class Unsupported extends RuntimeException {
        Unsupported(String why) {
            super(why, null, false, false);
        }
    }

    private static ConvGraph chain(MultiLayerNetwork net, int rows) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        long[] input = imageInput(conf.getInputPreProcess(0));
        List<InputType> types = conf.getLayerActivationTypes(InputType.convolutionalFlat(input[1], input[2], input[0]));
        List<Node> nodes = new ArrayList<>();
        for (int l = 0; l < net.getnLayers(); l++) {
            Layer layer = net.getLayer(l).conf().getLayer();
            String name = String.valueOf(l);
            check(name, net.getLayer(l).conf(), l == 0 ? null : conf.getInputPreProcess(l), l == 0 ? 4 : nodes.get(l - 1).out.length);
            nodes.add(new Node(name, layer, new int[] {l - 1}, dims(layer, types.get(l), rows)));
        }
        checkOutput(nodes);
        return new ConvGraph(nodes, input, null);
    }

    private static ConvGraph graph(org.deeplearning4j.nn.graph.ComputationGraph net, int rows) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        String inputName = conf.getNetworkInputs().get(0);
        long[] input = null;
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            if (e.getValue().contains(inputName)) {
                GraphVertex v = conf.getVertices().get(e.getKey());
                long[] in = imageInput(v instanceof LayerVertex lv ? lv.getPreProcessor() : null);
                if (input != null && !java.util.Arrays.equals(input, in)) {
                    throw new Unsupported("layers read the input as images of different shapes");
                }
                input = in;
            }
        }
        Map<String, InputType> types = conf.getLayerActivationTypes(true,
                InputType.convolutionalFlat(input[1], input[2], input[0]));
        Map<String, Integer> index = new HashMap<>();
        index.put(inputName, -1);
        List<Node> nodes = new ArrayList<>();
        for (String name : conf.getTopologicalOrderStr()) {
            if (name.equals(inputName)) {
                continue;
            }
            List<String> from = conf.getVertexInputs().get(name);
            int[] inputs = from.stream().mapToInt(index::get).toArray();
            int rank = inputs[0] < 0 ? 4 : nodes.get(inputs[0]).out.length;
            GraphVertex v = conf.getVertices().get(name);
            Object nodeConf;
            if (v instanceof LayerVertex lv) {
                check(name, lv.getLayerConf(), inputs[0] < 0 ? null : lv.getPreProcessor(), rank);
                nodeConf = lv.getLayerConf().getLayer();
            } else if (v instanceof ElementWiseVertex add && add.getOp() == ElementWiseVertex.Op.Add) {
                nodeConf = v;
            } else if (v instanceof MergeVertex merge && merge.getMergeAxis() == 1 && rank == 4) {
                nodeConf = v;
            } else {
                throw new Unsupported("vertex " + name + ": " + v.getClass().getSimpleName());
            }
            for (int i : inputs) {
                if (i >= 0 && nodes.get(i).out.length != rank) {
                    throw new Unsupported("vertex " + name + ": inputs of different ranks");
                }
            }
            index.put(name, nodes.size());
            nodes.add(new Node(name, nodeConf, inputs, dims(nodeConf, types.get(name), rows)));
        }
        if (conf.getNetworkOutputs().size() != 1 || !conf.getNetworkOutputs().get(0).equals(nodes.get(nodes.size() - 1).name)) {
            throw new Unsupported("the output is not the last vertex");
        }
        checkOutput(nodes);
        return new ConvGraph(nodes, input, null);
    }

    /** Channels, height and width of the flat image rows a first layer reads. */
    private static long[] imageInput(InputPreProcessor pre) {
        if (!(pre instanceof FeedForwardToCnnPreProcessor in)) {
            throw new Unsupported("the input is not a flat image (InputType.convolutionalFlat)");
        }
        return new long[] {in.getNumChannels(), in.getInputHeight(), in.getInputWidth()};
    }

    private static void checkOutput(List<Node> nodes) {
        for (int i = 0; i < nodes.size(); i++) {
            boolean last = i == nodes.size() - 1;
            if ((nodes.get(i).conf instanceof OutputLayer) != last) {
                throw new Unsupported(last ? "the last layer is not an OutputLayer" : "an output layer before the last");
            }
        }
    }

    /** A layer the passes run as DL4J would, given the preprocessor before it and the rank of what it reads. */
    private static void check(String name, NeuralNetConfiguration conf, InputPreProcessor pre, int rank) {
        Layer layer = conf.getLayer();
        String why = null;
        boolean dense = layer.getClass() == DenseLayer.class || layer.getClass() == OutputLayer.class;
        if (pre != null && !(dense && rank == 4 && pre instanceof CnnToFeedForwardPreProcessor p && p.getFormat() == CNN2DFormat.NCHW)) {
            why = "an input preprocessor " + pre.getClass().getSimpleName();
        } else if (layer.getClass() == ConvolutionLayer.class || layer.getClass() == SubsamplingLayer.class) {
            why = rank != 4 ? "a 2D layer after a dense one" : window(layer);
        } else if (dense) {
            why = dense(layer);
        } else if (layer.getClass() == BatchNormalization.class) {
            BatchNormalization bn = (BatchNormalization) layer;
            why = rank != 4 || bn.getCnn2DFormat() != CNN2DFormat.NCHW ? "batch normalisation of other than NCHW images"
                    : !bn.isUseLogStd() || bn.isLockGammaBeta() || !bn.isMinibatch()
                    ? "batch normalisation without DL4J's defaults (log deviation, learnt scale and shift, mini-batches)" : null;
        } else if (layer.getClass() == ActivationLayer.class) {
            why = ConvNet.activation(((ActivationLayer) layer).getActivationFn()) == null
                    ? "activation " + ((ActivationLayer) layer).getActivationFn() : null;
        } else if (layer.getClass() == GlobalPoolingLayer.class) {
            GlobalPoolingLayer g = (GlobalPoolingLayer) layer;
            why = rank != 4 || !g.isCollapseDimensions() || g.getPoolingType() != PoolingType.AVG && g.getPoolingType() != PoolingType.MAX
                    || g.getPoolingDimensions() != null && !java.util.Arrays.equals(g.getPoolingDimensions(), new int[] {2, 3})
                    ? "global pooling other than average or max over an image's rows and columns" : null;
        } else {
            why = layer.getClass().getSimpleName();
        }
        if (why == null) {
            why = ParamUpdate.unsupported(conf);
        }
        if (why != null) {
            throw new Unsupported("layer " + name + ": " + why);
        }
    }

    private static String dense(Layer layer) {
        if (layer instanceof OutputLayer out) {
            if (!(out.getActivationFn() instanceof ActivationSoftmax) || !(out.getLossFn() instanceof LossMCXENT loss)
                    || loss.getWeights() != null) {
                return "an output other than softmax with unweighted multi-class cross-entropy";
            }
            return out.hasBias() ? null : "no bias";
        }
        DenseLayer d = (DenseLayer) layer;
        if (ConvNet.activation(d.getActivationFn()) == null) {
            return "activation " + d.getActivationFn();
        }
        return !d.hasBias() || d.hasLayerNorm() ? "no bias, or layer normalisation" : null;
    }

    private static String window(Layer layer) {
        int[] dilation;
        ConvolutionMode mode;
        CNN2DFormat format;
        if (layer instanceof ConvolutionLayer conv) {
            if (ConvNet.activation(conv.getActivationFn()) == null) {
                return "activation " + conv.getActivationFn();
            }
            dilation = conv.getDilation();
            mode = conv.getConvolutionMode();
            format = conv.getCnn2dDataFormat();
        } else {
            SubsamplingLayer pool = (SubsamplingLayer) layer;
            if (pool.getPoolingType() != PoolingType.MAX && pool.getPoolingType() != PoolingType.AVG) {
                return "pooling " + pool.getPoolingType();
            }
            dilation = pool.getDilation();
            mode = pool.getConvolutionMode();
            format = pool.getCnn2dDataFormat();
        }
        if (dilation[0] != 1 || dilation[1] != 1) {
            return "dilation";
        }
        if (mode != ConvolutionMode.Truncate && mode != ConvolutionMode.Same && mode != ConvolutionMode.Strict) {
            return "convolution mode " + mode;
        }
        return format == CNN2DFormat.NCHW ? null : "data format " + format;
    }

    /** The shape a node puts out for {@code rows} rows: NCHW for images, global pooling's as rows x channels x 1 x 1. */
    private static long[] dims(Object conf, InputType type, int rows) {
        if (type instanceof InputType.InputTypeConvolutional c) {
            return new long[] {rows, c.getChannels(), c.getHeight(), c.getWidth()};
        }
        long size = ((InputType.InputTypeFeedForward) type).getSize();
        return conf instanceof GlobalPoolingLayer ? new long[] {rows, size, 1, 1} : new long[] {rows, size};
    }
}
