package dev.shears.jobs.engine;

/**
 * Test-only: a fault injected into a trial where it runs (an exception, exhausted memory, a dying
 * executor JVM), to show that a failing candidate becomes one row and not a failed search.
 * Implementations are found with {@link java.util.ServiceLoader} on the class path of the JVM that
 * runs the trial; the application ships none, so no spec or option can trigger one.
 */
public interface TrialFault {

    /** Called as the trial starts, inside its time limit; may throw, allocate, sleep or end the JVM. */
    void inject(TrialRequest request);
}
