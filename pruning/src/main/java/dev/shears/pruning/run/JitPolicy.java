package dev.shears.pruning.run;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which code HotSpot's optimising compiler (C2) may compile in a JVM that runs trials. Fine-tuning's
 * update loop and the other loops over every parameter run several times faster once C2 has
 * compiled them (it vectorises them; C1 does not), but compiling Spark's, Parquet's and ND4J's Java
 * code with C2 as well takes more CPU than a search of a few minutes gets back, and that CPU comes
 * from the trials' cores. With {@value #PROPERTY}{@code =}{@value #SHEARS_ONLY} (set by Shears'
 * launchers and given to executors), C2 compiles only Shears' own methods and the few ND4J and JDK
 * methods that read and write model files one value at a time; every other method stays with C1, as
 * under {@code -XX:TieredStopAtLevel=1}.
 *
 * <p>HotSpot reads such a rule only from a compiler directives file, which would have to exist on
 * every executor's machine before its JVM starts; {@link #apply()} writes it to a temporary file and
 * adds it to the running JVM through the diagnostic command MBean ({@code jcmd Compiler.directives_add}).
 * Methods compiled before that keep their code. Without the property, or on a JVM without that
 * command, nothing changes.
 */
public final class JitPolicy {

    public static final String PROPERTY = "shears.jit";
    public static final String SHEARS_ONLY = "c2-shears-only";

    private static final Logger LOG = LoggerFactory.getLogger(JitPolicy.class);
    // the first directive a method matches applies: C2 for these, C1 only for every other method. Besides Shears'
    // own loops: ND4J's buffers read and write model files one value at a time, through the JDK's data streams
    // (graph files, and whatever ArrayBytes hands to ND4J). The methods of C1_ONLY stay with C1: they only
    // call the loops, once per batch, and C2 inlined every callee into them (a costly compilation per JVM,
    // during the search, for no gain); the loops they call are compiled on their own
    static final String[] C1_ONLY = {"dev/shears/pruning/train/DenseStep.step",
        "dev/shears/pruning/train/DenseForward.run", "dev/shears/pruning/train/Evaluator.score",
        "dev/shears/pruning/train/ParamUpdate.apply", "dev/shears/pruning/train/ConvStep.step"};
    private static final String DIRECTIVES = """
            [ { match: [%s],
                c2: { Exclude: true } },
              { match: ["dev/shears/*.*",
                        "org/nd4j/linalg/api/buffer/BaseDataBuffer.*", "org/nd4j/linalg/cpu/nativecpu/buffer/BaseCpuDataBuffer.*",
                        "java/io/DataInputStream.*", "java/io/DataOutputStream.*"],
                c2: { Exclude: false } },
              { match: "*.*", c2: { Exclude: true } } ]
            """.formatted("\"" + String.join("\", \"", C1_ONLY) + "\"");

    private static boolean applied;

    private JitPolicy() {
    }

    /** Adds the directives once per JVM when {@value #PROPERTY} asks for them; true when they are in force. */
    public static synchronized boolean apply() {
        if (applied || !SHEARS_ONLY.equals(System.getProperty(PROPERTY))) {
            return applied;
        }
        try {
            Path file = Files.createTempFile("shears-jit", ".json");
            try {
                Files.writeString(file, DIRECTIVES);
                Object reply = ManagementFactory.getPlatformMBeanServer().invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                        new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
                applied = String.valueOf(reply).contains("added");
                if (!applied) {
                    LOG.warn("compiler directives not taken ({}): C2 compiles every method", reply);
                }
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (Exception | LinkageError e) {
            LOG.warn("compiler directives not taken ({}): C2 compiles every method", e.toString());
        }
        return applied;
    }
}
