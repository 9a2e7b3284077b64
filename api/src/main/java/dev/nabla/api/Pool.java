package dev.nabla.api;

import java.lang.ref.PhantomReference;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reuses the memory of large float32/float64 arrays across training steps. Measured on the build machine, ND4J's
 * allocation of a fresh array costs ~0.1–0.45 ms per MB (libnd4j touches the new memory, and freed memory goes back
 * to the OS, so every step pays page faults again; 1.7 ms for a 4 MB array), and the frees that follow each
 * collection slow down the ops running meanwhile. So the ops take their large outputs from here: blocks of memory
 * that are allocated once and handed out again as new arrays (no copy, no clearing: {@link #uninitialized}).
 *
 * <p>A block comes back when nothing can reach the array any more: explicitly, for gradient arrays the tape made
 * and consumed ({@link #release}), or when the garbage collector finds the array's buffer unreachable (a phantom
 * reference; views keep their base buffer reachable). Blocks are kept per exact size; at most
 * {@link #IDLE_LIMIT} bytes wait idle, beyond that a returning block is given back to ND4J. CPU backend only;
 * elsewhere, and for small arrays, this is ND4J's own allocation.
 */
public final class Pool {
    /** Arrays smaller than this are not pooled (ND4J's allocation is cheap there). */
    static final long MIN_BYTES = 32 << 10;
    /** Bytes of idle blocks kept for reuse. */
    static final long IDLE_LIMIT = Settings.poolIdleBytes();
    private static final boolean ENABLED = Settings.poolEnabled();

    private static final ReferenceQueue<DataBuffer> QUEUE = new ReferenceQueue<>();
    private static final Map<Long, ArrayDeque<Block>> IDLE = new HashMap<>();
    /** When each size was last asked for. */
    private static final Map<Long, Long> LAST_REQUEST = new HashMap<>();
    private static final Map<Reference<?>, Block> LENT = new HashMap<>();
    private static final Map<Long, Reference<?>> LENT_BY_ADDRESS = new HashMap<>();
    private static long idleBytes, lentBytes, misses, hits;
    /** How many arrays the pool has lent so far: each lending's number ({@link #lentSince}). */
    private static long lendings;

    /** Idle blocks of a size nobody asked for in this long are freed (0: never), so that a change of workload gives memory back. */
    static final long TRIM_MILLIS = Settings.poolTrimMillis();
    private static volatile boolean trimmerStarted;
    /**
     * Whether the trimmer also gives freed heap memory back to the system (glibc's {@code malloc_trim}) in a round where
     * it freed idle blocks, that is after a change of workload: ND4J's arrays are malloc'd, and freed ones otherwise stay
     * resident in the allocator's arenas (6 Fashion-MNIST epochs: largest resident size 1,209 MB against 1,470 MB). Not
     * in every round: libnd4j's oneDNN convolutions malloc scratch memory on every call, and memory handed back to the
     * system is paid for again in page faults at the next call (ResNetConvBench at batch 128 on a Firecracker VM, where a
     * fresh MB costs 2.6 ms: 16→16 channels 3×3 forward + backward 56.6 ms with a trim every second, 16.1 ms without;
     * 32→32 17.0 against 7.2 ms). {@code -Dnabla.mallocTrim=false} turns it off.
     */
    static final boolean MALLOC_TRIM = Settings.mallocTrim();

    /** A block of memory owned by the pool: the ND4J array that holds it, its address and size. */
    private record Block(INDArray owner, long address, long bytes) {}

    private static final class Lent extends PhantomReference<DataBuffer> {
        final long address, number;
        Lent(DataBuffer b, long address, long number) { super(b, QUEUE); this.address = address; this.number = number; }
    }

    private Pool() {}

    /** A new C-ordered array of the given type and shape, its contents undefined. */
    public static INDArray uninitialized(DataType type, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        long bytes = n * type.width();
        if (!ENABLED || bytes < MIN_BYTES || (type != DataType.FLOAT && type != DataType.DOUBLE) || !Blas.available()) {
            return Nd4j.createUninitialized(type, shape, 'c');
        }
        Block b;
        synchronized (Pool.class) {
            drain();
            ArrayDeque<Block> q = IDLE.get(bytes);
            LAST_REQUEST.put(bytes, System.nanoTime());
            b = q == null ? null : q.pollLast();
            if (b != null) {
                idleBytes -= bytes;
                hits++;
            }
        }
        if (b == null && OffHeapGovernor.collectBeforeMiss(bytes, lentBytes())) b = collectAndRetake(bytes);
        if (b == null) {
            if (!trimmerStarted && TRIM_MILLIS > 0) startTrimmer();
            long t0 = System.nanoTime();
            INDArray owner = Nd4j.createUninitialized(DataType.BYTE, bytes);
            OffHeapGovernor.missed(bytes, System.nanoTime() - t0);
            b = new Block(owner, owner.data().address(), bytes);
            synchronized (Pool.class) { misses++; }
        }
        OffHeapGovernor.allocated(bytes);   // comes back only after a collection, unless released
        Pointer p = new Pointer(b.owner().data().pointer());
        DataBuffer buf = type == DataType.FLOAT
                ? Nd4j.createBuffer(new FloatPointer(p).capacity(n).limit(n), type, n, FloatIndexer.create(new FloatPointer(p).capacity(n).limit(n)))
                : Nd4j.createBuffer(new DoublePointer(p).capacity(n).limit(n), type, n, DoubleIndexer.create(new DoublePointer(p).capacity(n).limit(n)));
        INDArray a = Nd4j.create(buf, shape, Nd4j.getStrides(shape, 'c'), 0, 'c');
        synchronized (Pool.class) {
            Lent ref = new Lent(buf, b.address(), lendings++);
            LENT.put(ref, b);
            LENT_BY_ADDRESS.put(b.address(), ref);
            lentBytes += bytes;
        }
        return a;
    }

    private static synchronized long lentBytes() { return lentBytes; }

    /** Longest wait, after a collection, for the first of the blocks it found dead to come back. */
    private static final long RETURN_WAIT_MILLIS = 2;

    /**
     * Collects, waits briefly for the blocks the collector found dead (the JVM queues their references on a thread
     * of its own), and takes a block of {@code bytes} if one came back; tells the governor what the collection cost
     * and whether it brought back at least {@code bytes}.
     */
    private static Block collectAndRetake(long bytes) {
        long lentBefore = lentBytes(), t0 = System.nanoTime();
        System.gc();
        Reference<? extends DataBuffer> first = null;
        try {
            first = QUEUE.remove(RETURN_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Block b;
        long back;
        synchronized (Pool.class) {
            if (first != null) giveBack(first);
            drain();
            back = lentBefore - lentBytes;
            ArrayDeque<Block> q = IDLE.get(bytes);
            b = q == null ? null : q.pollLast();
            if (b != null) {
                idleBytes -= bytes;
                hits++;
            }
        }
        OffHeapGovernor.collected(System.nanoTime() - t0, back >= bytes, back);
        return b;
    }

    /** Whether the pool is on ({@code -Dnabla.noPool=true} turns it off). */
    static boolean enabled() { return ENABLED; }

    /** Whether {@code a} is a whole array this pool lent (not a view into one). */
    static boolean owns(INDArray a) {
        if (!lendable(a)) return false;
        synchronized (Pool.class) {
            return LENT_BY_ADDRESS.containsKey(a.data().address());
        }
    }

    /** The number the next lending will get: arrays lent from now on are {@link #lentSince} it. */
    static synchronized long nextLending() { return lendings; }

    /** Whether {@code a} is a whole array this pool lent as lending number {@code first} or later. */
    static boolean lentSince(INDArray a, long first) {
        if (!lendable(a)) return false;
        synchronized (Pool.class) {
            Reference<?> ref = LENT_BY_ADDRESS.get(a.data().address());
            return ref instanceof Lent l && l.number >= first;
        }
    }

    /**
     * Takes back the memory of an array that nothing will use again (the tape's own consumed gradients). The caller
     * guarantees that no other array or view refers to it.
     */
    static boolean release(INDArray a) {
        if (!lendable(a)) return false;
        synchronized (Pool.class) {
            Reference<?> ref = LENT_BY_ADDRESS.get(a.data().address());
            if (ref == null) return false;
            ref.clear();
            giveBack(ref);
            OffHeapGovernor.freed(a.length() * a.dataType().width());
            return true;
        }
    }

    /** Whether {@code a} could be a whole lent array (checked before any lookup: every op's output passes here). */
    private static boolean lendable(INDArray a) {
        return ENABLED && !a.isView() && a.offset() == 0 && a.length() * a.dataType().width() >= MIN_BYTES
                && (a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE);
    }

    /** Blocks whose arrays the collector found unreachable come back. */
    private static void drain() {
        Reference<? extends DataBuffer> r;
        while ((r = QUEUE.poll()) != null) giveBack(r);
    }

    private static void giveBack(Reference<?> ref) {
        Block b = LENT.remove(ref);
        if (b == null) return;   // already released explicitly
        LENT_BY_ADDRESS.remove(b.address());
        lentBytes -= b.bytes();
        while (idleBytes + b.bytes() > IDLE_LIMIT) {
            long victim = staleSize(b.bytes(), IDLE, LAST_REQUEST);
            if (victim < 0) {
                b.owner().close();
                return;
            }
            ArrayDeque<Block> q = IDLE.get(victim);
            Block v = q.pollFirst();   // of that size, the block idle longest
            if (q.isEmpty()) IDLE.remove(victim);
            idleBytes -= v.bytes();
            v.owner().close();
        }
        IDLE.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).addLast(b);
        idleBytes += b.bytes();
    }

    /**
     * The size whose idle blocks go first when a block of {@code bytes} comes back to a full pool: of the sizes with idle
     * blocks ({@code idle}), the one asked for least recently ({@code lastRequest}, System.nanoTime; a size never asked
     * for counts as oldest), if that was before {@code bytes} was; else -1 (the returning block is freed instead). A
     * workload that changes sizes keeps what it asks for now; keeping the old sizes' blocks and freeing the returning ones
     * made every call take fresh memory (the micro-benchmarks late in a long process: GELU at [16, 128, 1024] missed
     * on 33–38 of 40 calls, with 190–270 MB idle when it started).
     */
    static long staleSize(long bytes, Map<Long, ? extends java.util.Collection<?>> idle, Map<Long, Long> lastRequest) {
        long victim = -1;
        for (var e : idle.entrySet()) {
            if (e.getValue().isEmpty() || e.getKey() == bytes) continue;
            if (victim < 0 || older(lastRequest.get(e.getKey()), lastRequest.get(victim))) victim = e.getKey();
        }
        Long mine = lastRequest.get(bytes);
        return victim >= 0 && (mine == null || older(lastRequest.get(victim), mine)) ? victim : -1;
    }

    /** Whether request time a is before b (null: never asked for, before everything). */
    private static boolean older(Long a, Long b) {
        if (a == null) return b != null;
        return b != null && a - b < 0;
    }

    /**
     * A daemon thread that frees, every {@link #TRIM_MILLIS}, the idle blocks of sizes nobody asked for in that time
     * (and then, if it freed any, trims the C heap: {@link #MALLOC_TRIM}):
     * a training loop asks for its sizes every step, but after a change of workload (inference at batch 1,000, then
     * training at batch 100) the larger blocks would otherwise stay resident.
     */
    private static synchronized void startTrimmer() {
        if (trimmerStarted) return;
        trimmerStarted = true;
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(TRIM_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                if (trim(TRIM_MILLIS * 1_000_000L) > 0 && MALLOC_TRIM) mallocTrim();
            }
        }, "nabla-pool-trimmer");
        t.setDaemon(true);
        t.start();
    }

    private static final java.lang.reflect.Method TRIM_MEMORY = trimMemoryMethod();

    private static java.lang.reflect.Method trimMemoryMethod() {
        try {
            java.lang.reflect.Method m = org.bytedeco.javacpp.Pointer.class.getDeclaredMethod("trimMemory");
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** glibc's malloc_trim(0) through JavaCPP: gives freed heap memory back to the system. */
    static void mallocTrim() {
        if (TRIM_MEMORY == null) return;
        try {
            TRIM_MEMORY.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // not available here: nothing to give back
        }
    }

    /** Frees the idle blocks of the sizes not asked for in the last {@code nanos}; returns the bytes freed. */
    static synchronized long trim(long nanos) {
        drain();
        long now = System.nanoTime(), freed = 0;
        for (var it = IDLE.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Long last = LAST_REQUEST.get(e.getKey());
            if (last != null && now - last < nanos) continue;
            for (Block b : e.getValue()) {
                idleBytes -= b.bytes();
                freed += b.bytes();
                b.owner().close();
            }
            it.remove();
        }
        return freed;
    }

    /** Counters for benchmarks and tests: {lent bytes, idle bytes, allocations from ND4J, reuses}. */
    public static synchronized long[] stats() {
        drain();
        return new long[] {lentBytes, idleBytes, misses, hits};
    }
}
