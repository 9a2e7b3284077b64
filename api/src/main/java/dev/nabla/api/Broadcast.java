package dev.nabla.api;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/** PyTorch's broadcasting rules over ND4J arrays, and the reduction of a gradient back to an input's shape. */
final class Broadcast {
    private Broadcast() {}

    /**
     * The broadcast shape of {@code a} and {@code b}: dimensions are aligned from the right, and each
     * pair must be equal or contain a 1.
     */
    static long[] shape(String op, long[] a, long[] b) {
        int n = Math.max(a.length, b.length);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long da = i < n - a.length ? 1 : a[i - (n - a.length)];
            long db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": the size of tensor a (" + da + ") must match the size of tensor b ("
                        + db + ") at non-singleton dimension " + i + "; shapes " + Arrays.toString(a) + " and "
                        + Arrays.toString(b) + " are not broadcastable");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /**
     * Runs a libnd4j pairwise custom op ({@code add}, {@code multiply}, …) with broadcasting, in the
     * given output dtype. Same shapes take ND4J's direct path.
     */
    static INDArray pairwise(String op, String libOp, INDArray a, INDArray b, DataType outType) {
        long[] out = shape(op, a.shape(), b.shape());
        if (a.dataType() == outType && b.dataType() == outType) {
            INDArray fast = legacy(libOp, a, b, out);
            if (fast != null) return fast;
        }
        INDArray result = Nd4j.createUninitialized(outType, out);
        Nd4j.exec(DynamicCustomOp.builder(libOp).addInputs(a, b).addOutputs(result).build());
        return result;
    }

    /**
     * The common broadcasts (a bias row [C] into [N, C], a keep-dims column [N, 1] into [N, C], …) through
     * ND4J's legacy broadcast ops, many times faster than the custom op for small arrays; null when the
     * shapes are not of that kind (one operand has the result's shape, the other's sizes match it on
     * the dims it does not broadcast).
     */
    private static INDArray legacy(String libOp, INDArray a, INDArray b, long[] out) {
        boolean aFull = Arrays.equals(a.shape(), out), bFull = Arrays.equals(b.shape(), out);
        if (aFull == bFull) return null;
        INDArray full = aFull ? a : b, part = aFull ? b : a;
        int[] dims = broadcastDims(part.shape(), out);
        if (dims == null) return null;
        INDArray z = Nd4j.createUninitialized(full.dataType(), out);
        long[] sq = new long[dims.length];
        for (int i = 0; i < dims.length; i++) sq[i] = out[dims[i]];
        INDArray p = part.reshape(sq.length == 1 ? new long[] {sq[0]} : sq);
        org.nd4j.linalg.api.ops.BroadcastOp o = switch (libOp) {
            case "add" -> new org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp(full, p, z, dims);
            case "multiply" -> new org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp(full, p, z, dims);
            case "subtract" -> aFull ? new org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp(full, p, z, dims)
                                     : new org.nd4j.linalg.api.ops.impl.broadcast.BroadcastRSubOp(full, p, z, dims);
            case "divide" -> aFull ? new org.nd4j.linalg.api.ops.impl.broadcast.BroadcastDivOp(full, p, z, dims)
                                   : new org.nd4j.linalg.api.ops.impl.broadcast.BroadcastRDivOp(full, p, z, dims);
            default -> null;
        };
        if (o == null) return null;
        Nd4j.getExecutioner().exec(o);
        return z;
    }

    /** The dims of {@code out} on which {@code part} (right-aligned) has the full size, all others being 1; null if none. */
    private static int[] broadcastDims(long[] part, long[] out) {
        int lead = out.length - part.length;
        int[] dims = new int[out.length];
        int k = 0;
        for (int i = 0; i < out.length; i++) {
            long s = i < lead ? 1 : part[i - lead];
            if (s == out[i] && s != 1) dims[k++] = i;
            else if (s != 1) return null;
        }
        return k == 0 ? null : Arrays.copyOf(dims, k);
    }

    /** A stride-0 view of {@code a} with the broadcast shape {@code target} (no copy). */
    static INDArray expand(INDArray a, long[] target) {
        long[] shape = a.shape();
        if (Arrays.equals(shape, target)) return a;
        int n = target.length;
        if (shape.length > n) {
            throw new IllegalArgumentException("expand: the number of sizes provided (" + n + ") must be greater or equal to "
                    + "the number of dimensions in the tensor (" + shape.length + ")");
        }
        long[] stride = a.stride();
        long[] newStride = new long[n];
        for (int i = 0; i < n; i++) {
            int j = i - (n - shape.length);
            if (j < 0) {
                newStride[i] = 0;
            } else if (shape[j] == target[i]) {
                newStride[i] = stride[j];
            } else if (shape[j] == 1) {
                newStride[i] = 0;
            } else {
                throw new IllegalArgumentException("expand: the expanded size of the tensor (" + target[i] + ") must match the "
                        + "existing size (" + shape[j] + ") at non-singleton dimension " + i + ".  Target sizes: "
                        + Arrays.toString(target) + ".  Tensor sizes: " + Arrays.toString(shape));
            }
        }
        if (a.length() == 0) return Nd4j.create(a.dataType(), target);
        return Nd4j.create(a.data(), target, newStride, a.offset(), 'c', a.dataType());
    }

    /** Sums a gradient of a broadcast result back to {@code shape}. */
    static INDArray sumTo(INDArray g, long[] shape) {
        long[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        int lead = gs.length - shape.length;
        int[] dims = new int[gs.length];
        int k = 0;
        for (int i = 0; i < gs.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && gs[i] != 1)) dims[k++] = i;
        }
        INDArray r = k == 0 ? g : g.sum(true, Arrays.copyOf(dims, k));
        return r.reshape(shape);
    }
}
