package dev.shears.pruning.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's memory as the operating system counts it. ND4J and oneDNN allocate outside the Java
 * heap, so the heap's figures say little about what a search needs; the resident set does.
 */
public final class ProcessMemory {

    private ProcessMemory() {
    }

    /** The peak resident set of this process so far in MiB (Linux's VmHWM), or -1 where the system does not say. */
    public static long peakResidentMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
