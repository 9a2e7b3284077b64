package dev.nabla.layers.kernels;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Layout changes between NCHW and the channel-major [C, N, H·W] of the convolution GEMMs, as block
 * copies (ND4J's dup of a permuted view measured 6 ms for 100k floats; this takes well under 1 ms).
 */
final class Layout {
    private Layout() {}

    /** [d0, d1, inner] → [d1, d0, inner] (a new C-ordered array), moving contiguous blocks of {@code inner} elements. */
    static INDArray swap01(INDArray src, long d0, long d1, long inner) {
        INDArray s = src.ordering() == 'c' && src.length() == d0 * d1 * inner && isDense(src) ? src : src.dup('c');
        INDArray out = Nd4j.createUninitialized(s.dataType(), d1, d0, inner);
        long es = s.dataType().width(), bytes = inner * es, base = s.offset() * es;
        BytePointer sp = new BytePointer(s.data().pointer()), dp = new BytePointer(out.data().pointer());
        for (long i = 0; i < d0; i++) {
            for (long j = 0; j < d1; j++) {
                sp.position(base + (i * d1 + j) * bytes);
                dp.position((j * d0 + i) * bytes);
                Pointer.memcpy(dp, sp, bytes);
            }
        }
        return out;
    }

    /** Whether the array is C-contiguous (its elements are one dense row-major block). */
    static boolean isDense(INDArray a) {
        long expected = 1;
        for (int i = a.rank() - 1; i >= 0; i--) {
            if (a.size(i) != 1 && a.stride(i) != expected) return false;
            expected *= a.size(i);
        }
        return true;
    }
}
