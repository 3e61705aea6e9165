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

class NativeBuildTest {

    private static final Set<String> OLD_X86 = Set.of("fpu", "sse", "sse2", "sse4_2", "avx");
    private static final Set<String> HASWELL = Set.of("sse4_2", "avx", "avx2", "fma", "f16c", "bmi1", "bmi2");
    private static final Set<String> SKYLAKE_X = Set.of("sse4_2", "avx", "avx2", "fma", "f16c", "bmi1", "bmi2",
            "avx512f", "avx512vl", "avx512bw", "avx512dq", "avx512cd");
    private static final Set<Build> ALL = EnumSet.allOf(Build.class);

    private static Build chosen(Set<String> flags, Set<Build> available, String requested) {
        return NativeBuild.choose(flags, available, requested).build();
    }

    @Test
    void autoTakesTheBestBuildTheCpuRuns() {
        assertEquals(Build.AVX512, chosen(SKYLAKE_X, ALL, null));
        assertEquals(Build.AVX2, chosen(HASWELL, ALL, "auto"));
        assertEquals(Build.GENERIC, chosen(OLD_X86, ALL, ""));
    }

    @Test
    void aBuildWhoseJarIsMissingIsSkipped() {
        assertEquals(Build.AVX2, chosen(SKYLAKE_X, EnumSet.of(Build.GENERIC, Build.AVX2), null));
        assertEquals(Build.GENERIC, chosen(SKYLAKE_X, EnumSet.of(Build.GENERIC), null));
        // with nothing found (an unusual class path) JavaCPP still gets the generic build to look for
        assertEquals(Build.GENERIC, chosen(SKYLAKE_X, EnumSet.noneOf(Build.class), null));
    }

    @Test
    void avx512NeedsEveryFlagNd4jChecks() {
        Set<String> noVl = new HashSet<>(SKYLAKE_X);
        noVl.remove("avx512vl");
        assertEquals(Build.AVX2, chosen(noVl, ALL, null));
    }

    @Test
    void unknownCpuFlagsKeepToBuildsThatNeedNone() {
        assertEquals(Build.GENERIC, chosen(null, ALL, null));
        assertTrue(NativeBuild.choose(null, ALL, null).reason().contains("unknown"));
    }

    @Test
    void aForcedBuildIsUsedWhenItCanRun() {
        Choice c = NativeBuild.choose(SKYLAKE_X, ALL, "AVX2");
        assertEquals(Build.AVX2, c.build());
        assertEquals("forced", c.reason());
        assertFalse(c.refused());
        assertEquals(Build.GENERIC, chosen(SKYLAKE_X, ALL, "generic"));
        assertEquals(Build.ONEDNN_AVX512, chosen(SKYLAKE_X, ALL, "onednn-avx512"));
        // the flags cannot be read: the user knows the machine
        assertEquals(Build.AVX512, chosen(null, ALL, "avx512"));
    }

    @Test
    void aForcedBuildThatCannotRunFallsBackToAutoAndSaysWhy() {
        Choice noCpu = NativeBuild.choose(HASWELL, ALL, "avx512");
        assertEquals(Build.AVX2, noCpu.build());
        assertTrue(noCpu.reason().contains("lacks avx512bw, avx512cd, avx512dq, avx512f, avx512vl"), noCpu.reason());
        assertTrue(noCpu.refused());
        Choice noJar = NativeBuild.choose(SKYLAKE_X, EnumSet.of(Build.GENERIC, Build.AVX2), "onednn");
        assertEquals(Build.AVX2, noJar.build());
        assertTrue(noJar.reason().contains("not on the class path"), noJar.reason());
        Choice typo = NativeBuild.choose(SKYLAKE_X, ALL, "avx-512");
        assertEquals(Build.AVX512, typo.build());
        assertTrue(typo.reason().contains("'avx-512' is not a build"), typo.reason());
    }

    @Test
    void theTestLauncherChoseBeforeAnyTest() {
        // NativeBuildSession: otherwise JavaCPP would try the AVX-512 jar first on any CPU
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
