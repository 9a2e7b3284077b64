package dev.nabla.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nabla.api.DType;
import dev.nabla.api.Parameter;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import dev.nabla.layers.Linear;
import dev.nabla.layers.ReLU;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FlatParametersTest {

    private static Sequential model(long seed) {
        dev.nabla.api.Nabla.manualSeed(seed);
        return new Sequential(new Linear(5, 4), new ReLU(), new Linear(4, 3));
    }

    /** One backward of a mean-squared error on data that depends on {@code seed}. */
    private static void backward(Sequential m, long seed) {
        dev.nabla.api.Nabla.manualSeed(100 + seed);
        Tensor x = Tensor.randn(8, 5), y = Tensor.randn(8, 3);
        F.mseLoss(m.forward(x), y).backward();
    }

    /** The concatenation of each tensor's elements, the reference for the flat vector. */
    private static float[] concat(List<Tensor> ts) {
        List<Float> all = new ArrayList<>();
        for (Tensor t : ts) for (float v : t.toFloatArray()) all.add(v);
        float[] a = new float[all.size()];
        for (int i = 0; i < a.length; i++) a[i] = all.get(i);
        return a;
    }

    @Test
    @Timeout(60)
    void gradientsAndParametersGoToOneVectorInParameterOrderAndBack() {
        Sequential m = model(1);
        backward(m, 1);
        FlatParameters flat = new FlatParameters(m.parameters());
        assertThat(flat.numel()).isEqualTo(5 * 4 + 4 + 4 * 3 + 3);
        float[] g = new float[flat.numel()], w = new float[flat.numel()];
        flat.copyGradsTo(g);
        flat.copyParamsTo(w);
        List<Tensor> grads = new ArrayList<>(), params = new ArrayList<>();
        for (Parameter p : m.parameters()) {
            grads.add(p.grad());
            params.add(p);
        }
        assertThat(g).containsExactly(concat(grads));
        assertThat(w).containsExactly(concat(params));
        for (int i = 0; i < g.length; i++) {
            g[i] = i * 0.5f;
            w[i] = -i;
        }
        flat.copyGradsFrom(g);
        flat.copyParamsFrom(w);
        grads.clear();
        params.clear();
        for (Parameter p : m.parameters()) {
            grads.add(p.grad());
            params.add(p);
        }
        assertThat(concat(grads)).containsExactly(g);
        assertThat(concat(params)).containsExactly(w);
        // the layer sees the new weights: its output is the one of the written values
        Linear first = (Linear) m.namedModules().get("0");
        assertThat(first.weight().toFloatArray()[7]).isEqualTo(-7f);
    }

    @Test
    @Timeout(60)
    void aMissingGradientReadsAsZerosAndIsCreatedWhenWritten() {
        Parameter a = new Parameter(Tensor.of(new double[] {1, 2, 3}).to(DType.FLOAT64));
        Parameter frozen = new Parameter(Tensor.of(new double[] {4, 5}).to(DType.FLOAT64), false);
        FlatParameters flat = new FlatParameters(List.of(a, frozen));
        double[] v = {9, 9, 9, 9, 9};
        flat.copyGradsTo(v);
        assertThat(v).containsExactly(0, 0, 0, 0, 0);
        flat.copyGradsFrom(new double[] {1, 2, 3, 4, 5});
        assertThat(a.grad().toDoubleArray()).containsExactly(1, 2, 3);
        assertThat(frozen.grad()).as("a parameter that does not require grad gets none").isNull();
        flat.copyParamsTo(v);
        assertThat(v).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void badArraysAreRefusedNamingWhatWasExpected() {
        FlatParameters flat = new FlatParameters(model(2).parameters());
        assertThatThrownBy(() -> flat.copyGradsTo(new float[3])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FlatParameters.copyGradsTo: expected an array of 39 elements (the parameters' total), got 3");
        assertThatThrownBy(() -> flat.copyParamsFrom(new double[39])).hasMessageContaining("the parameters are torch.float32, so pass a float[]");
        Parameter d = new Parameter(Tensor.zeros(DType.FLOAT64, 2));
        assertThatThrownBy(() -> new FlatParameters(List.of(model(3).parameters().get(0), d)))
                .hasMessageContaining("got torch.float32 for parameter 0 and torch.float64 for parameter 1");
    }

    @Test
    @Timeout(60)
    void averagingGradientsAndParametersOverTwoRanksGivesTheMeanOnBoth() throws Exception {
        Sequential[] models = {model(10), model(11)};
        float[][] before = new float[2][], beforeParams = new float[2][];
        for (int r = 0; r < 2; r++) {
            backward(models[r], r);
            FlatParameters f = new FlatParameters(models[r].parameters());
            before[r] = new float[f.numel()];
            beforeParams[r] = new float[f.numel()];
            f.copyGradsTo(before[r]);
            f.copyParamsTo(beforeParams[r]);
        }
        List<float[][]> results = Ring.values(Ring.run(2, Duration.ofSeconds(20), ring -> {
            Sequential m = models[ring.rank()];
            FlatParameters f = new FlatParameters(m.parameters());
            f.averageGrads(ring);
            ParameterAveraging avg = new ParameterAveraging(ring, m.parameters(), 2);
            float[] afterOne = new float[f.numel()], afterTwo = new float[f.numel()], g = new float[f.numel()];
            boolean first = avg.step();
            f.copyParamsTo(afterOne);
            boolean second = avg.step();
            f.copyParamsTo(afterTwo);
            f.copyGradsTo(g);
            assertThat(first).isFalse();
            assertThat(second).isTrue();
            return new float[][] {g, afterOne, afterTwo};
        }));
        int n = before[0].length;
        for (int i = 0; i < n; i++) {
            assertThat(results.get(0)[0][i]).isEqualTo((before[0][i] + before[1][i]) * 0.5f);
            assertThat(results.get(0)[2][i]).isEqualTo((beforeParams[0][i] + beforeParams[1][i]) * 0.5f);
        }
        assertThat(results.get(0)[1]).as("no averaging before the k-th step").containsExactly(beforeParams[0]);
        assertThat(results.get(1)[1]).containsExactly(beforeParams[1]);
        assertThat(results.get(1)[0]).containsExactly(results.get(0)[0]);
        assertThat(results.get(1)[2]).containsExactly(results.get(0)[2]);
        assertThat(beforeParams[0]).isNotEqualTo(beforeParams[1]);
    }
}
