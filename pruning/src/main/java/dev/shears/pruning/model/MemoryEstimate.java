package dev.shears.pruning.model;

import dev.shears.pruning.BadInputException;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * The native memory a network needs to be fine-tuned in a search, counted from its configuration (nothing is
 * allocated), and the check against what this JVM may hold: a model far larger than memory is refused as bad
 * input naming the setting that sized it, instead of failing inside ND4J (a native {@code std::bad_alloc}).
 *
 * <p>Counted, as float32 values, is what a candidate's fine-tuning holds natively for each parameter: the
 * parameter, its gradient, its pruning mask ({@link #PER_PARAMETER}; masks cover the weights, nearly all the
 * parameters) and the updater's state (Adam, which every network Shears builds uses, keeps two moments). Left
 * out are activations, the Java heap's copies and any other network in the JVM, so the estimate is low: what
 * it refuses cannot run here; what it passes may still not fit.
 *
 * @param parameters   parameters, as DL4J allocates them
 * @param updaterState values of the updater's state, over all parameters
 */
public record MemoryEstimate(long parameters, long updaterState) {

    /** Parameters are float32. */
    public static final int BYTES_PER_VALUE = Float.BYTES;
    /** Values held for every parameter besides the updater's state: the parameter, its gradient, its mask. */
    public static final int PER_PARAMETER = 3;
    /**
     * The most parameters a model can have here, whatever the memory: a model travels between the driver and
     * the tasks as one Java byte array (a model file, 4 bytes a parameter), and Java arrays end below 2^31
     * bytes (a megabyte is left for the configuration and the file's headers).
     */
    public static final long MAX_PARAMETERS = (Integer.MAX_VALUE - 8L - (1 << 20)) / BYTES_PER_VALUE;

    private static final double GB = 1L << 30;
    private static final double MB = 1L << 20;

    /** A layer chain, from its layers' configurations. */
    public static MemoryEstimate of(MultiLayerConfiguration conf) {
        MemoryEstimate total = new MemoryEstimate(0, 0);
        for (NeuralNetConfiguration layer : conf.getConfs()) {
            total = total.plus(layer.getLayer().initializer().numParams(layer), layer.getLayer());
        }
        return total;
    }

    /** A graph, from its layers' configurations. */
    public static MemoryEstimate of(ComputationGraphConfiguration conf) {
        MemoryEstimate total = new MemoryEstimate(0, 0);
        for (GraphVertex vertex : conf.getVertices().values()) {
            if (vertex instanceof LayerVertex v) {
                NeuralNetConfiguration layer = v.getLayerConf();
                total = total.plus(layer.getLayer().initializer().numParams(layer), layer.getLayer());
            }
        }
        return total;
    }

    /** A network already in memory (a model file): what fine-tuning it adds is counted the same way. */
    public static MemoryEstimate of(Network net) {
        return net.model() instanceof MultiLayerNetwork chain ? of(chain.getLayerWiseConfigurations())
                : of(((ComputationGraph) net.model()).getConfiguration());
    }

    /**
     * This estimate with a layer of {@code params} parameters added. A layer's parameter arrays may have updaters
     * of their own (batch normalisation's running statistics have none); the arrays' sizes are not in the
     * configuration, so each array's updater is weighed alike: exact when they agree, and for batch
     * normalisation, whose four arrays are one size.
     */
    private MemoryEstimate plus(long params, Layer layer) {
        long state = 0;
        List<String> keys = layer.initializer().paramKeys(layer);
        if (params > 0 && !keys.isEmpty()) {
            for (String key : keys) {
                IUpdater updater = layer.getUpdaterByParam(key);
                state = Math.addExact(state, updater == null ? 0 : updater.stateSize(params));
            }
            state /= keys.size();
        }
        return new MemoryEstimate(Math.addExact(parameters, params), Math.addExact(updaterState, state));
    }

    /** Native bytes the fine-tuning holds at least; Long.MAX_VALUE when that is more than a long counts. */
    public long bytes() {
        try {
            return Math.multiplyExact(Math.addExact(Math.multiplyExact(parameters, (long) PER_PARAMETER), updaterState),
                    (long) BYTES_PER_VALUE);
        } catch (ArithmeticException beyondAnyMemory) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * What this JVM may hold in native memory, what that limit is, and what to do about it.
     *
     * @param bytes      the limit; Long.MAX_VALUE when none is known
     * @param what       the limit in words, with its size
     * @param howToRaise what the user can do about it
     */
    public record Limit(long bytes, String what, String howToRaise) {

        /**
         * ND4J's arrays are allocated natively, and JavaCPP refuses a native allocation once the process's resident
         * memory passes {@code Pointer.maxPhysicalBytes()} (by default maxBytes plus three times the heap's maximum,
         * maxBytes being the heap's maximum unless set). ND4J's array buffers are not counted in JavaCPP's own
         * total, so {@code maxBytes} bounds them only through that default. Without that limit, or above it, the
         * machine's memory is the limit.
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
     * Refuses a network that cannot be fine-tuned within {@code limit}, or that no model file can hold.
     *
     * @param field the spec's setting that sized the network, named first in the message
     * @throws BadInputException saying what the network needs, what the limit is and what to do
     */
    public void check(Limit limit, String field) {
        long needed = bytes();
        if (needed > limit.bytes()) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "%s: the network has %,d parameters and needs at least %s of native memory to be fine-tuned "
                            + "(%s floats a parameter: itself, its gradient, its pruning mask and the updater's state), "
                            + "more than %s; %s",
                    field, parameters, size(needed), valuesPerParameter(), limit.what(), limit.howToRaise()));
        }
        if (parameters > MAX_PARAMETERS) {
            throw new BadInputException(String.format(Locale.ROOT,
                    "%s: the network has %,d parameters, more than the %,d a model file can hold here (a model travels "
                            + "as one Java array of 4 bytes a parameter); use a smaller model",
                    field, parameters, MAX_PARAMETERS));
        }
    }

    /** 5 for Adam's networks; a fraction when layers' updaters differ. */
    private String valuesPerParameter() {
        double values = PER_PARAMETER + (parameters == 0 ? 0 : (double) updaterState / parameters);
        return values == Math.rint(values) ? String.valueOf((long) values) : String.format(Locale.ROOT, "%.2f", values);
    }

    /** A size in the units -Xmx and JavaCPP's settings read (1 GB = 2^30 bytes). */
    static String size(long bytes) {
        return bytes >= GB ? String.format(Locale.ROOT, "%.1f GB", bytes / GB)
                : String.format(Locale.ROOT, "%.1f MB", bytes / MB);
    }
}
