package dev.shears.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.pruning.run.NativeBuild;
import dev.shears.pruning.run.NativeBuild.Build;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code shears bench native} asked for a build this application does not carry: the reason and its own exit code. */
class NativeBenchTest {

    @Test
    void anAvxBuildOfAnApplicationBuiltWithoutTheProfileIsReportedNotMeasured() {
        NativeBench bench = new NativeBench();
        bench.choices = () -> NativeBuild.choose(Set.of("avx", "avx2", "fma", "f16c"), EnumSet.of(Build.GENERIC), "avx2");
        StringWriter err = new StringWriter();
        int code = new CommandLine(bench).setErr(new PrintWriter(err, true)).execute();
        assertEquals(BenchCommand.UNAVAILABLE, code);
        assertTrue(err.toString().contains("avx2 was asked for, but its jar is not on the class path"), err.toString());
        assertTrue(err.toString().contains("mvn -Pnative-avx"), err.toString());
        assertEquals(1, err.toString().lines().count(), "one line, no stack trace: " + err);
    }
}
