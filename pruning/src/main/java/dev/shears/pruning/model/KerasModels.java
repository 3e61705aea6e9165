package dev.shears.pruning.model;

import dev.shears.pruning.BadInputException;
import dev.shears.pruning.data.HadoopFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;

/**
 * Keras models saved by Keras 2 / tf.keras as one HDF5 file ({@code model.save('model.h5')}), imported with
 * DL4J's Keras import: a Sequential model becomes a {@link KerasClassifier} network, a functional one a
 * {@link KerasClassifier} ComputationGraph, images channels-first ({@link ChannelsFirst}). A layer Shears does not
 * import is refused by name before DL4J reads the weights ({@link KerasConfig}). The Keras 3 {@code .keras} archive
 * and the TensorFlow SavedModel folder are refused by name, as DL4J 1.0.0-M2 reads neither.
 */
public final class KerasModels {

    /** What to do instead, said with every refusal. */
    static final String HOW = "save the model with model.save('model.h5') from Keras 2 / tf.keras (HDF5 format)";
    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    private static final byte[] ZIP_SIGNATURE = {'P', 'K', 3, 4};
    /** Root attribute holding the architecture as JSON; an HDF5 file without it is not a whole Keras model. */
    private static final String MODEL_CONFIG = "model_config";
    private static final String KERAS_VERSION = "keras_version";

    private KerasModels() {
    }

    public static boolean isHdf5(byte[] bytes) {
        return startsWith(bytes, HDF5_SIGNATURE);
    }

    /** Refuses a TensorFlow SavedModel folder (it holds saved_model.pb), which is no file to import. */
    public static void refuseSavedModel(String location) {
        if (HadoopFiles.exists(HadoopFiles.join(location, "saved_model.pb"))) {
            throw new BadInputException(location + ": a TensorFlow SavedModel folder, which Shears cannot import; " + HOW);
        }
    }

    /** Refuses a Keras 3 {@code .keras} archive: a zip holding config.json and model.weights.h5. */
    public static void refuseKeras3(String location, byte[] bytes) {
        if (startsWith(bytes, ZIP_SIGNATURE) && zipEntries(bytes).containsAll(Set.of("config.json", "model.weights.h5"))) {
            throw new BadInputException(location + ": a Keras 3 .keras archive, which Shears cannot import; " + HOW);
        }
    }

    /**
     * Imports a Keras HDF5 model: a Sequential one as a MultiLayerNetwork, a functional one as a
     * ComputationGraph. DL4J's import reads only local files, so the bytes go through a temporary file.
     */
    public static Model load(String location, byte[] bytes) {
        Path temp = null;
        try {
            temp = Files.createTempFile("shears-keras-", ".h5");
            Files.write(temp, bytes);
            String file = temp.toString();
            // HDF5 prints its own error stack on stderr for a damaged file; the exception says it in one line
            org.bytedeco.hdf5.Exception.dontPrint();
            KerasConfig config = modelConfig(location, file);
            String kind = config.kind();
            if (!kind.equals("Sequential") && !kind.equals("Model") && !kind.equals("Functional")) {
                throw new BadInputException(location + ": a Keras model of class '" + kind
                        + "', not Sequential or functional (Model)");
            }
            config.check(location);
            // the training configuration is not read: fine-tuning uses Shears's own optimizer and loss
            return kind.equals("Sequential")
                    ? KerasClassifier.of(location, KerasModelImport.importKerasSequentialModelAndWeights(file, false),
                            config.image())
                    : KerasClassifier.of(location, KerasModelImport.importKerasModelAndWeights(file, false),
                            config.image());
        } catch (BadInputException e) {
            throw e;
        } catch (IOException | InvalidKerasConfigurationException | UnsupportedKerasConfigurationException
                 | RuntimeException e) {
            throw new BadInputException(location + ": cannot be imported as a Keras model: " + oneLine(e), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** The HDF5 file's model_config attribute, once the file is known to be Keras 2's. */
    private static KerasConfig modelConfig(String location, String file) throws InvalidKerasConfigurationException,
            UnsupportedKerasConfigurationException, IOException {
        try (Hdf5Archive archive = new Hdf5Archive(file)) {
            if (!archive.hasAttribute(MODEL_CONFIG)) {
                throw new BadInputException(location + ": an HDF5 file without a Keras model_config (not a Keras "
                        + "model, or weights only from save_weights); " + HOW);
            }
            // DL4J 1.0.0-M2 reads Keras 1 and 2 only; Keras 3 writes this layout too when asked for .h5
            String version = archive.hasAttribute(KERAS_VERSION)
                    ? archive.readAttributeAsString(KERAS_VERSION).trim() : "";
            if (!version.isEmpty() && version.charAt(0) != '1' && version.charAt(0) != '2') {
                throw new BadInputException(location + ": written by Keras " + version
                        + ", which Shears cannot import; " + HOW);
            }
            return KerasConfig.of(archive.readAttributeAsJson(MODEL_CONFIG));
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> zipEntries(byte[] bytes) {
        Set<String> names = new HashSet<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                names.add(e.getName());
            }
        } catch (IOException e) {
            // a damaged zip is left to the DL4J reader, whose message names the file
        }
        return names;
    }

    /** DL4J's messages may span lines; a bad-input message is one line. */
    private static String oneLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        // DL4J asks for an issue to be filed about what it does not support: not for the user of Shears
        return message.replaceAll("\\s*\\R\\s*", " ").replaceAll(" ?Please file an issue at \\S+", "").trim();
    }

    private static void deleteQuietly(Path temp) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            temp.toFile().deleteOnExit();
        }
    }
}
