package dev.shears.jobs.engine;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/** Thread pools for engines: daemon threads, so a pool left behind never keeps the JVM from exiting. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /** A fixed pool of {@code threads} daemon threads named {@code name}. */
    public static ExecutorService pool(int threads, String name) {
        return Executors.newFixedThreadPool(threads, factory(name));
    }

    /** Daemon threads named {@code name}, for pools built otherwise. */
    public static ThreadFactory factory(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
