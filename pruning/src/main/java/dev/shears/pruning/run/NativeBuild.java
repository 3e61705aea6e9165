package dev.shears.pruning.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of ND4J's native builds this JVM loads. nd4j-native ships a generic x86-64 build and builds
 * for AVX2 and AVX-512, each also with oneDNN, as jars of their own; JavaCPP loads the build named
 * by its system property {@value #JAVACPP_EXTENSION}.
 *
 * <p>The generic build is the default, always. The AVX builds save some CPU time per training step,
 * but crash the JVM (SIGSEGV) when a native allocation fails, where the generic build throws and the
 * trial becomes a FAILED row: with local Spark one trial out of native memory would end the whole
 * search. So another build is loaded only when all three hold: the user names it
 * ({@value #ENV} or {@value #PROPERTY}), its jar is on the class path (the default build packages
 * none: {@code mvn -Pnative-avx} adds the AVX2 and AVX-512 ones), and this CPU has the instructions
 * it needs. Otherwise a warning says why and the generic build is loaded.
 *
 * <p>{@link #select()} sets JavaCPP's property before ND4J loads, in every JVM that runs ND4J (the
 * command line, Spark executors through {@code NativeBuildPlugin}, the tests): with the property
 * unset and several builds on the class path JavaCPP would try the AVX-512 one first, whatever the
 * CPU, and ND4J would exit on a CPU without AVX-512.
 */
public final class NativeBuild {

    /** JavaCPP's switch: the suffix of the folder it loads the natives from, as in linux-x86_64-avx2. */
    public static final String JAVACPP_EXTENSION = "org.bytedeco.javacpp.platform.extension";
    /** Asks for a build by name ({@link Build#label()}); the environment variable says the same. */
    public static final String PROPERTY = "shears.nd4j.build";
    public static final String ENV = "SHEARS_ND4J_BUILD";
    /** How to get the AVX builds' jars onto the class path: named in the warnings. */
    private static final String PROFILE_HINT = "build the application with mvn -Pnative-avx to package it";

    private static final Logger LOG = LoggerFactory.getLogger(NativeBuild.class);
    private static final String PLATFORM = "linux-x86_64";
    // what libnd4j's AVX2 build is compiled for (-mavx2 -mfma -mf16c); ND4J itself checks AVX and AVX2 only
    private static final Set<String> AVX2_FLAGS = Set.of("avx", "avx2", "fma", "f16c");
    // ND4J's own check for its AVX-512 build (skylake-avx512), and the BMI that target allows the compiler
    private static final Set<String> AVX512_FLAGS = union(AVX2_FLAGS,
            Set.of("avx512f", "avx512vl", "avx512bw", "avx512dq", "avx512cd", "bmi1", "bmi2"));

    private static Choice chosen;
    private static String requested;

    /** ND4J's linux-x86_64 builds. Only the generic one is packaged by default; the others load only when asked for. */
    public enum Build {
        GENERIC("generic", Set.of()),
        AVX2("avx2", AVX2_FLAGS),
        AVX512("avx512", AVX512_FLAGS),
        ONEDNN("onednn", Set.of()),
        ONEDNN_AVX2("onednn-avx2", AVX2_FLAGS),
        ONEDNN_AVX512("onednn-avx512", AVX512_FLAGS);

        private final String label;
        private final Set<String> cpuFlags;

        Build(String label, Set<String> cpuFlags) {
            this.label = label;
            this.cpuFlags = cpuFlags;
        }

        /** The name users ask for it by, as in {@code SHEARS_ND4J_BUILD=avx2}. */
        public String label() {
            return label;
        }

        /** JavaCPP's extension: empty for the generic build, which every other build falls back to. */
        public String extension() {
            return this == GENERIC ? "" : "-" + label;
        }

        /** The CPU flags (as /proc/cpuinfo names them) the build's instructions need. */
        public Set<String> cpuFlags() {
            return cpuFlags;
        }

        public static Optional<Build> of(String label) {
            return Arrays.stream(values()).filter(b -> b.label.equals(label)).findFirst();
        }
    }

    /**
     * A build and why it was chosen; {@code refused} when the user asked for another build that cannot be loaded
     * here (the reason says why); {@code available} the builds whose jars are on the class path.
     */
    public record Choice(Build build, String reason, boolean refused, Set<Build> available) {
    }

    private NativeBuild() {
    }

    /**
     * The build to load: the generic one unless the user asked for another that is on the class path and that
     * this CPU runs.
     *
     * @param cpuFlags  this CPU's flags, or null when they cannot be read (then no build that needs any is loaded:
     *                  ND4J exits the JVM on a CPU that lacks them)
     * @param available the builds whose jars are on the class path
     * @param requested a build's label, or null or blank for the default
     */
    public static Choice choose(Set<String> cpuFlags, Set<Build> available, String requested) {
        Set<Build> found = Set.copyOf(available);
        if (requested == null || requested.isBlank()) {
            return new Choice(Build.GENERIC, "the default", false, found);
        }
        String wanted = requested.trim().toLowerCase(Locale.ROOT);
        Optional<Build> build = Build.of(wanted);
        String refusal;
        if (build.isEmpty()) {
            refusal = "'" + wanted + "' is not a build (" + labels(EnumSet.allOf(Build.class)) + ")";
        } else if (build.get() == Build.GENERIC) {
            return new Choice(Build.GENERIC, "asked for", false, found);
        } else if (!available.contains(build.get())) {
            // only the AVX2 and AVX-512 builds have a profile; the oneDNN ones are added by hand
            String how = build.get() == Build.AVX2 || build.get() == Build.AVX512 ? PROFILE_HINT
                    : "no Maven profile packages it: add nd4j-native's " + PLATFORM + build.get().extension() + " jar to the class path";
            refusal = "its jar is not on the class path (found: " + labels(available) + "; " + how + ")";
        } else if (cpuFlags == null) {
            refusal = "this CPU's flags cannot be read to check that it runs it";
        } else if (!cpuFlags.containsAll(build.get().cpuFlags())) {
            refusal = "this CPU lacks " + missing(build.get(), cpuFlags);
        } else {
            return new Choice(build.get(), "asked for", false, found);
        }
        return new Choice(Build.GENERIC, wanted + " was asked for, but " + refusal, true, found);
    }

    /**
     * Chooses the build for this JVM once and tells JavaCPP; later calls return the same. Call before
     * anything touches ND4J: once its natives are loaded the choice has no effect. A build is asked for by
     * {@value #PROPERTY}, {@value #ENV}, or {@value #JAVACPP_EXTENSION} given on the command line.
     */
    public static synchronized Build select() {
        return choice().build();
    }

    /** The choice {@link #select()} made for this JVM (making it first if need be). */
    public static synchronized Choice choice() {
        if (chosen != null) {
            return chosen;
        }
        requested = requested();
        if (PLATFORM.equals(platform())) {
            chosen = choose(cpuFlags(), onClassPath(), requested);
            System.setProperty(JAVACPP_EXTENSION, chosen.build().extension());
        } else {
            // the pom ships linux-x86_64 natives only; elsewhere ND4J finds its own
            boolean other = requested != null && !requested.isBlank() && !requested.trim().equalsIgnoreCase("generic");
            chosen = new Choice(Build.GENERIC, (other ? requested.trim() + " was asked for, but " : "") + "this is not "
                    + PLATFORM, other, Set.of());
        }
        if (chosen.refused()) {
            LOG.warn("ND4J native build: generic, as by default ({})", chosen.reason());
        } else if (chosen.build() != Build.GENERIC) {
            LOG.warn("ND4J native build: {} (asked for). A native allocation that fails crashes this JVM with this "
                    + "build, where the generic build fails only the trial (README, Running on a cluster)", chosen.build().label());
        } else {
            LOG.info("ND4J native build: generic ({})", chosen.reason());
        }
        return chosen;
    }

    /** The builds whose natives JavaCPP finds on the class path. */
    private static Set<Build> onClassPath() {
        Set<Build> available = EnumSet.noneOf(Build.class);
        for (Build b : Build.values()) {
            String library = "org/nd4j/linalg/cpu/nativecpu/bindings/" + PLATFORM + b.extension() + "/libjnind4jcpu.so";
            if (NativeBuild.class.getClassLoader().getResource(library) != null) {
                available.add(b);
            }
        }
        return available;
    }

    /** The build the user asked for in this JVM (see {@link #select()}), null for none: executors are told the same. */
    public static synchronized String requestedBuild() {
        choice();
        return requested;
    }

    /** What the user asked for: Shears' property, its environment variable, or JavaCPP's own property. */
    private static String requested() {
        String asked = System.getProperty(PROPERTY, System.getenv(ENV));
        if (asked != null && !asked.isBlank()) {
            return asked;
        }
        String extension = System.getProperty(JAVACPP_EXTENSION);
        if (extension == null) {
            return null;
        }
        return extension.isEmpty() ? Build.GENERIC.label() : extension.replaceFirst("^-", "");
    }

    /** The flags of the first processor in /proc/cpuinfo, or null when there is none to read. */
    static Set<String> cpuFlags() {
        try {
            return flags(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The {@code flags} line of a /proc/cpuinfo text, or null when it has none. */
    static Set<String> flags(String cpuinfo) {
        return cpuinfo.lines().filter(l -> l.startsWith("flags")).findFirst()
                .map(l -> Set.copyOf(Arrays.asList(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))))
                .orElse(null);
    }

    private static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        return (os.startsWith("linux") ? "linux" : os) + "-" + (arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch);
    }

    private static String missing(Build b, Set<String> cpuFlags) {
        return b.cpuFlags().stream().filter(f -> !cpuFlags.contains(f)).sorted().collect(Collectors.joining(", "));
    }

    /** The labels of some builds, in the enum's order. */
    public static String labels(Set<Build> builds) {
        return builds.isEmpty() ? "none" : Arrays.stream(Build.values()).filter(builds::contains).map(Build::label)
                .collect(Collectors.joining(", "));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableSet());
    }
}
