package dev.shears.pruning.model;

import dev.shears.pruning.BadInputException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasModelUtils;

/**
 * The architecture a Keras HDF5 file holds (its model_config), read before DL4J imports the model: the model's
 * class, the shape of its input, and whether Shears imports every layer. DL4J imports more than Shears can
 * make into a channels-first network ({@link ChannelsFirst}): Conv2DTranspose, Reshape or a channels-last
 * Concatenate would import, then compute something else than in Keras once converted, or stay opaque to
 * pruning; so a model holding one is refused here, naming the layer.
 */
final class KerasConfig {

    /** The Keras layers Shears imports: those {@link ChannelsFirst} converts and pruning sees through. */
    static final List<String> SUPPORTED = List.of("InputLayer", "Dense", "Conv2D", "MaxPooling2D", "AveragePooling2D",
            "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Flatten", "BatchNormalization", "Activation", "Dropout",
            "Add");
    /** Layers whose output is no longer images. */
    private static final Set<String> FLATTENING = Set.of("Flatten", "GlobalAveragePooling2D", "GlobalMaxPooling2D");

    private final String kind;
    private final List<Map<String, Object>> layers;

    private KerasConfig(String kind, List<Map<String, Object>> layers) {
        this.kind = kind;
        this.layers = layers;
    }

    @SuppressWarnings("unchecked")
    static KerasConfig of(String json) throws IOException {
        Map<String, Object> config = KerasModelUtils.parseJsonString(json);
        Object inner = config.get("config");
        // Sequential models of early Keras 2 releases keep the layer list as the whole config
        Object layers = inner instanceof Map<?, ?> m ? m.get("layers") : inner;
        return new KerasConfig(String.valueOf(config.get("class_name")),
                layers instanceof List<?> list ? (List<Map<String, Object>>) list : List.of());
    }

    /** The model's Keras class: Sequential, or Model / Functional. */
    String kind() {
        return kind;
    }

    /**
     * Height, width and channels of the images the model reads (its input is channels-last, Keras's default),
     * or null when it reads flat rows of features.
     */
    long[] image() {
        List<?> shape = inputShape();
        if (shape == null || shape.size() != 4) {
            return null;
        }
        return new long[] {((Number) shape.get(1)).longValue(), ((Number) shape.get(2)).longValue(),
                ((Number) shape.get(3)).longValue()};
    }

    /** The first layer's batch_input_shape ({@code [None, ...]}): an InputLayer's, or that of a Sequential model's first layer. */
    private List<?> inputShape() {
        for (Map<String, Object> layer : layers) {
            if (config(layer).get("batch_input_shape") instanceof List<?> shape) {
                return shape;
            }
        }
        return null;
    }

    /**
     * Refuses the first layer Shears does not import, naming it and its class: a layer of another class than
     * {@link #SUPPORTED}; a channels_first one; a Dense layer reading images without a flatten (Keras applies it
     * to every pixel, DL4J's import to the whole image); another layer than Dense reading a Flatten of images,
     * whose order the conversion must give the dense weights; an Add reading the input images, which reach only
     * layers once flat rows. An image input without a fixed height and width is refused too.
     */
    void check(String location) {
        List<?> shape = inputShape();
        if (shape != null && shape.stream().skip(1).anyMatch(d -> d == null)) {
            throw new BadInputException(location + ": the model reads inputs of shape " + shape.subList(1, shape.size())
                    + "; Shears imports models whose input has a fixed size");
        }
        boolean imageInput = image() != null;
        Map<String, Boolean> images = new HashMap<>();
        Set<String> flattens = new HashSet<>();
        Set<String> inputLayers = new HashSet<>();
        String previous = null;
        for (Map<String, Object> layer : layers) {
            String type = String.valueOf(layer.get("class_name"));
            String name = String.valueOf(config(layer).get("name"));
            String label = location + ": layer " + name + " (" + type + ")";
            if (!SUPPORTED.contains(type)) {
                throw new BadInputException(label + " is not supported; Shears imports Keras models of "
                        + String.join(", ", SUPPORTED) + " layers, images channels_last");
            }
            if ("channels_first".equals(config(layer).get("data_format"))) {
                throw new BadInputException(label + " is channels_first; Shears imports channels_last models (Keras's default)");
            }
            List<String> inputs = layer.containsKey("inbound_nodes") ? inbound(layer)
                    : previous == null ? List.of() : List.of(previous);
            boolean readsImages = inputs.isEmpty() ? imageInput : inputs.stream().anyMatch(i -> images.getOrDefault(i, false));
            if (readsImages && type.equals("Dense")) {
                throw new BadInputException(label + " reads images without a Flatten or global pooling before it, "
                        + "which Shears does not import");
            }
            for (String input : inputs) {
                if (flattens.contains(input) && !type.equals("Dense")) {
                    throw new BadInputException(label + " reads the Flatten " + input + "; Shears imports a Flatten of "
                            + "images that Dense layers read (a Dropout or Activation goes before the Flatten)");
                }
                if (inputLayers.contains(input) && readsImages && type.equals("Add")) {
                    throw new BadInputException(label + " reads the input images; Shears imports models whose input "
                            + "images go to layers");
                }
            }
            if (type.equals("Flatten") && readsImages) {
                flattens.add(name);
            }
            if (type.equals("InputLayer")) {
                inputLayers.add(name);
            }
            images.put(name, readsImages && !FLATTENING.contains(type));
            previous = name;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> config(Map<String, Object> layer) {
        return layer.get("config") instanceof Map<?, ?> c ? (Map<String, Object>) c : Map.of();
    }

    /** The names of the layers a functional model's layer reads: {@code [[[name, node, tensor, kwargs], ...], ...]}. */
    private static List<String> inbound(Map<String, Object> layer) {
        List<String> names = new ArrayList<>();
        if (layer.get("inbound_nodes") instanceof List<?> nodes) {
            for (Object node : nodes) {
                if (node instanceof List<?> tensors) {
                    for (Object tensor : tensors) {
                        if (tensor instanceof List<?> t && !t.isEmpty()) {
                            names.add(String.valueOf(t.get(0)));
                        }
                    }
                }
            }
        }
        return names;
    }
}
