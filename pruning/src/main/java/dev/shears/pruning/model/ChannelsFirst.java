package dev.shears.pruning.model;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Makes an imported Keras image model an ordinary channels-first network, once, at import. Keras keeps images
 * channels-last (height, width, channels) and DL4J imports them so: NHWC layers, a flatten in (row, column,
 * channel) order. Shears' image rows are flat and channels-first (channel, row, column), as IDX images and
 * {@code data.shape} give them, and the channel analysis, the shrinker and the oneDNN path read NCHW networks,
 * as Shears builds them. Converted here, the imported network is one of those: every layer NCHW, the input read
 * through a {@code FeedForwardToCnnPreProcessor} as {@code InputType.convolutionalFlat} makes it, a flatten in
 * channel-major order; nothing downstream needs to know where it came from, and no pass pays for a transpose.
 * Convolution kernels stay as imported (DL4J keeps them [filters, channels, rows, columns] in both formats); only
 * the rows of a dense layer after a flatten move, to the order its new input has.
 */
final class ChannelsFirst {

    /** The images' height, width and channels before a flatten, keyed by the parameter key of the dense layer reading it. */
    private final Map<String, long[]> flattened = new HashMap<>();
    private final long[] image;

    /** @param image height, width and channels of the model's input images, or null for flat rows of features */
    private ChannelsFirst(long[] image) {
        this.image = image;
    }

    /** Converts the chain's configuration in place; {@link #reorder} then moves the imported weights to match. */
    static ChannelsFirst chain(MultiLayerConfiguration conf, long[] image) {
        ChannelsFirst c = new ChannelsFirst(image);
        Map<Integer, InputPreProcessor> pre = conf.getInputPreProcessors();
        for (int i = 0; i < conf.getConfs().size(); i++) {
            c.layer(conf.getConf(i).getLayer());
            InputPreProcessor p = c.preProcessor(String.valueOf(i), pre.get(i), i == 0);
            if (p == null) {
                pre.remove(i);
            } else {
                pre.put(i, p);
            }
        }
        return c;
    }

    /** The same for a graph: every layer vertex reading the network input gets it as a flat image row. */
    static ChannelsFirst graph(ComputationGraphConfiguration conf, long[] image) {
        ChannelsFirst c = new ChannelsFirst(image);
        foldFlattens(conf);
        String input = conf.getNetworkInputs().get(0);
        conf.getVertices().forEach((name, vertex) -> {
            if (vertex instanceof LayerVertex lv) {
                c.layer(lv.getLayerConf().getLayer());
                lv.setPreProcessor(c.preProcessor(name, lv.getPreProcessor(), conf.getVertexInputs().get(name).contains(input)));
            }
        });
        return c;
    }

    /**
     * DL4J imports a functional model's Flatten as a vertex of its own; the graphs Shears builds flatten in the
     * preprocessor of the dense layer that reads the images, which the channel analysis, the shrinker and the
     * oneDNN path see through. So the flatten moves into its readers ({@link KerasConfig} has made sure they are
     * dense layers).
     */
    private static void foldFlattens(ComputationGraphConfiguration conf) {
        for (String name : List.copyOf(conf.getVertices().keySet())) {
            if (conf.getVertices().get(name) instanceof PreprocessorVertex flatten
                    && flatten.getPreProcessor() instanceof CnnToFeedForwardPreProcessor) {
                conf.getVertexInputs().forEach((reader, inputs) -> {
                    if (inputs.contains(name)) {
                        ((LayerVertex) conf.getVertices().get(reader)).setPreProcessor(flatten.getPreProcessor().clone());
                    }
                });
                KerasClassifier.bypass(conf, name);
            }
        }
    }

    /** Image layers compute on NCHW; global pooling then pools rows and columns, axes 2 and 3 rather than 1 and 2. */
    private void layer(Layer layer) {
        if (layer instanceof ConvolutionLayer conv) {
            conv.setCnn2dDataFormat(CNN2DFormat.NCHW);
        } else if (layer instanceof SubsamplingLayer pool) {
            pool.setCnn2dDataFormat(CNN2DFormat.NCHW);
        } else if (layer instanceof BatchNormalization bn) {
            bn.setCnn2DFormat(CNN2DFormat.NCHW);
        } else if (layer instanceof GlobalPoolingLayer global && Arrays.equals(global.getPoolingDimensions(), new int[] {1, 2})) {
            global.setPoolingDimensions(new int[] {2, 3});
        }
    }

    /**
     * What a layer reads its input through once channels-first: a flatten flattens NCHW (and its reader's weight rows
     * are noted for {@link #reorder}); a layer reading the input images gets them from the flat row, which is
     * already what a flatten right after the input would make.
     */
    private InputPreProcessor preProcessor(String key, InputPreProcessor pre, boolean readsInput) {
        if (pre instanceof CnnToFeedForwardPreProcessor flat && flat.getFormat() == CNN2DFormat.NHWC) {
            flattened.put(key, new long[] {flat.getInputHeight(), flat.getInputWidth(), flat.getNumChannels()});
            return readsInput ? null : new CnnToFeedForwardPreProcessor(flat.getInputHeight(), flat.getInputWidth(),
                    flat.getNumChannels(), CNN2DFormat.NCHW);
        }
        if (readsInput && image != null) {
            return new FeedForwardToCnnPreProcessor(image[0], image[1], image[2]);
        }
        return pre;
    }

    /**
     * Puts the weight rows of every dense layer after a flatten in channel-major order: the row that read
     * (row h, column w, channel c) at {@code (h * width + w) * channels + c} reads it at {@code (c * height + h) * width + w}.
     */
    void reorder(Model net) {
        flattened.forEach((key, hwc) -> {
            long height = hwc[0];
            long width = hwc[1];
            long channels = hwc[2];
            int[] from = new int[Math.toIntExact(height * width * channels)];
            for (int row = 0; row < from.length; row++) {
                long c = row / (height * width);
                long h = row / width % height;
                long w = row % width;
                from[row] = Math.toIntExact((h * width + w) * channels + c);
            }
            INDArray weights = net.getParam(key + "_W");
            weights.assign(weights.getRows(from));
        });
    }
}
