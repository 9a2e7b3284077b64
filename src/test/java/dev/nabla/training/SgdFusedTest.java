package dev.nabla.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.api.DType;
import dev.nabla.api.Parameter;
import dev.nabla.api.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SGD's one-pass float32 update (momentum, dampening, weight decay, Nesterov, maximize) against the float64 update,
 * which OptimizerGoldenTest holds to PyTorch's trajectories: the same starting values and gradients, five steps.
 */
class SgdFusedTest {
    private static double[] values(int n, int seed) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = Math.sin(seed * 1.3 + i * 0.7) * (1 + i % 5);
        return v;
    }

    private static void check(double momentum, double dampening, double wd, boolean nesterov, boolean maximize) {
        int n = 5000;   // more than a chunk of the update, with a remainder
        double[] init = values(n, 1);
        Parameter p32 = new Parameter(Tensor.from(Nd4j.createFromArray(init).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).reshape(50, 100)));
        // the float64 run starts from the float32 values, so that only the update's rounding differs
        Parameter p64 = new Parameter(Tensor.from(p32.nd().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)));
        SGD a = SGD.withGroups(List.of(dev.nabla.api.Optimizer.ParamGroup.of(List.of(p32))), 0.05, momentum, dampening, wd, nesterov);
        SGD b = SGD.withGroups(List.of(dev.nabla.api.Optimizer.ParamGroup.of(List.of(p64))), 0.05, momentum, dampening, wd, nesterov);
        if (maximize) {
            a.paramGroups().get(0).with("maximize", true);
            b.paramGroups().get(0).with("maximize", true);
        }
        for (int s = 0; s < 5; s++) {
            double[] g = values(n, 10 + s);
            Tensor g32 = Tensor.from(Nd4j.createFromArray(g).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).reshape(50, 100));
            p32.setGrad(g32);
            p64.setGrad(Tensor.from(g32.nd().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)));
            a.step();
            b.step();
            double[] x = p32.toDoubleArray(), e = p64.toDoubleArray();
            for (int i = 0; i < n; i++) {
                assertThat(Math.abs(x[i] - e[i])).as("momentum %s dampening %s wd %s nesterov %s maximize %s: step %d element %d: %s vs %s",
                        momentum, dampening, wd, nesterov, maximize, s, i, x[i], e[i]).isLessThanOrEqualTo(2e-6 * Math.max(1, Math.abs(e[i])));
            }
            assertThat(p32.nd().dataType()).isEqualTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        }
    }

    @Test void momentumAndWeightDecay() { check(0.9, 0, 5e-4, false, false); }

    @Test void dampening() { check(0.9, 0.3, 0, false, false); }

    @Test void nesterov() { check(0.8, 0, 1e-2, true, false); }

    @Test void maximize() { check(0.5, 0.1, 1e-3, false, true); }

    /** Two steps worked by hand: buf = g, p −= 0.1·g; then buf = 0.9·g + g, p −= 0.1·buf. */
    @Test void twoStepsByHand() {
        Parameter p = new Parameter(Tensor.of(DType.FLOAT32, 1, 2, 3));
        SGD opt = new SGD(List.of(p), 0.1, 0.9);
        p.setGrad(Tensor.of(DType.FLOAT32, 0.5, -1, 2));
        opt.step();
        p.setGrad(Tensor.of(DType.FLOAT32, 0.5, -1, 2));
        opt.step();
        assertThat(p.toDoubleArray()).containsExactly(new double[] {1 - 0.05 - 0.095, 2 + 0.1 + 0.19, 3 - 0.2 - 0.38}, org.assertj.core.data.Offset.offset(1e-6));
    }
}
