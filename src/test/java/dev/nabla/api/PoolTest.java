package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The memory pool: blocks come back only when nothing can reach them, and a reachable array is never overwritten. */
class PoolTest {
    private static final long N = 64 * 1024;   // 256 KB of float32: pooled

    @Test void aReleasedBlockIsHandedOutAgainAndALiveOneNever() {
        INDArray a = Pool.uninitialized(DataType.FLOAT, N);
        a.assign(1);
        assertThat(Pool.owns(a)).isTrue();
        long address = a.data().address();
        INDArray b = Pool.uninitialized(DataType.FLOAT, N);
        assertThat(b.data().address()).as("a live array's block is not lent twice").isNotEqualTo(address);
        assertThat(Pool.release(a)).isTrue();
        INDArray c = Pool.uninitialized(DataType.FLOAT, N);
        assertThat(c.data().address()).as("the released block comes back").isEqualTo(address);
        assertThat(Pool.owns(b.reshape(256, 256).getRow(1))).as("a view is not a pooled array of its own").isFalse();
    }

    @Test void idleBlocksUnusedForAWhileAreFreedAndLentOnesKept() {
        INDArray live = Pool.uninitialized(DataType.FLOAT, N);
        live.assign(7);
        INDArray idle = Pool.uninitialized(DataType.FLOAT, N);
        assertThat(Pool.release(idle)).isTrue();
        assertThat(Pool.trim(60_000_000_000L)).as("a block of a size asked for within the minute stays").isZero();
        long idleBefore = Pool.stats()[1];
        assertThat(idleBefore).isGreaterThanOrEqualTo(N * 4);
        assertThat(Pool.trim(0)).as("every idle block goes when the time is up").isEqualTo(idleBefore);
        assertThat(Pool.stats()[1]).isZero();
        assertThat(Pool.owns(live)).isTrue();
        assertThat(live.minNumber().floatValue()).isEqualTo(7f);
        assertThat(live.maxNumber().floatValue()).isEqualTo(7f);
    }

    @Test void unreachableArraysComeBackAfterACollectionAndReachableOnesKeepTheirValues() throws InterruptedException {
        List<INDArray> kept = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            INDArray k = Pool.uninitialized(DataType.FLOAT, N);
            k.assign(i);
            kept.add(k);
        }
        INDArray view = kept.get(3).reshape(256, 256).getRow(7);   // only a view of array 3 stays reachable
        kept.set(3, null);
        long hitsBefore = Pool.stats()[3];
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 16; i++) Pool.uninitialized(DataType.FLOAT, N).assign(-1);   // garbage at once
            System.gc();
            Thread.sleep(20);
        }
        assertThat(Pool.stats()[3] - hitsBefore).as("blocks of dead arrays were reused").isPositive();
        for (int i = 0; i < 8; i++) {
            if (i == 3) continue;
            assertThat(kept.get(i).minNumber().doubleValue()).isEqualTo(i);
            assertThat(kept.get(i).maxNumber().doubleValue()).isEqualTo(i);
        }
        assertThat(view.minNumber().doubleValue()).as("a view keeps its base block").isEqualTo(3);
        assertThat(view.maxNumber().doubleValue()).isEqualTo(3);
    }

    @Test void smallAndIntegerArraysAreNotPooled() {
        assertThat(Pool.owns(Pool.uninitialized(DataType.FLOAT, 100))).isFalse();
        assertThat(Pool.owns(Pool.uninitialized(DataType.INT32, N))).isFalse();
        assertThat(Pool.uninitialized(DataType.DOUBLE, 8, N / 8).shape()).containsExactly(8, N / 8);
        assertThat(Nd4j.createUninitialized(DataType.FLOAT, N)).isNotNull();
    }

    /**
     * When fresh memory is dear, the pool collects before a miss and hands out the block of an array nobody can reach:
     * no explicit collection by the caller, unlike the test above.
     */
    @Test void aMissThatWouldCostMoreThanACollectionCollectsAndReusesADeadBlock() {
        long n = (4L << 20) / 4 + 1234;   // a size no other test asks for
        long hitsBefore = Pool.stats()[3];
        try {
            for (int attempt = 0; attempt < 10 && Pool.stats()[3] == hitsBefore; attempt++) {
                // each attempt from the same state, whatever an earlier one (or the machine's load) left in the governor
                OffHeapGovernor.resetCosts();
                OffHeapGovernor.missed(n * 4, 1_000_000_000_000L);   // as if fresh memory cost 1,000 s: a collection is always cheaper
                Pool.uninitialized(DataType.FLOAT, n).assign(1);   // lent, then unreachable
                Pool.uninitialized(DataType.FLOAT, n).assign(2);   // a miss: the pool collects and takes the first one back
            }
            assertThat(Pool.stats()[3] - hitsBefore).as("the dead array's block was reused without a caller's collection").isPositive();
        } finally {
            OffHeapGovernor.resetCosts();
        }
    }

    @Test void aFullPoolGivesUpTheSizeAskedForLeastRecentlyNotTheOneComingBack() {
        java.util.Map<Long, java.util.List<Integer>> idle = new java.util.HashMap<>();
        java.util.Map<Long, Long> asked = new java.util.HashMap<>();
        idle.put(100L, List.of(1, 2, 3));
        idle.put(200L, List.of(1));
        idle.put(300L, List.of(1, 2));
        asked.put(100L, 50L);
        asked.put(200L, 20L);
        asked.put(300L, 40L);
        asked.put(400L, 60L);
        assertThat(Pool.staleSize(400, idle, asked)).as("the oldest idle size goes first").isEqualTo(200);
        assertThat(Pool.staleSize(300, idle, asked)).as("not the returning size itself").isEqualTo(200);
        assertThat(Pool.staleSize(200, idle, asked)).as("nothing idle is older than the returning size").isEqualTo(-1);
        idle.put(500L, List.of(1));
        assertThat(Pool.staleSize(400, idle, asked)).as("a size never asked for is the oldest").isEqualTo(500);
        idle.put(500L, List.of());
        asked.put(100L, Long.MAX_VALUE);
        asked.put(400L, Long.MIN_VALUE);   // nanoTime wraps: MIN_VALUE comes after MAX_VALUE
        assertThat(Pool.staleSize(400, idle, asked)).as("times compare by their difference").isEqualTo(200);
        assertThat(Pool.staleSize(400, java.util.Map.of(400L, List.of(1, 2)), asked)).as("only blocks of its own size idle").isEqualTo(-1);
    }
}
