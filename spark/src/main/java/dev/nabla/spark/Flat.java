package dev.nabla.spark;

import dev.nabla.api.Blas;
import dev.nabla.api.DType;
import dev.nabla.api.Module;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Float32 tensors (gradients, parameters, buffers) as one array for a {@link Collective}, and back, in list order. */
final class Flat {
    private Flat() {}

    /** Every parameter's gradient becomes the mean over the ranks (a missing gradient counts as zeros). */
    static void allReduceGradients(Collective c, List<Parameter> params) {
        List<INDArray> grads = new ArrayList<>(params.size());
        for (Parameter p : params) {
            if (p.grad() == null) p.setGrad(p.detach().zerosLike());
            grads.add(p.grad().nd());
        }
        allReduce(c, grads);
    }

    /** Every parameter's value becomes the mean over the ranks. */
    static void allReduceValues(Collective c, List<Parameter> params) {
        List<INDArray> values = new ArrayList<>(params.size());
        for (Parameter p : params) values.add(p.nd());
        allReduce(c, values);
    }

    /** The model's float32 buffers (e.g. BatchNorm's running statistics) become the mean over the ranks. */
    static void allReduceBuffers(Collective c, Module model) {
        List<INDArray> buffers = new ArrayList<>();
        for (Tensor b : model.namedBuffers().values()) if (b.dtype() == DType.FLOAT32) buffers.add(b.nd());
        if (!buffers.isEmpty()) allReduce(c, buffers);
    }

    private static void allReduce(Collective c, List<INDArray> arrays) {
        long total = 0;
        for (INDArray a : arrays) total += a.length();
        float[] flat = new float[Math.toIntExact(total)];
        int off = 0;
        for (INDArray a : arrays) {
            int n = (int) a.length();
            if (dense(a)) Blas.floats(a).get(flat, off, n);
            else System.arraycopy(a.dup('c').toFloatVector(), 0, flat, off, n);
            off += n;
        }
        c.allReduceMean(flat);
        off = 0;
        for (INDArray a : arrays) {
            int n = (int) a.length();
            if (dense(a)) {
                FloatBuffer b = Blas.floats(a);
                b.put(flat, off, n);
            } else {
                float[] part = new float[n];
                System.arraycopy(flat, off, part, 0, n);
                a.assign(Nd4j.create(part, a.shape(), 'c'));
            }
            off += n;
        }
    }

    private static boolean dense(INDArray a) {
        return !a.isView() && a.ordering() == 'c' && a.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT;
    }
}
