package dev.shears.jobs.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.TestResults;
import dev.shears.jobs.result.SelectionSplit;
import dev.shears.pruning.metrics.Tolerance;
import dev.shears.search.Constraints;
import dev.shears.search.TrialStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchProgressTest {

    private static String run(boolean terminal) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
             SearchProgress progress = new SearchProgress(2, Tolerance.of(0.02), SelectionSplit.VALIDATION, Constraints.NONE, out, terminal)) {
            progress.record(TestResults.trial("c1", TrialStatus.OK, 0.8, 0.01, 0.8, 0.01, 4));
            progress.record(TestResults.trial("c2", TrialStatus.FAILED, 0, 0, 0, 0, 0));
            // a third trial beyond the budget (halving's promotions) raises the total
            progress.record(TestResults.trial("c3", TrialStatus.OK, 0.8, 0.01, 0.8, 0.01, 9));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutATerminalOneLinePerCandidate() {
        String printed = run(false);
        assertFalse(printed.contains("\r"), printed);
        List<String> lines = printed.lines().toList();
        assertEquals(3, lines.size(), printed);
        assertTrue(lines.get(0).matches("candidates 1/2: best c1 4\\.0x at val acc 0\\.8000; .* elapsed, about .* left"),
                lines.get(0));
        assertTrue(lines.get(1).startsWith("candidates 2/2: best c1 4.0x at val acc 0.8000, 1 failed;"), lines.get(1));
        assertTrue(lines.get(2).startsWith("candidates 3/3: best c3 9.0x at val acc 0.8000, 1 failed;"), lines.get(2));
        assertTrue(lines.get(2).endsWith("about 0:00:00 left"), lines.get(2));
    }

    @Test
    void onATerminalTheProgressBar() {
        String printed = run(true);
        assertTrue(printed.contains("\r"), "the bar redraws its line: " + printed);
        assertTrue(printed.contains("candidates"), printed);
        // the bar cuts its line to the terminal's width
        assertTrue(printed.contains(" best c3 9.0x at val acc 0.8000"), printed);
    }
}
