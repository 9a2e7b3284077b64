package dev.nabla.layers.kernels;

import dev.nabla.api.Blas;
import dev.nabla.api.DType;
import dev.nabla.api.Function;
import dev.nabla.api.Pool;
import dev.nabla.api.Tensor;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * weight[indices] for an embedding table; the backward scatter-adds into the rows used, skipping the padding row.
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class EmbeddingLookup extends Function {
    private final long[] indexShape;
    private final int[] index;
    private final long paddingIdx;

    /** Checks the indices (integer dtype, each in [0, num)); errors name the layer {@code who}. */
    public EmbeddingLookup(Tensor indices, long num, long paddingIdx, String who) {
        if (indices.dtype().isFloatingPoint() || indices.dtype() == DType.BOOL) {
            throw new IllegalArgumentException(who + ": expected indices of an integer dtype (int64), got " + indices.dtype()
                    + "; use indices.to(DType.INT64)");
        }
        this.indexShape = indices.shape().toArray();
        long[] idx = indices.toLongArray();
        this.index = new int[idx.length];
        this.paddingIdx = paddingIdx;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= num) {
                throw new IndexOutOfBoundsException(who + ": index " + idx[i] + " is out of range [0, " + num + ") at flat position " + i
                        + " of indices " + Arrays.toString(indexShape) + "; the table has " + num + " rows (num_embeddings)");
            }
            index[i] = (int) idx[i];
        }
    }

    @Override protected INDArray forward(INDArray... x) {
        INDArray w = x[0];
        long dim = w.size(1);
        long[] outShape = Arrays.copyOf(indexShape, indexShape.length + 1);
        outShape[indexShape.length] = dim;
        if (index.length == 0) return Nd4j.create(w.dataType(), outShape);
        return Nd4j.pullRows(w.isView() ? w.dup('c') : w, 1, index).reshape('c', outShape);
    }

    @Override protected INDArray[] backward(INDArray g) {
        long[] s = inputShape(0);
        int dim = (int) s[1];
        DataType type = g.dataType();
        // scatter-add of the gradient rows into the rows used, summed in double; float32 and float64 read in place
        INDArray rows = (type == DataType.FLOAT || type == DataType.DOUBLE) && Blas.available() ? Blas.denseC(g) : g.castTo(DataType.DOUBLE).dup('c');
        boolean f32 = rows.dataType() == DataType.FLOAT;
        java.nio.FloatBuffer gf = f32 ? Blas.floats(rows) : null;
        java.nio.DoubleBuffer gd = f32 ? null : Mem.doubles(rows);
        float[] rowF = new float[dim];
        double[] rowD = new double[dim];
        double[] acc = new double[(int) (s[0] * dim)];
        for (int k = 0; k < index.length; k++) {
            if (index[k] == paddingIdx) continue;
            int dst = index[k] * dim;
            if (f32) {
                gf.get(k * dim, rowF, 0, dim);
                for (int j = 0; j < dim; j++) acc[dst + j] += rowF[j];
            } else {
                gd.get(k * dim, rowD, 0, dim);
                for (int j = 0; j < dim; j++) acc[dst + j] += rowD[j];
            }
        }
        INDArray out = Pool.uninitialized(rows.dataType(), s);
        if (f32) {
            java.nio.FloatBuffer of = Blas.floats(out);
            for (int r = 0; r < s[0]; r++) {
                for (int j = 0; j < dim; j++) rowF[j] = (float) acc[r * dim + j];
                of.put(r * dim, rowF, 0, dim);
            }
        } else {
            Mem.doubles(out).put(0, acc, 0, acc.length);
        }
        return new INDArray[] {out.dataType() == type ? out : out.castTo(type)};
    }
}
