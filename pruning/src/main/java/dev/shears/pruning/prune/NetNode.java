package dev.shears.pruning.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One node of a network as the channel analysis sees it, whatever the network type: a chain is a
 * graph whose nodes each read the one before. A node is a network input (no layer, no vertex), a
 * layer (with the preprocessor in front of it, if any) or another graph vertex.
 *
 * @param id       what other nodes' {@code inputs} name, and the prefix of the node's parameter keys
 *                 ({@code id + "_W"}): the index in a chain, the vertex name in a graph
 * @param name     the name users know the node by (a chain layer's configured name, else its index)
 * @param inputs   ids of the nodes it reads, in order
 * @param params   the layer's parameters by their short name ({@code W}, {@code b}, {@code gamma}...)
 * @param output   whether the node's output is a network output
 */
record NetNode(String id, String name, List<String> inputs, Layer layer, GraphVertex vertex,
               InputPreProcessor preProcessor, Map<String, INDArray> params, boolean output) {

    /** The id of a chain's input, which no layer index can take. */
    static final String CHAIN_INPUT = "input";

    boolean isInput() {
        return layer == null && vertex == null;
    }

    /** The full DL4J key of one of the node's parameters. */
    String key(String param) {
        return id + "_" + param;
    }

    /** The nodes of a chain in order, after a node for its input. */
    static List<NetNode> of(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        List<NetNode> nodes = new ArrayList<>();
        nodes.add(new NetNode(CHAIN_INPUT, CHAIN_INPUT, List.of(), null, null, null, Map.of(), false));
        int n = net.getnLayers();
        for (int i = 0; i < n; i++) {
            Layer layer = net.getLayer(i).conf().getLayer();
            String name = layer.getLayerName() == null ? String.valueOf(i) : layer.getLayerName();
            nodes.add(new NetNode(String.valueOf(i), name, List.of(i == 0 ? CHAIN_INPUT : String.valueOf(i - 1)), layer,
                    null, conf.getInputPreProcess(i), net.getLayer(i).paramTable(), i == n - 1));
        }
        return nodes;
    }

    /** The vertices of a graph in topological order (every node after the nodes it reads). */
    static List<NetNode> of(ComputationGraph net) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        org.deeplearning4j.nn.graph.vertex.GraphVertex[] vertices = net.getVertices();
        List<NetNode> nodes = new ArrayList<>();
        for (int i : net.topologicalSortOrder()) {
            String name = vertices[i].getVertexName();
            boolean output = conf.getNetworkOutputs().contains(name);
            if (vertices[i].isInputVertex()) {
                nodes.add(new NetNode(name, name, List.of(), null, null, null, Map.of(), output));
                continue;
            }
            GraphVertex vertex = conf.getVertices().get(name);
            List<String> inputs = List.copyOf(conf.getVertexInputs().get(name));
            if (vertex instanceof LayerVertex lv) {
                nodes.add(new NetNode(name, name, inputs, lv.getLayerConf().getLayer(), null, lv.getPreProcessor(),
                        vertices[i].getLayer().paramTable(), output));
            } else {
                nodes.add(new NetNode(name, name, inputs, null, vertex, null, Map.of(), output));
            }
        }
        return nodes;
    }
}
