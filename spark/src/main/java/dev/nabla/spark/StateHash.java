package dev.nabla.spark;

import dev.nabla.api.Blas;
import dev.nabla.api.DType;
import dev.nabla.api.Tensor;
import java.nio.IntBuffer;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A 64-bit hash of a state dict's names, shapes and bits: equal hashes on two ranks mean (almost surely) equal states. */
final class StateHash {
    private StateHash() {}

    static long of(Map<String, Tensor> state) {
        long h = 0xcbf29ce484222325L;
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            h = mix(h, e.getKey().hashCode());
            INDArray a = e.getValue().nd();
            for (long d : a.shape()) h = mix(h, d);
            if (e.getValue().dtype() == DType.FLOAT32) {
                INDArray dense = a.isView() || a.ordering() != 'c' ? a.dup('c') : a;
                IntBuffer bits = Blas.bits(dense);
                for (int i = 0; i < bits.limit(); i++) h = mix(h, bits.get(i));
            } else {
                for (double v : a.dup('c').toDoubleVector()) h = mix(h, Double.doubleToLongBits(v));
            }
        }
        return h;
    }

    private static long mix(long h, long v) {
        h ^= v;
        h *= 0x100000001b3L;
        return h ^ (h >>> 32);
    }
}
