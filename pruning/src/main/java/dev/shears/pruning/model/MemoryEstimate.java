package dev.shears.pruning.model;

import dev.shears.pruning.BadInputException;
import java.util.Locale;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;

/**
 * The native memory a network needs to be trained in a search, from its configuration alone (nothing is
 * allocated), against what this JVM may hold: a model far larger than memory is refused as bad input, naming
 * the setting that made it so, instead of failing inside ND4J (a native {@code std::bad_alloc}) after the data
 * was read.
 *
 * <p>The estimate is a floor: it counts only the copies of the parameters one fine-tuning holds natively
 * ({@link #COPIES}), not activations, the copies on the Java heap, other tasks' networks or the base network
 * beside them. What it refuses cannot run; what it passes may still not fit.
 */
public final class MemoryEstimate {

    /** Parameters are float32. */
    public static final int BYTES_PER_PARAMETER = Float.BYTES;
    /**
     * Copies of the parameters in native memory while a candidate fine-tunes: the parameters, their gradients,
     * Adam's two moments (the updater every network Shears builds uses) and the pruning mask.
     */
    public static final int COPIES = 5;
    /**
     * The most parameters a model can have here, whatever the memory: a model travels between the driver and
     * the tasks as one Java byte array (a model file, 4 bytes a parameter), and Java arrays end below 2^31
     * bytes (a megabyte is left for the configuration and the file's headers).
     */
    public static final long MAX_PARAMETERS = (Integer.MAX_VALUE - 8L - (1 << 20)) / BYTES_PER_PARAMETER;

    private static final double GB = 1L << 30;
    private static final double MB = 1L << 20;

    private MemoryEstimate() {
    }

    /** The parameters of a layer chain as DL4J will allocate them, counted from its layers' configurations. */
    public static long parameters(MultiLayerConfiguration conf) {
        long total = 0;
        for (NeuralNetConfiguration layer : conf.getConfs()) {
            total = Math.addExact(total, parameters(layer));
        }
        return total;
    }

    /** The parameters of a graph as DL4J will allocate them, counted from its layers' configurations. */
    public static long parameters(ComputationGraphConfiguration conf) {
        long total = 0;
        for (GraphVertex vertex : conf.getVertices().values()) {
            if (vertex instanceof LayerVertex layer) {
                total = Math.addExact(total, parameters(layer.getLayerConf()));
            }
        }
        return total;
    }

    private static long parameters(NeuralNetConfiguration layer) {
        return layer.getLayer().initializer().numParams(layer);
    }

    /** Native bytes a fine-tuning of a network of {@code parameters} parameters holds at least; saturates at Long.MAX_VALUE. */
    public static long bytes(long parameters) {
        long perCopy = (long) BYTES_PER_PARAMETER * COPIES;
        return parameters > Long.MAX_VALUE / perCopy ? Long.MAX_VALUE : parameters * perCopy;
    }

    /**
     * What this JVM may hold in native memory, what that limit is, and how to raise it.
     *
     * @param bytes     the limit; Long.MAX_VALUE when none is known
     * @param what      the limit in words, with its size
     * @param howToRaise what the user can do about it
     */
    public record Limit(long bytes, String what, String howToRaise) {

        /**
         * ND4J's arrays are allocated natively, and JavaCPP refuses a native allocation once the process's resident
         * memory passes {@code Pointer.maxPhysicalBytes()} (by default maxBytes plus three times the heap's maximum,
         * maxBytes being the heap's maximum unless set). ND4J's array buffers are not counted in JavaCPP's own
         * total, so {@code maxBytes} bounds them only through that default. Without a limit set, the machine's
         * memory is the limit.
         */
        public static Limit ofThisJvm() {
            long physical = Pointer.maxPhysicalBytes();
            long machine = Pointer.totalPhysicalBytes();
            if (physical > 0 && (machine <= 0 || physical < machine)) {
                return new Limit(physical, "the " + size(physical) + " this JVM may use (JavaCPP's maxPhysicalBytes)",
                        "raise it with -Dorg.bytedeco.javacpp.maxphysicalbytes=SIZE or -Dorg.bytedeco.javacpp.maxbytes=SIZE"
                                + " (for submit-scripts/shears, in SHEARS_JAVA_OPTS), or use a smaller model");
            }
            if (machine > 0) {
                return new Limit(machine, "this machine's " + size(machine) + " of memory", "use a smaller model");
            }
            return new Limit(Long.MAX_VALUE, "no known limit", "");
        }
    }

    /**
     * Refuses a network of {@code parameters} parameters that cannot be trained within {@code limit}, or that no
     * model file can hold.
     *
     * @param field the spec's setting that sized the network, named first in the message
     * @throws BadInputException saying what the network needs, what the limit is and how to raise it
     */
    public static void check(long parameters, Limit limit, String field) {
        long needed = bytes(parameters);
        if (needed > limit.bytes()) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "%s: the network has %,d parameters and needs at least %s of native memory to be fine-tuned "
                            + "(%d bytes x %d copies: parameters, gradients, Adam's two moments, the pruning mask), "
                            + "more than %s; %s",
                    field, parameters, size(needed), BYTES_PER_PARAMETER, COPIES, limit.what(), limit.howToRaise()));
        }
        if (parameters > MAX_PARAMETERS) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "%s: the network has %,d parameters, more than the %,d a model file can hold here (a model travels "
                            + "as one Java array of 4 bytes a parameter); use a smaller model",
                    field, parameters, MAX_PARAMETERS));
        }
    }

    /** A size in the units -Xmx and JavaCPP's settings read (1 GB = 2^30 bytes). */
    static String size(long bytes) {
        return bytes >= GB ? String.format(Locale.ROOT, "%.1f GB", bytes / GB)
                : String.format(Locale.ROOT, "%.1f MB", bytes / MB);
    }
}
