package dev.nabla.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The worker threads of a DataLoader end with their epoch: exhausted, closed, or dropped unfinished. */
class DataLoaderThreadsTest {
    static final DataLoader.Options TWO = DataLoader.Options.DEFAULT.withNumWorkers(2).withSeed(1);

    static Set<Thread> workers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("nabla-dataloader-")).collect(Collectors.toSet());
    }

    /** Collects garbage until at most {@code max} worker threads are alive or 10 s have passed; the number alive. */
    static int aliveAfterCollection(int max) throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (true) {
            System.gc();
            int n = workers().size();
            if (n <= max || System.nanoTime() > end) return n;
            Thread.sleep(50);
        }
    }

    /** Waits (at most 5 s) for the threads to end; those still alive. */
    static List<Thread> stillAlive(Set<Thread> threads) throws InterruptedException {
        List<Thread> alive = new ArrayList<>();
        for (Thread t : threads) {
            t.join(5000);
            if (t.isAlive()) alive.add(t);
        }
        return alive;
    }

    @Test void fiftyAbandonedLoadersLeaveAtMostAHandfulOfThreads() throws InterruptedException {
        Set<Thread> before = workers();
        for (int i = 0; i < 50; i++) {
            var loader = new DataLoader<>(DataLoaderTest.counting(400), 4, true, TWO);
            for (Batch b : loader) {
                assertThat(b.size()).isEqualTo(4);
                break;   // abandoned, and the loader dropped without close()
            }
        }
        int alive = aliveAfterCollection(before.size() + 4);
        assertThat(alive).as("live nabla-dataloader threads after 50 abandoned loaders").isLessThanOrEqualTo(before.size() + 4);
    }

    @Test void abandonedEpochsOfALoaderStillInUseEndTheirThreads() throws InterruptedException {
        Set<Thread> before = workers();
        var loader = new DataLoader<>(DataLoaderTest.counting(400), 4, false, TWO);
        for (int i = 0; i < 30; i++) {
            for (Batch b : loader) break;
        }
        assertThat(aliveAfterCollection(before.size() + 4)).isLessThanOrEqualTo(before.size() + 4);
        // the loader is still whole: a full epoch in order
        assertThat(DataLoaderTest.order(loader)).hasSize(400).isSorted();
    }

    @Test void workersAreDaemonThreadsThatEndWithTheirEpoch() throws InterruptedException {
        Set<Thread> before = workers();
        var loader = new DataLoader<>(DataLoaderTest.counting(40), 4, true, TWO);
        Set<Thread> mine;
        try (DataLoader.Epoch epoch = loader.iterator()) {
            epoch.next();
            mine = workers();
            mine.removeAll(before);
            assertThat(mine).isNotEmpty().allMatch(Thread::isDaemon);
            int n = 1;
            while (epoch.hasNext()) {
                epoch.next();
                n++;
            }
            assertThat(n).isEqualTo(10);
        }
        assertThat(stillAlive(mine)).as("threads of an exhausted epoch").isEmpty();
    }

    @Test void closingAnUnfinishedEpochStopsItsThreads() throws InterruptedException {
        Set<Thread> before = workers();
        var loader = new DataLoader<>(DataLoaderTest.counting(400), 4, true, TWO);
        DataLoader.Epoch epoch = loader.iterator();
        epoch.next();
        Set<Thread> mine = workers();
        mine.removeAll(before);
        assertThat(mine).isNotEmpty();
        epoch.close();
        assertThat(epoch.hasNext()).isFalse();
        assertThat(stillAlive(mine)).isEmpty();
    }

    @Test void closingTheLoaderStopsTheThreadsOfItsRunningEpochs() throws InterruptedException {
        Set<Thread> before = workers();
        var loader = new DataLoader<>(DataLoaderTest.counting(400), 4, true, TWO);
        var a = loader.iterator();
        var b = loader.iterator();
        a.next();
        b.next();
        Set<Thread> mine = workers();
        mine.removeAll(before);
        assertThat(mine).hasSizeGreaterThanOrEqualTo(2);
        loader.close();
        assertThat(stillAlive(mine)).isEmpty();
        assertThat(DataLoaderTest.order(loader)).hasSize(400);   // a new epoch after close() works
    }
}
