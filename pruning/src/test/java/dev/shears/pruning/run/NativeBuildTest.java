package dev.shears.pruning.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.run.NativeBuild.Build;
import dev.shears.pruning.run.NativeBuild.Choice;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which build loads, from what was asked for, the jars on the class path and the CPU's flags. */
class NativeBuildTest {

    private static final Set<String> OLD_X86 = Set.of("fpu", "sse", "sse2", "sse4_2", "avx");
    private static final Set<String> HASWELL = Set.of("sse4_2", "avx", "avx2", "fma", "f16c", "bmi1", "bmi2");
    private static final Set<String> SKYLAKE_X = Set.of("sse4_2", "avx", "avx2", "fma", "f16c", "bmi1", "bmi2",
            "avx512f", "avx512vl", "avx512bw", "avx512dq", "avx512cd");
    /** What {@code mvn -Pnative-avx} packages. */
    private static final Set<Build> WITH_AVX = EnumSet.of(Build.GENERIC, Build.AVX2, Build.AVX512);
    /** What the default build packages. */
    private static final Set<Build> DEFAULT = EnumSet.of(Build.GENERIC);

    @Test
    void withNothingAskedForTheGenericBuildLoadsWhateverTheCpuAndJars() {
        for (String none : new String[] {null, "", "  "}) {
            Choice c = NativeBuild.choose(SKYLAKE_X, WITH_AVX, none);
            assertEquals(Build.GENERIC, c.build());
            assertFalse(c.refused());
        }
        assertEquals(Build.GENERIC, NativeBuild.choose(null, DEFAULT, null).build());
    }

    @Test
    void anAvxBuildLoadsWhenAskedForPackagedAndRunByTheCpu() {
        Choice c = NativeBuild.choose(SKYLAKE_X, WITH_AVX, "avx512");
        assertEquals(Build.AVX512, c.build());
        assertFalse(c.refused());
        assertEquals(Build.AVX2, NativeBuild.choose(HASWELL, WITH_AVX, " AVX2 ").build());
        assertEquals(Build.GENERIC, NativeBuild.choose(SKYLAKE_X, WITH_AVX, "generic").build());
        assertFalse(NativeBuild.choose(SKYLAKE_X, WITH_AVX, "generic").refused());
    }

    @Test
    void anAvxBuildWhoseJarIsMissingIsRefusedNamingTheProfile() {
        Choice c = NativeBuild.choose(SKYLAKE_X, DEFAULT, "avx2");
        assertEquals(Build.GENERIC, c.build());
        assertTrue(c.refused());
        assertTrue(c.reason().contains("avx2 was asked for, but its jar is not on the class path (found: generic"), c.reason());
        assertTrue(c.reason().contains("-Pnative-avx"), c.reason());
        // the oneDNN builds are never packaged: refused too, saying how to add one
        Choice onednn = NativeBuild.choose(SKYLAKE_X, WITH_AVX, "onednn-avx512");
        assertTrue(onednn.refused());
        assertTrue(onednn.reason().contains("add nd4j-native's linux-x86_64-onednn-avx512 jar"), onednn.reason());
    }

    @Test
    void anAvxBuildTheCpuCannotRunIsRefusedNamingTheMissingFlags() {
        Choice c = NativeBuild.choose(HASWELL, WITH_AVX, "avx512");
        assertEquals(Build.GENERIC, c.build());
        assertTrue(c.refused());
        assertTrue(c.reason().contains("lacks avx512bw, avx512cd, avx512dq, avx512f, avx512vl"), c.reason());
        assertTrue(NativeBuild.choose(OLD_X86, WITH_AVX, "avx2").reason().contains("lacks avx2, f16c, fma"));
        // every flag ND4J checks counts
        Set<String> noVl = new HashSet<>(SKYLAKE_X);
        noVl.remove("avx512vl");
        assertEquals(Build.GENERIC, NativeBuild.choose(noVl, WITH_AVX, "avx512").build());
    }

    @Test
    void unreadableCpuFlagsRefuseAnAvxBuild() {
        // ND4J exits the JVM on a CPU without the build's instructions: not a risk to take blind
        Choice c = NativeBuild.choose(null, WITH_AVX, "avx2");
        assertEquals(Build.GENERIC, c.build());
        assertTrue(c.refused());
        assertTrue(c.reason().contains("cannot be read"), c.reason());
    }

    @Test
    void anUnknownNameIsRefusedListingTheNames() {
        Choice c = NativeBuild.choose(SKYLAKE_X, WITH_AVX, "avx-512");
        assertEquals(Build.GENERIC, c.build());
        assertTrue(c.refused());
        assertTrue(c.reason().contains("'avx-512' is not a build (generic, avx2, avx512"), c.reason());
        // "auto" is not a build: nothing picks an AVX build on its own
        assertTrue(NativeBuild.choose(SKYLAKE_X, WITH_AVX, "auto").refused());
    }

    @Test
    void theChoiceListsTheBuildsFound() {
        assertEquals(WITH_AVX, NativeBuild.choose(SKYLAKE_X, WITH_AVX, null).available());
        assertEquals("generic, avx2, avx512", NativeBuild.labels(WITH_AVX));
        assertEquals("none", NativeBuild.labels(Set.of()));
    }

    @Test
    void theTestLauncherChoseBeforeAnyTest() {
        // NativeBuildSession: otherwise, with the AVX jars packaged, JavaCPP would try the AVX-512 one first
        assertNotNull(System.getProperty(NativeBuild.JAVACPP_EXTENSION));
    }

    @Test
    void extensionsAreJavaCppFolderSuffixes() {
        assertEquals("", Build.GENERIC.extension());
        assertEquals("-avx2", Build.AVX2.extension());
        assertEquals("-onednn-avx512", Build.ONEDNN_AVX512.extension());
    }

    @Test
    void cpuFlagsAreReadFromTheFirstFlagsLine() {
        String cpuinfo = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx avx2  fma\n\nprocessor\t: 1\n"
                + "flags\t\t: fpu\n";
        assertEquals(Set.of("fpu", "sse2", "avx", "avx2", "fma"), NativeBuild.flags(cpuinfo));
        assertNull(NativeBuild.flags("processor\t: 0\n"));
    }
}
