package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SameDiff as a second, independent autodiff: composite expressions built with Nabla's tensors and
 * as a SameDiff graph, compared in float64 on the loss and on every gradient.
 * (Shapes avoid a batch of 1: some SameDiff 1.0.0-M2.1 reductions crash there.)
 */
class SameDiffOracleTest {
    private static final double RTOL = 1e-6;

    /** The expression twice: over Nabla tensors, and over SameDiff variables of the same names. */
    private interface Expr {
        Tensor nabla(Map<String, Tensor> t);
        SDVariable sameDiff(SameDiff sd, Map<String, SDVariable> v);
    }

    /** Builds both, with {@code vars} requiring grad (SameDiff variables) and {@code consts} not (placeholders). */
    private static void check(Map<String, INDArray> vars, Map<String, INDArray> consts, Expr e) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        vars.forEach((k, a) -> t.put(k, Tensor.from(a.dup()).requiresGrad_()));
        consts.forEach((k, a) -> t.put(k, Tensor.from(a.dup())));
        Tensor loss = e.nabla(t);
        loss.backward();

        SameDiff sd = SameDiff.create();
        Map<String, SDVariable> v = new LinkedHashMap<>();
        vars.forEach((k, a) -> v.put(k, sd.var(k, a.dup())));
        consts.forEach((k, a) -> v.put(k, sd.placeHolder(k, DataType.DOUBLE, a.shape())));
        SDVariable out = e.sameDiff(sd, v);
        sd.setLossVariables(out);
        Map<String, INDArray> feed = new LinkedHashMap<>();
        consts.forEach((k, a) -> feed.put(k, a.dup()));
        INDArray expected = sd.output(feed, out.name()).get(out.name());
        Map<String, INDArray> grads = sd.calculateGradients(feed, vars.keySet());

        assertClose("loss", loss.nd(), expected);
        for (String k : vars.keySet()) assertClose("d loss / d " + k, t.get(k).grad().nd(), grads.get(k));
    }

    private static void assertClose(String what, INDArray actual, INDArray expected) {
        assertThat(actual.length()).as(what + " size").isEqualTo(expected.length());
        double[] a = actual.castTo(DataType.DOUBLE).dup('c').reshape(actual.length()).toDoubleVector();
        double[] b = expected.castTo(DataType.DOUBLE).dup('c').reshape(expected.length()).toDoubleVector();
        for (int i = 0; i < a.length; i++) {
            double tol = RTOL * Math.max(Math.abs(b[i]), 1e-3);
            assertThat(Math.abs(a[i] - b[i])).as("%s[%d]: Nabla %s vs SameDiff %s", what, i, a[i], b[i]).isLessThanOrEqualTo(tol);
        }
    }

    private static INDArray randn(long... shape) { return Nd4j.randn(DataType.DOUBLE, shape); }

    private static INDArray rand(double lo, double hi, long... shape) {
        return Nd4j.rand(DataType.DOUBLE, shape).muli(hi - lo).addi(lo);
    }

    @Test void tanhOfAffineSummed() {
        Nabla.manualSeed(1);
        check(Map.of("w", randn(3, 5), "b", randn(5)), Map.of("x", randn(4, 3)), new Expr() {
            public Tensor nabla(Map<String, Tensor> t) { return t.get("x").mm(t.get("w")).add(t.get("b")).tanh().sum(); }
            public SDVariable sameDiff(SameDiff sd, Map<String, SDVariable> v) {
                return sd.math().tanh(v.get("x").mmul(v.get("w")).add(v.get("b"))).sum();
            }
        });
    }

    @Test void meanSquaredError() {
        Nabla.manualSeed(2);
        check(Map.of("w", randn(3, 2)), Map.of("x", randn(6, 3), "y", randn(6, 2)), new Expr() {
            public Tensor nabla(Map<String, Tensor> t) { return t.get("x").mm(t.get("w")).sub(t.get("y")).pow(2).mean(); }
            public SDVariable sameDiff(SameDiff sd, Map<String, SDVariable> v) {
                return v.get("x").mmul(v.get("w")).sub(v.get("y")).pow(2).mean();
            }
        });
    }

    @Test void logSigmoidMean() {
        Nabla.manualSeed(3);
        check(Map.of("z", randn(3, 4)), Map.of(), new Expr() {
            public Tensor nabla(Map<String, Tensor> t) { return t.get("z").sigmoid().log().mean(); }
            public SDVariable sameDiff(SameDiff sd, Map<String, SDVariable> v) {
                return sd.math().log(sd.nn().sigmoid(v.get("z"))).mean();
            }
        });
    }

    @Test void softmaxByExpOverSumWithDimReductions() {
        Nabla.manualSeed(4);
        check(Map.of("z", randn(3, 4)), Map.of("c", randn(3, 4)), new Expr() {
            public Tensor nabla(Map<String, Tensor> t) {
                Tensor e = t.get("z").exp();
                Tensor p = e.div(e.sum(1, true));                  // softmax over dim 1, broadcast [3,4] / [3,1]
                return p.mul(t.get("c")).sum(1).mean(0);          // weighted, then a reduction per dim
            }
            public SDVariable sameDiff(SameDiff sd, Map<String, SDVariable> v) {
                SDVariable e = sd.math().exp(v.get("z"));
                SDVariable p = e.div(e.sum(true, 1));
                return p.mul(v.get("c")).sum(1).mean(0);
            }
        });
    }

    @Test void broadcastColumnByRow() {
        Nabla.manualSeed(5);
        check(Map.of("a", rand(0.5, 2, 4, 1), "b", randn(1, 5)), Map.of(), new Expr() {
            public Tensor nabla(Map<String, Tensor> t) {
                Tensor a = t.get("a"), b = t.get("b");
                return a.mul(b).sub(b.div(a.add(3))).tanh().sum();   // [4,1] op [1,5] -> [4,5]
            }
            public SDVariable sameDiff(SameDiff sd, Map<String, SDVariable> v) {
                SDVariable a = v.get("a"), b = v.get("b");
                return sd.math().tanh(a.mul(b).sub(b.div(a.add(3)))).sum();
            }
        });
    }

    @Test void powSqrtAbs() {
        Nabla.manualSeed(6);
        check(Map.of("x", randn(2, 3), "p", rand(0.5, 2, 2, 3)), Map.of(), new Expr() {
            public Tensor nabla(Map<String, Tensor> t) {
                Tensor x = t.get("x"), p = t.get("p");
                return x.abs().add(1).pow(p).sqrt().sum().add(x.pow(3).mul(0.5).mean());
            }
            public SDVariable sameDiff(SameDiff sd, Map<String, SDVariable> v) {
                SDVariable x = v.get("x"), p = v.get("p");
                SDVariable a = sd.math().sqrt(sd.math().pow(sd.math().abs(x).add(1), p)).sum();
                return a.add(x.pow(3).mul(0.5).mean());
            }
        });
    }
}
