package dev.shears.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.shears.jobs.cli.ShearsMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code bench driver} runs a whole search of sleeping trials per slot count and prints what it sustained. */
class DriverBenchTest {

    @Test
    void everySlotCountRunsItsTrialsAndTheLastLineGivesTheRate() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        int code;
        try {
            System.setOut(new PrintStream(out, true));
            code = ShearsMain.execute("bench", "driver", "--spec", "conf/bench-driver.yaml", "--slots", "2,4", "--trial-ms", "2", "--trials-per-slot", "1");
        } finally {
            System.setOut(old);
        }
        String text = out.toString();
        assertEquals(ShearsMain.OK, code, text);
        // at least 200 trials per slot count, all finished: the stand-in reports figures every ranking needs
        Pattern row = Pattern.compile("^\\s*(\\d+) slots:\\s+(\\d+) trials \\((\\d+) OK\\)", Pattern.MULTILINE);
        Matcher m = row.matcher(text);
        List<Integer> slots = new java.util.ArrayList<>();
        while (m.find()) {
            slots.add(Integer.parseInt(m.group(1)));
            assertEquals(200, Integer.parseInt(m.group(2)), text);
            assertEquals(200, Integer.parseInt(m.group(3)), text);
        }
        assertEquals(List.of(2, 4), slots, text);
        List<String> lines = text.lines().toList();
        assertTrue(lines.get(lines.size() - 1).matches("trials per second \\d+\\.\\d at 4 slots"), text);
    }
}
