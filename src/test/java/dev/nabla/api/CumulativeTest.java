package dev.nabla.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * cumsum and cumprod against finite differences (zeros in cumprod's input included, where a backward that divides
 * by the input fails), and the messages of the errors issue 18 added.
 */
class CumulativeTest {
    private static Tensor leaf(long... shape) { return Tensor.randn(DType.FLOAT64, shape).requiresGrad_(); }

    @Test void cumsumGradCheckAlongEachDim() {
        for (int d = -3; d < 3; d++) {
            int dim = d;
            GradCheck.check(in -> in.get(0).cumsum(dim), leaf(2, 3, 4));
        }
    }

    @Test void cumsumGradCheckOnAView() {
        GradCheck.check(in -> in.get(0).t().cumsum(1).mul(in.get(0).t()), leaf(4, 3));
    }

    @Test void cumprodGradCheckAlongEachDim() {
        for (int d = 0; d < 3; d++) {
            int dim = d;
            GradCheck.check(in -> in.get(0).cumprod(dim), leaf(2, 3, 4));
        }
    }

    @Test void cumprodGradCheckWithZeros() {
        Tensor x = Tensor.of(new double[] {1.5, 0, -2, 0.5, 0}, new double[] {0, 1.2, 0.8, -1.1, 2}, new double[] {0.7, -1.3, 0.9, 0, 1.4})
                .to(DType.FLOAT64).requiresGrad_();
        GradCheck.check(in -> in.get(0).cumprod(1), x);
        GradCheck.check(in -> in.get(0).cumprod(0), x);
        GradCheck.check(in -> in.get(0).t().cumprod(0), x);
        // the zero's own gradient is the products of the others, not 0 and not nan
        Tensor y = Tensor.of(DType.FLOAT64, 2, 0, 3).requiresGrad_();
        y.cumprod(0).sum().backward();
        assertThat(y.grad().toDoubleArray()).containsExactly(1, 2 + 2 * 3, 0);
    }

    @Test void cumprodGradCheckWithSmallBlocksOnTwoThreads() {
        int threads = Nabla.numThreads();
        Scan.tuneForTests(2, 1);
        Nabla.setNumThreads(2);
        try {
            Tensor x = leaf(3, 5, 4);
            x.nd().putScalar(new long[] {1, 2, 3}, 0.0);
            x.nd().putScalar(new long[] {2, 0, 1}, 0.0);
            GradCheck.check(in -> in.get(0).cumprod(1), x);
            GradCheck.check(in -> in.get(0).cumsum(1), x);
            // slabs larger than the backward's scratch (32 × block elements): lane blocks narrower than the rows
            Tensor wide = leaf(2, 6, 20);
            wide.nd().putScalar(new long[] {0, 3, 17}, 0.0);
            wide.nd().putScalar(new long[] {1, 0, 2}, 0.0);
            GradCheck.check(in -> in.get(0).cumprod(1), wide);
            GradCheck.check(in -> in.get(0).cumprod(0), wide);
        } finally {
            Scan.tuneForTests(Scan.BLOCK, Scan.MIN_PER_PART);
            Nabla.setNumThreads(threads);
        }
    }

    @Test void largeInputSplitOverThreadsMatchesOneThread() {
        Tensor x = Tensor.randn(3, 70_000);
        int threads = Nabla.numThreads();
        try {
            Nabla.setNumThreads(1);
            Tensor one = x.cumsum(1), oneDim0 = x.cumsum(0);
            Nabla.setNumThreads(2);
            assertThat(x.cumsum(1).toFloatArray()).containsExactly(one.toFloatArray());
            assertThat(x.cumsum(0).toFloatArray()).containsExactly(oneDim0.toFloatArray());
        } finally {
            Nabla.setNumThreads(threads);
        }
        // and the running sum is right at the end of each row (accumulated in double)
        double[] v = x.toDoubleArray();
        for (int row = 0; row < 3; row++) {
            double s = 0;
            for (int i = 0; i < 70_000; i++) s += (float) v[row * 70_000 + i];
            assertThat(x.cumsum(1).nd().getDouble(row, 69_999)).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-4 * Math.max(1, Math.abs(s))));
        }
    }

    @Test void float32AccumulatesInDoubleAsPyTorch() {
        // torch.full((4, 10**6), 0.1).cumsum(1)[:, -1] and torch.full((10**6, 4), 0.1).cumsum(0)[-1] are 100000.0 in
        // PyTorch 1.13 (its CPU kernel sums float32 in double); a float32 running sum drifts to ~100958
        Tensor rows = Tensor.full(new long[] {4, 1_000_000}, 0.1), cols = Tensor.full(new long[] {1_000_000, 4}, 0.1);
        assertThat(rows.cumsum(1).nd().getFloat(3, 999_999)).isEqualTo(100000.0f);
        assertThat(cols.cumsum(0).nd().getFloat(999_999, 2)).isEqualTo(100000.0f);
        assertThat(rows.cumsum(-1).nd().getFloat(0, 499_999)).isEqualTo((float) (500_000 * (double) 0.1f));
    }

    @Test void messagesNameTheOpAndTheFix() {
        assertThatThrownBy(() -> Tensor.of(1, 2, 3).std())
                .hasMessage("std(): std and var only support floating point and complex dtypes. Got: torch.int64; "
                        + "convert with x.to(DType.FLOAT32).std(…)");
        assertThatThrownBy(() -> Tensor.of(1, 2, 3).var(0)).hasMessageStartingWith("var(): std and var only support");
        assertThatThrownBy(() -> Tensor.ones(DType.FLOAT16, 3).cumsum(0))
                .hasMessageContaining("cumsum(): float16 is not supported on the CPU").hasMessageContaining("x.to(DType.FLOAT32).cumsum(dim)");
        assertThatThrownBy(() -> Tensor.ones(3).isclose(Tensor.ones(DType.FLOAT64, 3)))
                .hasMessageContaining("isclose: expected other of self's dtype torch.float32, got torch.float64");
        assertThatThrownBy(() -> Tensor.ones(2, 3).cumprod(2))
                .hasMessage("cumprod: dimension out of range (expected to be in range of [-2, 1], but got 2)");
    }
}
