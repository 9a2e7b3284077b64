package dev.nabla.layers.kernels;

import dev.nabla.api.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * log softmax along one dimension as one op: y = s − log Σ exp(s) with s = x − max(x) (no overflow), and
 * the fused backward dx = g − exp(y)·Σ g.
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class LogSoftmaxFunction extends Function {
    private final int dim;

    public LogSoftmaxFunction(int dim) { this.dim = dim; }

    @Override protected INDArray forward(INDArray... in) {
        saveOutput();
        INDArray x = in[0];
        INDArray s = along(x, x.max(dim), false);
        INDArray lse = Transforms.log(Transforms.exp(s, true).sum(dim), false);
        return along(s, lse, false);
    }

    @Override protected INDArray[] backward(INDArray g) {
        INDArray p = Transforms.exp(output(), true);
        INDArray weighted = along(p, g.sum(dim), true);     // exp(y) · Σ g
        return new INDArray[] {g.sub(weighted)};
    }

    /** full − v (or full · v) with v, reduced over {@code dim}, broadcast back along it. */
    private INDArray along(INDArray full, INDArray v, boolean multiply) {
        int[] keep = new int[full.rank() - 1];
        for (int i = 0, k = 0; i < full.rank(); i++) if (i != dim) keep[k++] = i;
        INDArray out = Nd4j.createUninitialized(full.dataType(), full.shape());
        if (keep.length == 0) { // a 1-d input: v is a scalar
            return multiply ? full.mul(v.getDouble(0)) : full.sub(v.getDouble(0));
        }
        Nd4j.getExecutioner().exec(multiply ? new BroadcastMulOp(full, v, out, keep) : new BroadcastSubOp(full, v, out, keep));
        return out;
    }
}
