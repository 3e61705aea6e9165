package dev.shears.benchmarks;

import dev.shears.jobs.engine.DaemonThreads;
import java.util.Comparator;
import java.util.concurrent.Executor;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fixed pool of daemon threads whose waiting tasks start by rank, lowest first, and in the order they came within
 * a rank: a run that queues long tasks behind short ones ends on a few long ones with the other threads idle.
 */
final class RankedPool implements AutoCloseable {

    private record Task(int rank, long order, Runnable work) implements Runnable {
        @Override
        public void run() {
            work.run();
        }
    }

    private final AtomicLong arrivals = new AtomicLong();
    private final ThreadPoolExecutor pool;

    RankedPool(int threads, String name) {
        Comparator<Runnable> byRank = Comparator.comparingInt((Runnable r) -> ((Task) r).rank())
                .thenComparingLong(r -> ((Task) r).order());
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new PriorityBlockingQueue<>(64, byRank), DaemonThreads.factory(name));
    }

    /** An executor whose tasks wait at {@code rank}. */
    Executor at(int rank) {
        return work -> pool.execute(new Task(rank, arrivals.getAndIncrement(), work));
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
