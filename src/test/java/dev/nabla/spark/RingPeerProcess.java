package dev.nabla.spark;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * For {@link RingCollectiveTest}: rank 1 of a two-rank ring in its own JVM. Prints its address, joins rank 0 (whose
 * address is the argument), reduces the test's data and prints a hash of the result's bits.
 */
public final class RingPeerProcess {
    static final int LENGTH = 123_457;

    private RingPeerProcess() {}

    public static void main(String[] args) {
        RingCollective.Listener l = RingCollective.listen("127.0.0.1", Duration.ofSeconds(20));
        System.out.println(l.address());
        System.out.flush();
        float[] a = RingCollectiveTest.floats(1, LENGTH);
        try (RingCollective ring = l.connect(1, List.of(args[0], l.address()), "two-jvms")) {
            ring.allReduceMean(a);
            ring.allGather(ProcessHandle.current().pid());
        }
        System.out.println("bits " + Arrays.hashCode(RingCollectiveTest.bits(a)));
    }
}
