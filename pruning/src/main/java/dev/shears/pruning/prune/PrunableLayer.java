package dev.shears.pruning.prune;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A layer with a weight array that pruning may touch.
 *
 * @param index  position in the network (DL4J's parameter keys are {@code index_W})
 * @param name   the layer's configured name, or its index when it has none
 * @param kind   what the weight array is: dense {@code [nIn, nOut]} or convolution {@code [nOut, nIn, kH, kW]}
 * @param output true for the network's last layer, which pruning keeps by default
 */
public record PrunableLayer(int index, String name, Kind kind, boolean output) {

    public enum Kind { DENSE, CONVOLUTION }

    public String weightKey() {
        return index + "_W";
    }

    public String biasKey() {
        return index + "_b";
    }

    /** The live weight array (a view: writing to it changes the network). */
    public INDArray weights(MultiLayerNetwork net) {
        return net.getParam(weightKey());
    }

    public boolean hasBias(MultiLayerNetwork net) {
        Layer layer = net.getLayer(index);
        return layer.paramTable().containsKey("b");
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
    public long units(MultiLayerNetwork net) {
        return weights(net).size(unitAxis());
    }

    /** Inputs: dense rows or convolution input channels. */
    public long inputs(MultiLayerNetwork net) {
        return weights(net).size(inputAxis());
    }
}
