package dev.nabla.api;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.function.IntConsumer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Direct access, for the framework's own kernels, to the CPU BLAS that ND4J loads (OpenBLAS) and to the memory of
 * float32 arrays. ND4J's {@code gemm}/{@code mmul} costs ~10–20 µs of bookkeeping a call and its row-major result
 * path is slow; a direct {@code cblas_sgemm} on the arrays' memory costs ~1 µs, so that many small products (one
 * per sample in a convolution) pay off. Only on the CPU backend ({@link #available()}); callers fall back to ND4J's
 * calls elsewhere.
 *
 * <p>BLAS runs single-threaded here (see {@link Nabla#setNumThreads}); kernels split their work over
 * {@link #parallel} instead, so that each BLAS call runs on the thread that made it.
 */
public final class Blas {
    private static final int ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112;
    private static final boolean AVAILABLE = probe();

    private Blas() {}

    private static boolean probe() {
        try {
            Nabla.init();
            if (!Nd4j.getEnvironment().isCPU()) return false;
            Class.forName("org.bytedeco.openblas.global.openblas_nolapack");
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Whether direct BLAS calls and memory access are available (the CPU backend with its OpenBLAS). */
    public static boolean available() { return AVAILABLE; }

    /**
     * Row-major C[m×n] = alpha·op(A)·op(B) + beta·C on float32 arrays' memory, each matrix given by its array, the
     * element offset of its first element (from the array's own offset) and its leading dimension.
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, INDArray a, long offA, int lda,
                             INDArray b, long offB, int ldb, float beta, INDArray c, long offC, int ldc) {
        if (m == 0 || n == 0) return;
        org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS,
                m, n, k, alpha, at(0, a, offA), lda, at(1, b, offB), ldb, beta, at(2, c, offC), ldc);
    }

    /** y += alpha·x for float32 arrays of the same length, both C-contiguous. */
    public static void saxpy(float alpha, INDArray x, INDArray y) {
        if (x.length() != y.length() || x.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("Blas.saxpy: lengths " + x.length() + " and " + y.length());
        }
        org.bytedeco.openblas.global.openblas_nolapack.cblas_saxpy((int) x.length(), alpha, at(0, x, 0), 1, at(1, y, 0), 1);
    }

    /**
     * A float pointer whose address is set in place: BLAS calls take JavaCPP pointers, and making new ones per call
     * (ND4J's {@code addressPointer()} makes four objects) was ~0.3 MB of garbage a training step.
     */
    private static final class Address extends FloatPointer {
        Address() { super((Pointer) null); }

        Address set(long address, long offset) {
            this.address = address;
            this.position = offset;
            this.limit = 0;
            this.capacity = 0;
            return this;
        }
    }

    private static final ThreadLocal<Address[]> ADDRESSES = ThreadLocal.withInitial(() -> new Address[] {new Address(), new Address(), new Address()});

    /** Pointer {@code slot} of the calling thread (0–2, one per matrix of a call) at element {@code off} of the array's buffer. */
    private static FloatPointer at(int slot, INDArray a, long off) {
        requireFloat(a);
        // the address of the array's element 0: its buffer's origin plus the buffer's offset (a view's)
        return ADDRESSES.get()[slot].set(a.data().address() + 4 * a.data().offset(), off);
    }

    /**
     * The memory of a float32 array as a direct buffer of {@code a.length()} floats from the array's first element
     * (index 0 is element 0 of a C-contiguous array). Writes go to the array.
     */
    public static FloatBuffer floats(INDArray a) { return memory(a).asFloatBuffer(); }

    /** The memory of a float32 array as its raw bits, {@code a.length()} ints from element 0, like {@link #floats}. */
    public static java.nio.IntBuffer bits(INDArray a) { return memory(a).asIntBuffer(); }

    /** A float32 array's {@code 4·a.length()} bytes from element 0, in native order. */
    private static java.nio.ByteBuffer memory(INDArray a) {
        requireFloat(a);
        Pointer p = new FloatPointer(a.data().addressPointer()).position(0).limit(a.length());
        return p.asByteBuffer().order(ByteOrder.nativeOrder());
    }

    private static void requireFloat(INDArray a) {
        if (a.dataType() != DataType.FLOAT) throw new IllegalArgumentException("Blas: expected a float32 array, got " + a.dataType());
    }

    /** Whether the array is C-contiguous: its elements one dense row-major block. */
    public static boolean dense(INDArray a) {
        long expected = 1;
        for (int i = a.rank() - 1; i >= 0; i--) {
            if (a.size(i) != 1 && a.stride(i) != expected) return false;
            expected *= a.size(i);
        }
        return true;
    }

    /** The array itself when C-contiguous, else a C-ordered copy (row by row where {@link Strided} takes it). */
    public static INDArray denseC(INDArray a) { return dense(a) ? a : Strided.applies(a) ? Strided.dense(a) : a.dup('c'); }

    /**
     * Runs {@code body} for 0 … parts − 1, on {@link Nabla#numThreads()} threads at most (the caller's among them), on
     * the framework's spinning {@link Workers}.
     */
    public static void parallel(int parts, IntConsumer body) {
        if (parts <= 1 || Nabla.numThreads() <= 1) {
            for (int i = 0; i < parts; i++) body.accept(i);
            return;
        }
        Workers.run(parts, Nabla.numThreads(), body);
    }

    /** The number of parts to split {@code units} of work into: one per thread, but none smaller than {@code minPerPart}. */
    public static int parts(long units, long minPerPart) {
        return (int) Math.max(1, Math.min(Nabla.numThreads(), units / Math.max(1, minPerPart)));
    }
}
