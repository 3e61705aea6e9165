package dev.shears.pruning.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer with a weight array that pruning may touch.
 *
 * @param index  the layer's position: its index in a chain, its place among layers in topological order in a graph
 * @param key    what DL4J's parameter keys start with: the layer index in a chain, the vertex name in a graph
 * @param name   the layer's configured name, or its index when it has none
 * @param kind   what the weight array is: dense {@code [nIn, nOut]} or convolution {@code [nOut, nIn, kH, kW]}
 * @param output true for the network's last layer, which pruning keeps by default
 */
public record PrunableLayer(int index, String key, String name, Kind kind, boolean output) {

    public enum Kind { DENSE, CONVOLUTION }

    public String weightKey() {
        return key + "_W";
    }

    public String biasKey() {
        return key + "_b";
    }

    /** The live weight array (a view: writing to it changes the network). */
    public INDArray weights(Network net) {
        return net.getParam(weightKey());
    }

    public boolean hasBias(Network net) {
        return net.layerParams(key).containsKey("b");
    }

    /** The weight array's axis that indexes output units: dense columns, convolution filters. */
    public int unitAxis() {
        return kind == Kind.DENSE ? 1 : 0;
    }

    /** The weight array's axis that indexes inputs: dense rows, convolution input channels. */
    public int inputAxis() {
        return kind == Kind.DENSE ? 0 : 1;
    }

    /** Output units: dense columns or convolution filters. */
    public long units(Network net) {
        return weights(net).size(unitAxis());
    }

    /** Inputs: dense rows or convolution input channels. */
    public long inputs(Network net) {
        return weights(net).size(inputAxis());
    }
}
