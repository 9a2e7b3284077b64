package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The collection threshold adapts to how often collections come: up to 4× the base when they come quickly, back when rare. */
class OffHeapGovernorTest {
    private static final long MB = 1L << 20, S = 1_000_000_000L;

    @Test void doublesAfterTwoQuickCollectionsUpToFourTimesAndHalvesBackWhenRare() {
        long base = 64 * MB;
        long[] t = {base, 0};
        t = OffHeapGovernor.next(t[0], base, S / 10, (int) t[1]);
        assertThat(t).as("one quick collection: not yet").containsExactly(64 * MB, 1);
        t = OffHeapGovernor.next(t[0], base, S / 10, (int) t[1]);
        assertThat(t).containsExactly(128 * MB, 0);
        t = OffHeapGovernor.next(t[0], base, S / 10, (int) t[1]);
        t = OffHeapGovernor.next(t[0], base, S / 10, (int) t[1]);
        assertThat(t).containsExactly(256 * MB, 0);
        t = OffHeapGovernor.next(t[0], base, S / 10, (int) t[1]);
        t = OffHeapGovernor.next(t[0], base, S / 10, (int) t[1]);
        assertThat(t[0]).as("capped at 4 times the base").isEqualTo(256 * MB);
        assertThat(OffHeapGovernor.next(t[0], base, 2 * S, 1)).as("between 0.5 and 3 s: unchanged, the run broken").containsExactly(256 * MB, 0);
        t = OffHeapGovernor.next(t[0], base, 5 * S, 0);
        assertThat(t).containsExactly(128 * MB, 0);
        t = OffHeapGovernor.next(OffHeapGovernor.next(t[0], base, 5 * S, 0)[0], base, 5 * S, 0);
        assertThat(t[0]).as("never under the base").isEqualTo(64 * MB);
    }

    @Test void aSingleQuickCollectionBetweenSlowOnesChangesNothing() {
        long base = 64 * MB;
        long[] t = OffHeapGovernor.next(base, base, S / 10, 0);
        t = OffHeapGovernor.next(t[0], base, 2 * S, (int) t[1]);
        t = OffHeapGovernor.next(t[0], base, S / 10, (int) t[1]);
        assertThat(t).containsExactly(64 * MB, 1);
    }

    /** A view allocates nothing, so it counts nothing toward the next collection; a new result counts its bytes. */
    @Test void viewsDoNotCountTowardTheThreshold() {
        long saved = Nabla.gcThreshold();
        Nabla.setGcThreshold(1L << 50);   // no collection (and no reset of the count) during the test
        try {
            Tensor x = Tensor.randn(500, 400).requiresGrad_();
            long before = OffHeapGovernor.pending();
            Tensor flat = x.reshape(200_000), t = x.t(), row = x.select(0, 3);
            assertThat(OffHeapGovernor.pending() - before).as("reshape, transpose and select views").isZero();
            Tensor y = flat.mul(2);
            assertThat(OffHeapGovernor.pending() - before).as("a new 800 KB result").isGreaterThanOrEqualTo(800_000);
            long mid = OffHeapGovernor.pending();
            y.sum().backward();   // the reshape's backward returns a view of the incoming gradient
            assertThat(x.grad()).isNotNull();
            assertThat(t.shape()).isEqualTo(Shape.of(400, 500));
            assertThat(row.shape()).isEqualTo(Shape.of(400));
            assertThat(OffHeapGovernor.pending() - mid).as("backward: the product's gradient, not the views of it")
                    .isLessThan(3 * 800_000);
        } finally {
            Nabla.setGcThreshold(saved);
        }
    }

    /** Rent or buy: collect once the misses since the last collection would cost more than patience collections. */
    @Test void collectsBeforeAMissOnceTheMissesWouldCostMoreThanPatienceCollections() {
        long ms = 1_000_000L;
        assertThat(OffHeapGovernor.worthCollecting(0, 11 * ms, 6 * ms, 1)).as("one 11 ms miss against a 6 ms collection").isTrue();
        assertThat(OffHeapGovernor.worthCollecting(0, 11 * ms, 6 * ms, 2)).as("patience 2: the first miss is bought").isFalse();
        assertThat(OffHeapGovernor.worthCollecting(11 * ms, 11 * ms, 6 * ms, 2)).as("the second is not").isTrue();
        assertThat(OffHeapGovernor.worthCollecting(0, 0.5 * ms, 6 * ms, 1)).as("cheap fresh memory (bare metal)").isFalse();
        assertThat(OffHeapGovernor.worthCollecting(5 * ms, 0, 6 * ms, 1)).as("no cost measured yet: never").isFalse();
    }

    @Test void patienceGrowsWhenCollectionsAreUselessOrTooFrequentAndFallsBackWhenRare() {
        long ms = 1_000_000L, limit = 256 * MB;
        assertThat(OffHeapGovernor.nextPatience(1, false, 1000 * ms, 6 * ms, 0, limit)).as("gave back too little").isEqualTo(2);
        assertThat(OffHeapGovernor.nextPatience(64, false, 1000 * ms, 6 * ms, 0, limit)).as("capped").isEqualTo(64);
        assertThat(OffHeapGovernor.nextPatience(1, true, 60 * ms, 6 * ms, 40 * MB, limit)).as("10% of the time in collections").isEqualTo(2);
        assertThat(OffHeapGovernor.nextPatience(16, true, 60 * ms, 6 * ms, 40 * MB, limit)).as("capped").isEqualTo(16);
        assertThat(OffHeapGovernor.nextPatience(5, true, 60 * ms, 6 * ms, 200 * MB, limit)).as("the pool holds half its limit").isEqualTo(1);
        assertThat(OffHeapGovernor.nextPatience(5, true, 200 * ms, 6 * ms, 40 * MB, limit)).as("3% of the time").isEqualTo(1);
    }

    @Test void noCollectionBeforeAMissWhenCollectionsAreOffOrNothingLentCouldServe() {
        long saved = Nabla.gcThreshold();
        try {
            OffHeapGovernor.resetCosts();   // patience 1 and the first-collection guess, whatever ran before in this JVM
            OffHeapGovernor.missed(MB, 1_000_000_000_000L);   // a very slow fresh MB
            Nabla.setGcThreshold(0);
            assertThat(OffHeapGovernor.collectBeforeMiss(MB, 100 * MB)).as("collections off").isFalse();
            Nabla.setGcThreshold(saved);
            assertThat(OffHeapGovernor.collectBeforeMiss(MB, MB / 2)).as("less lent than asked for").isFalse();
            assertThat(OffHeapGovernor.collectBeforeMiss(MB, 100 * MB)).isTrue();
        } finally {
            Nabla.setGcThreshold(saved);
            OffHeapGovernor.resetCosts();
        }
    }
}
