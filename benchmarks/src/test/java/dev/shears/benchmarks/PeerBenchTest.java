package dev.shears.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code shears bench peer} without PyTorch: a message naming the install command and its own exit code, before any work. */
class PeerBenchTest {

    @Test
    void withoutPyTorchItSaysHowToInstallItAndExitsWithItsOwnCode() {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        int code = new CommandLine(new PeerBench()).setErr(new PrintWriter(err, true)).setOut(new PrintWriter(out, true))
                .execute("--spec", "../conf/quickstart.yaml", "--peer-script", "peer/torch_peer.py",
                        "--python", "/nonexistent/python3");
        // README's exit codes: 4, not 2 (bad input)
        assertEquals(4, code);
        assertEquals(BenchCommand.UNAVAILABLE, code);
        assertTrue(err.toString().contains("sudo apt-get install -y python3-torch libopenblas0-pthread"), err.toString());
        assertEquals(1, err.toString().lines().count(), "one line, no stack trace: " + err);
    }

    @Test
    void anUnknownModelIsAUsageErrorNamingTheModels() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new PeerBench()).setErr(new PrintWriter(err, true)).setOut(new PrintWriter(new StringWriter(), true))
                .execute("--model", "vgg16", "--python", "/nonexistent/python3");
        assertEquals(2, code);
        assertTrue(err.toString().contains("--model must be one of lenet5, mlp, resnet-small, got vgg16"), err.toString());
    }
}
