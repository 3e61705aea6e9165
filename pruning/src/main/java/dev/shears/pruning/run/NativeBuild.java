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
 * by its system property {@value #JAVACPP_EXTENSION}. With that property unset it tries every build
 * on the class path, AVX-512 first, whatever the CPU has, and ND4J then exits on a CPU without
 * AVX-512. So {@link #select()} always sets it, from this machine's CPU flags and the builds on the
 * class path, before ND4J loads: every JVM that runs ND4J calls it first (the command line, Spark
 * executors through {@code NativeBuildPlugin}, the tests), since executors of one cluster may run on
 * different CPUs.
 */
public final class NativeBuild {

    /** JavaCPP's switch: the suffix of the folder it loads the natives from, as in linux-x86_64-avx2. */
    public static final String JAVACPP_EXTENSION = "org.bytedeco.javacpp.platform.extension";
    /** Forces a build by name ({@link Build#label()}), or {@code auto}; the environment variable says the same. */
    public static final String PROPERTY = "shears.nd4j.build";
    public static final String ENV = "SHEARS_ND4J_BUILD";

    private static final Logger LOG = LoggerFactory.getLogger(NativeBuild.class);
    private static final String PLATFORM = "linux-x86_64";
    // what libnd4j's AVX2 build is compiled for (-mavx2 -mfma -mf16c); ND4J itself checks AVX and AVX2 only
    private static final Set<String> AVX2_FLAGS = Set.of("avx", "avx2", "fma", "f16c");
    // ND4J's own check for its AVX-512 build (skylake-avx512), and the BMI that target allows the compiler
    private static final Set<String> AVX512_FLAGS = union(AVX2_FLAGS,
            Set.of("avx512f", "avx512vl", "avx512bw", "avx512dq", "avx512cd", "bmi1", "bmi2"));

    private static Choice chosen;
    private static String forced;

    /**
     * ND4J's builds, best first, as measured with {@code shears bench native} (docs/BENCHMARKS.md): the oneDNN
     * builds come after the generic one, so they are only used when forced.
     */
    public enum Build {
        AVX512("avx512", AVX512_FLAGS),
        AVX2("avx2", AVX2_FLAGS),
        GENERIC("generic", Set.of()),
        ONEDNN_AVX512("onednn-avx512", AVX512_FLAGS),
        ONEDNN_AVX2("onednn-avx2", AVX2_FLAGS),
        ONEDNN("onednn", Set.of());

        private final String label;
        private final Set<String> cpuFlags;

        Build(String label, Set<String> cpuFlags) {
            this.label = label;
            this.cpuFlags = cpuFlags;
        }

        /** The name users force it by, as in {@code SHEARS_ND4J_BUILD=avx2}. */
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

    /** A build, why it was chosen, and whether a build the user asked for was refused. */
    public record Choice(Build build, String reason, boolean refused) {
    }

    private NativeBuild() {
    }

    /**
     * The build to load.
     *
     * @param cpuFlags  this CPU's flags, or null when they cannot be read (then only builds needing none are chosen,
     *                  but a forced build is trusted)
     * @param available the builds whose jars are on the class path
     * @param requested a build's label, {@code auto}, or null or blank for auto
     */
    public static Choice choose(Set<String> cpuFlags, Set<Build> available, String requested) {
        String wanted = requested == null || requested.isBlank() ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        String refusal = null;
        if (!wanted.equals("auto")) {
            Optional<Build> build = Build.of(wanted);
            if (build.isEmpty()) {
                refusal = "'" + wanted + "' is not a build (" + labels(EnumSet.allOf(Build.class)) + " or auto)";
            } else if (!available.contains(build.get())) {
                refusal = "its jar is not on the class path";
            } else if (cpuFlags != null && !cpuFlags.containsAll(build.get().cpuFlags())) {
                refusal = "this CPU lacks " + missing(build.get(), cpuFlags);
            } else {
                return new Choice(build.get(), "forced", false);
            }
        }
        String prefix = refusal == null ? "" : wanted + " was asked for, but " + refusal + "; ";
        for (Build b : Build.values()) {
            if (available.contains(b) && (b.cpuFlags().isEmpty() || cpuFlags != null && cpuFlags.containsAll(b.cpuFlags()))) {
                return new Choice(b, prefix + (cpuFlags == null ? "CPU flags unknown" : "the best this CPU runs")
                        + " of the builds on the class path (" + labels(available) + ")", refusal != null);
            }
        }
        return new Choice(Build.GENERIC, prefix + "no other build fits", refusal != null);
    }

    /**
     * Chooses the build for this JVM once and tells JavaCPP; later calls return the same. Call before
     * anything touches ND4J: once its natives are loaded the choice has no effect. A build named by
     * {@value #PROPERTY} or {@value #ENV} is forced, so is one named by {@value #JAVACPP_EXTENSION}
     * given on the command line; a forced build the CPU or the class path cannot run is refused.
     */
    public static synchronized Build select() {
        if (chosen != null) {
            return chosen.build();
        }
        if (!PLATFORM.equals(platform())) {
            // the pom ships linux-x86_64 natives only; elsewhere ND4J finds its own
            chosen = new Choice(Build.GENERIC, "not " + PLATFORM, false);
            return chosen.build();
        }
        Set<Build> available = EnumSet.noneOf(Build.class);
        for (Build b : Build.values()) {
            String library = "org/nd4j/linalg/cpu/nativecpu/bindings/" + PLATFORM + b.extension() + "/libjnind4jcpu.so";
            if (NativeBuild.class.getClassLoader().getResource(library) != null) {
                available.add(b);
            }
        }
        forced = requested();
        chosen = choose(cpuFlags(), available, forced);
        System.setProperty(JAVACPP_EXTENSION, chosen.build().extension());
        if (chosen.refused()) {
            LOG.warn("ND4J native build: {} ({})", chosen.build().label(), chosen.reason());
        } else {
            LOG.info("ND4J native build: {} ({}; force one with {}=NAME)", chosen.build().label(), chosen.reason(), ENV);
        }
        return chosen.build();
    }

    /** The build the user forced on this JVM (see {@link #select()}), null for auto: executors are told the same. */
    public static synchronized String forced() {
        select();
        return forced;
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

    private static String labels(Set<Build> builds) {
        return builds.stream().map(Build::label).collect(Collectors.joining(", "));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableSet());
    }
}
