package dev.shears.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.cli.ShearsMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** With this module on the class path, {@code shears} has {@code bench} and its benchmarks, found through the extension point. */
class BenchCommandTest {

    private static final List<String> BENCHMARKS = List.of("throughput", "strategies", "shrink", "quality", "native", "peer", "driver");

    @Test
    void theShearsCommandLineHasBenchWithEveryBenchmark() {
        CommandLine bench = ShearsMain.commandLine().getSubcommands().get("bench");
        assertNotNull(bench, "shears bench");
        assertTrue(bench.getCommand() instanceof BenchCommand);
        assertEquals(BENCHMARKS, List.copyOf(bench.getSubcommands().keySet()));
    }

    @Test
    void benchHelpThroughTheEntryPointListsTheBenchmarks() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int code;
        try {
            System.setOut(new PrintStream(out, true));
            code = ShearsMain.execute("bench", "--help");
        } finally {
            System.setOut(old);
        }
        assertEquals(ShearsMain.OK, code);
        assertTrue(out.toString().startsWith("Usage: shears bench"), out.toString());
        for (String name : BENCHMARKS) {
            assertTrue(out.toString().lines().anyMatch(l -> l.trim().startsWith(name + " ")), name + " in " + out);
        }
    }
}
