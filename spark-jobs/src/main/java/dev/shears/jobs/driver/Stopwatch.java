package dev.shears.jobs.driver;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/** The run's timings as run.json records them: seconds to the hundredth. */
final class Stopwatch {

    private Stopwatch() {
    }

    static double seconds(long sinceNanos) {
        return Math.round((System.nanoTime() - sinceNanos) / 1e7) / 100.0;
    }

    /** This JVM's CPU time so far: every trial's too on local Spark, so it compares builds and engines on a busy machine. */
    static long cpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double cpuSeconds(long sinceCpuNanos) {
        return Math.round((cpuNanos() - sinceCpuNanos) / 1e7) / 100.0;
    }
}
