package dev.shears.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** A command that a jar on the class path contributes ({@link TestCommandExtension}) is listed and run like the built-in ones. */
class CommandExtensionTest {

    /** What one run printed and returned. */
    private record Run(int code, String out, String err) {
    }

    @Test
    void theHelpListsTheExtensionsCommandBesideTheBuiltInOnes() {
        Run run = run("--help");
        assertEquals(ShearsMain.OK, run.code());
        assertTrue(run.out().lines().anyMatch(l -> l.trim().startsWith("greet ") && l.contains("Say hello")), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.trim().startsWith("search ")), run.out());
        assertTrue(ShearsMain.commandLine().getSubcommands().containsKey("greet"));
    }

    @Test
    void theExtensionsCommandRunsAndItsExitCodeIsTheCommandsExitCode() {
        Run run = run("greet", "--name", "Ada");
        assertEquals(TestCommandExtension.DONE, run.code(), run.err());
        assertEquals("hello Ada", run.out().trim());
    }

    @Test
    void badInputAndUsageErrorsOfTheExtensionAreOneLineAndExitCode2() {
        Run bad = run("greet", "--name", " ");
        assertEquals(ShearsMain.BAD_INPUT, bad.code());
        assertEquals("shears: error: --name must not be blank", bad.err().trim());

        Run usage = run("greet");
        assertEquals(ShearsMain.BAD_INPUT, usage.code());
        assertEquals(1, usage.err().lines().count(), usage.err());
        assertTrue(usage.err().startsWith("shears: error: Missing required option: '--name"), usage.err());
        assertTrue(usage.err().contains("(see: shears greet --help)"), usage.err());
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            int code = ShearsMain.execute(args);
            return new Run(code, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
