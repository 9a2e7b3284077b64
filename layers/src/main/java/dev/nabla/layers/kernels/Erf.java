package dev.nabla.layers.kernels;

import dev.nabla.api.Function;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The error function, for the exact GELU; its derivative is 2/√π · exp(−x²).
 *
 * <p>Internal: public only for {@code dev.nabla.layers}; not part of the public API.
 */
public final class Erf extends Function {
    @Override protected INDArray forward(INDArray... x) {
        INDArray out = Nd4j.createUninitialized(x[0].dataType(), x[0].shape());
        Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Erf(x[0], out));
        return out;
    }

    @Override protected INDArray[] backward(INDArray g) {
        INDArray x = input(0);
        return new INDArray[] {g.mul(Transforms.exp(x.mul(x).negi(), false).muli(2 / Math.sqrt(Math.PI)))};
    }
}
