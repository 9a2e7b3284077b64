package dev.nabla.api;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Whether an in-place op's input overlaps the tensor it writes, as PyTorch's {@code get_overlap_status}: the same
 * elements laid out alike is a full overlap (allowed: {@code y.add_(y)}); sharing only some memory is a partial one
 * (refused, as the result would depend on the order of the writes). Only tensors that are dense and non-overlapping are
 * compared, as in PyTorch; other layouts are left alone ("too hard").
 */
final class MemOverlap {
    private MemOverlap() {}

    /** Throws, naming {@code op}, where {@code input} partially overlaps {@code written}. */
    static void checkNoPartialOverlap(String op, INDArray written, INDArray input) {
        if (written == input || written.length() == 0 || input.length() == 0 || !Tensor.sharesStorage(written, input)) return;
        if (!denseNonOverlapping(written) || !denseNonOverlapping(input)) return;
        long aBegin = written.offset() * written.dataType().width(), aEnd = aBegin + written.length() * written.dataType().width();
        long bBegin = input.offset() * input.dataType().width(), bEnd = bBegin + input.length() * input.dataType().width();
        boolean full = aBegin == bBegin && aEnd == bEnd && Arrays.equals(strides(written), strides(input));
        if (!full && aBegin < bEnd && bBegin < aEnd) {
            throw new IllegalStateException(op + ": unsupported operation: some elements of the input tensor and the written-to "
                    + "tensor refer to a single memory location (input of shape " + Arrays.toString(input.shape()) + " at elements "
                    + input.offset() + "…" + (input.offset() + input.length() - 1) + " of the storage, written-to tensor of shape "
                    + Arrays.toString(written.shape()) + " at elements " + written.offset() + "…"
                    + (written.offset() + written.length() - 1) + "); clone() the input before the operation");
        }
    }

    private static long[] strides(INDArray a) { return a.rank() == 0 ? new long[0] : a.stride(); }

    /** Whether the elements fill a contiguous block, each once, in some order of the dimensions. */
    static boolean denseNonOverlapping(INDArray a) {
        int n = a.rank();
        long[][] dims = new long[n][];
        for (int i = 0; i < n; i++) dims[i] = new long[] {a.stride(i), a.size(i)};
        Arrays.sort(dims, (x, y) -> Long.compare(x[0], y[0]));
        long expected = 1;
        for (long[] d : dims) {
            if (d[1] == 1) continue;
            if (d[0] != expected) return false;
            expected *= d[1];
        }
        return true;
    }
}
