package dev.shears.pruning.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.shears.pruning.BadInputException;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The model_config checks made before DL4J imports a Keras model: what Shears could not convert is refused by name. */
class KerasConfigTest {

    /** A Keras layer entry; {@code inbound} names the layers it reads in a functional model (null in a Sequential one). */
    private static String layer(String type, String name, String config, List<String> inbound) {
        String nodes = inbound == null ? "" : ", \"inbound_nodes\": [" + (inbound.isEmpty() ? "" : "["
                + inbound.stream().map(i -> "[\"" + i + "\", 0, 0, {}]").collect(Collectors.joining(", ")) + "]") + "]";
        return "{\"class_name\": \"" + type + "\", \"config\": {\"name\": \"" + name + "\"" + config + "}" + nodes + "}";
    }

    private static String input(String shape, boolean functional) {
        return layer("InputLayer", "input_1", ", \"batch_input_shape\": [null, " + shape + "]", functional ? List.of() : null);
    }

    private static KerasConfig sequential(String... layers) throws Exception {
        return KerasConfig.of("{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": ["
                + String.join(", ", layers) + "]}}");
    }

    private static KerasConfig functional(String... layers) throws Exception {
        return KerasConfig.of("{\"class_name\": \"Functional\", \"config\": {\"name\": \"m\", \"layers\": ["
                + String.join(", ", layers) + "]}}");
    }

    private static String refusal(KerasConfig config) {
        return assertThrows(BadInputException.class, () -> config.check("model.h5")).getMessage();
    }

    @Test
    void theInputIsImagesWhenItHasHeightWidthAndChannels() throws Exception {
        assertArrayEquals(new long[] {28, 28, 1}, sequential(input("28, 28, 1", false)).image());
        assertNull(sequential(input("16", false)).image());
    }

    static Stream<Arguments> refused() throws Exception {
        String conv = ", \"data_format\": \"channels_last\"";
        return Stream.of(
                Arguments.of(sequential(input("8, 8, 1", false), layer("Conv2D", "conv2d", ", \"data_format\": \"channels_first\"", null)),
                        "model.h5: layer conv2d (Conv2D) is channels_first; Shears imports channels_last models (Keras's default)"),
                Arguments.of(sequential(input("8, 8, 1", false), layer("Conv2D", "conv2d", conv, null), layer("Dense", "dense", "", null)),
                        "model.h5: layer dense (Dense) reads images without a Flatten or global pooling before it, "
                                + "which Shears does not import"),
                Arguments.of(sequential(input("8, 8, 1", false), layer("Flatten", "flatten", conv, null),
                        layer("Dropout", "dropout", "", null), layer("Dense", "dense", "", null)),
                        "model.h5: layer dropout (Dropout) reads the Flatten flatten; Shears imports a Flatten of images "
                                + "that Dense layers read (a Dropout or Activation goes before the Flatten)"),
                Arguments.of(functional(input("8, 8, 1", true), layer("Conv2D", "conv2d", conv, List.of("input_1")),
                        layer("Add", "add", "", List.of("input_1", "conv2d"))),
                        "model.h5: layer add (Add) reads the input images; Shears imports models whose input images go to layers"),
                Arguments.of(sequential(input("null, null, 3", false)),
                        "model.h5: the model reads inputs of shape [null, null, 3]; Shears imports models whose input has a fixed size"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void whatCouldNotBeConvertedIsRefusedByName(KerasConfig config, String message) {
        assertEquals(message, refusal(config));
    }

    /** The same layers are fine where they read flat features: a dropout after a flatten of features, an Add of the input. */
    @Test
    void flatFeaturesPassThroughAnyOrder() throws Exception {
        sequential(input("16", false), layer("Flatten", "flatten", "", null), layer("Dropout", "dropout", "", null),
                layer("Dense", "dense", "", null)).check("model.h5");
        functional(input("16", true), layer("Dense", "dense", "", List.of("input_1")),
                layer("Add", "add", "", List.of("input_1", "dense"))).check("model.h5");
    }
}
