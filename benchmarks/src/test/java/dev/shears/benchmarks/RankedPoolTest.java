package dev.shears.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RankedPoolTest {

    @Test
    void waitingTasksStartByRankThenByArrival() throws Exception {
        List<String> started = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        try (RankedPool pool = new RankedPool(1, "ranked-pool-test")) {
            CompletableFuture<Void> busy = CompletableFuture.runAsync(() -> {
                try {
                    assertTrue(release.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, pool.at(0));
            String[][] queued = {{"2a", "2"}, {"1a", "1"}, {"2b", "2"}, {"0a", "0"}, {"1b", "1"}};
            CompletableFuture<?>[] tasks = new CompletableFuture<?>[queued.length];
            for (int i = 0; i < queued.length; i++) {
                String name = queued[i][0];
                tasks[i] = CompletableFuture.runAsync(() -> started.add(name), pool.at(Integer.parseInt(queued[i][1])));
            }
            release.countDown();
            CompletableFuture.allOf(tasks).get(10, TimeUnit.SECONDS);
            busy.get(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of("0a", "1a", "1b", "2a", "2b"), started);
    }
}
