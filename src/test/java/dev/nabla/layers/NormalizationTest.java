package dev.nabla.layers;

import dev.nabla.api.Shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nabla.api.DType;
import dev.nabla.api.Grad;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import org.junit.jupiter.api.Test;

/** BatchNorm's running statistics and state dict, LayerNorm and Embedding defaults, and the errors of the new layers. */
class NormalizationTest {

    @Test void batchNormStateDictAndDefaultsAreAsPyTorch() {
        BatchNorm2d bn = new BatchNorm2d(3);
        assertThat(bn.stateDict().keySet()).containsExactly("weight", "bias", "running_mean", "running_var", "num_batches_tracked");
        assertThat(bn.weight().toFloatArray()).containsExactly(1, 1, 1);
        assertThat(bn.bias().toFloatArray()).containsExactly(0, 0, 0);
        assertThat(bn.runningVar().toFloatArray()).containsExactly(1, 1, 1);
        assertThat(bn.numBatchesTracked().dtype()).isEqualTo(DType.INT64);
        assertThat(bn.numBatchesTracked().dim()).isZero();
        assertThat(new BatchNorm1d(4, BatchNormOptions.DEFAULT.withAffine(false)).stateDict().keySet())
                .containsExactly("running_mean", "running_var", "num_batches_tracked");
        assertThat(new BatchNorm1d(4, BatchNormOptions.DEFAULT.withTrackRunningStats(false)).stateDict().keySet())
                .containsExactly("weight", "bias");
    }

    @Test void trainingUpdatesTheRunningStatisticsAndEvalUsesThem() {
        Nabla.manualSeed(5);
        BatchNorm1d bn = new BatchNorm1d(2, BatchNormOptions.DEFAULT.withMomentum(0.5));
        bn.to(DType.FLOAT64);
        Tensor x = Tensor.of(new double[][] {{1, 10}, {3, 10}, {5, 16}}).to(DType.FLOAT64);
        bn.forward(x);
        // mean (3, 12); unbiased variance (4, 12); running = 0.5·old + 0.5·batch
        assertThat(bn.runningMean().toDoubleArray()).containsExactly(1.5, 6);
        assertThat(bn.runningVar().toDoubleArray()).containsExactly(2.5, 6.5);
        assertThat(bn.numBatchesTracked().toLongArray()).containsExactly(1);
        bn.eval();
        Tensor y = bn.forward(x);
        assertThat(y.toDoubleArray()[0]).isCloseTo((1 - 1.5) / Math.sqrt(2.5 + 1e-5), within(1e-12));
        assertThat(bn.runningMean().toDoubleArray()).containsExactly(1.5, 6);
        assertThat(bn.numBatchesTracked().toLongArray()).containsExactly(1);
    }

    @Test void theRunningStatisticsGetNoGradientAndNoTape() {
        BatchNorm1d bn = new BatchNorm1d(3);
        Tensor y = bn.forward(Tensor.randn(4, 3).requiresGrad_());
        y.sum().backward();
        assertThat(bn.runningMean().requiresGrad()).isFalse();
        assertThat(bn.runningMean().grad()).isNull();
        assertThat(bn.weight().grad()).isNotNull();
    }

    @Test void layerNormNormalisesEachSample() {
        LayerNorm ln = new LayerNorm(4);
        ln.to(DType.FLOAT64);
        Tensor y = ln.forward(Tensor.of(new double[][] {{1, 2, 3, 4}, {-5, 0, 5, 10}}).to(DType.FLOAT64));
        assertThat(y.mean(1).toDoubleArray()).containsExactly(new double[] {0, 0}, within(1e-12));
        assertThat(y.var(new int[] {1}, false, false).toDoubleArray()).containsExactly(new double[] {1, 1}, within(1e-4));
        assertThat(ln.stateDict().keySet()).containsExactly("weight", "bias");
    }

    @Test void embeddingIsStandardNormalWithAZeroPaddingRow() {
        Nabla.manualSeed(11);
        Embedding e = new Embedding(1000, 20, -1);
        assertThat(e.repr()).isEqualTo("Embedding(1000, 20, padding_idx=999)");
        Tensor w = e.weight();
        assertThat(w.select(0, 999).abs().sum().item()).isZero();
        assertThat(w.mean().item()).isCloseTo(0, within(0.02));
        assertThat(w.std().item()).isCloseTo(1, within(0.02));
        Tensor out = e.forward(Tensor.of(new long[][] {{1, 999}, {1, 2}}));
        assertThat(out.shape()).isEqualTo(Shape.of(2, 2, 20));
        out.sum().backward();
        assertThat(w.grad().select(0, 1).toFloatArray()).containsOnly(2f);
        assertThat(w.grad().select(0, 999).toFloatArray()).containsOnly(0f);
        assertThat(e.forward(Tensor.scalar(DType.INT64, 3)).shape()).isEqualTo(Shape.of(20));
    }

    // ---------------------------------------------------------------- errors

    @Test void batchNormWithTheWrongChannelsSaysWhichToUse() {
        assertThatThrownBy(() -> new BatchNorm2d(32).forward(Tensor.randn(2, 16, 4, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True): "
                        + "expected input [N, 32, H, W], got [2, 16, 4, 4]")
                .hasMessageContaining("use BatchNorm2d(16)");
        assertThatThrownBy(() -> new BatchNorm1d(8).forward(Tensor.randn(4, 5)))
                .hasMessageContaining("expected input [N, 8] or [N, 8, L], got [4, 5]").hasMessageContaining("BatchNorm1d(5)");
    }

    @Test void batchNormWithTheWrongRankNamesTheOtherLayer() {
        assertThatThrownBy(() -> new BatchNorm2d(3).forward(Tensor.randn(4, 3)))
                .hasMessageContaining("expected input [N, 3, H, W], got 2-d input [4, 3]").hasMessageContaining("use BatchNorm1d");
        assertThatThrownBy(() -> new BatchNorm1d(3).forward(Tensor.randn(2, 3, 4, 4)))
                .hasMessageContaining("got 4-d input [2, 3, 4, 4]").hasMessageContaining("use BatchNorm2d");
    }

    @Test void batchNormTrainingNeedsMoreThanOneValuePerChannel() {
        BatchNorm1d bn = new BatchNorm1d(3);
        assertThatThrownBy(() -> bn.forward(Tensor.randn(1, 3))).hasMessageContaining("more than 1 value per channel when training");
        assertThat(bn.numBatchesTracked().toLongArray()).containsExactly(0);
        bn.eval();
        assertThat(bn.forward(Tensor.randn(1, 3)).shape()).isEqualTo(Shape.of(1, 3));
    }

    @Test void badOptionsAreRejected() {
        assertThatThrownBy(() -> BatchNormOptions.DEFAULT.withMomentum(1.5)).hasMessageContaining("momentum must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> BatchNormOptions.DEFAULT.withEps(0)).hasMessageContaining("eps must be positive");
        assertThatThrownBy(() -> new BatchNorm1d(0)).hasMessageContaining("BatchNorm1d: num_features must be positive, got 0");
        assertThatThrownBy(() -> new Embedding(10, 3, 10)).hasMessageContaining("padding_idx must be within num_embeddings");
        assertThatThrownBy(() -> new LayerNorm()).hasMessageContaining("at least one normalized dimension");
    }

    @Test void layerNormWithTheWrongShapeSaysWhatItExpected() {
        assertThatThrownBy(() -> new LayerNorm(4).forward(Tensor.randn(2, 5)))
                .hasMessageContaining("LayerNorm((4,)): expected input [*, 4], got [2, 5]");
    }

    @Test void embeddingIndicesOutOfRangeOrNotIntegerAreErrors() {
        Embedding e = new Embedding(10, 3);
        assertThatThrownBy(() -> e.forward(Tensor.of(new long[][] {{1, 2}, {10, 0}})))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("Embedding(10, 3): index 10 is out of range [0, 10) at flat position 2 of indices [2, 2]");
        assertThatThrownBy(() -> e.forward(Tensor.of(-1L))).hasMessageContaining("index -1 is out of range");
        assertThatThrownBy(() -> e.forward(Tensor.of(1.0f, 2.0f)))
                .hasMessageContaining("Embedding(10, 3): expected indices of an integer dtype (int64), got torch.float32")
                .hasMessageContaining("indices.to(DType.INT64)");
    }

    @Test void lossTargetsOfTheWrongDtypeShapeOrRangeAreErrors() {
        Tensor logits = Tensor.randn(4, 3);
        assertThatThrownBy(() -> F.crossEntropy(logits, Tensor.of(0f, 1f, 2f, 0f)))
                .hasMessageContaining("CrossEntropyLoss: expected class-index targets of an integer dtype (int64), got torch.float32")
                .hasMessageContaining("target.to(DType.INT64)");
        assertThatThrownBy(() -> F.crossEntropy(logits, Tensor.of(0L, 1L, 2L)))
                .hasMessageContaining("CrossEntropyLoss: expected target of shape [4] for input [4, 3], got [3]");
        assertThatThrownBy(() -> F.crossEntropy(logits, Tensor.of(0L, 1L, 3L, 0L)))
                .hasMessageContaining("CrossEntropyLoss: target 3 is out of bounds for 3 classes");
        assertThatThrownBy(() -> F.nllLoss(logits, Tensor.of(0L, -1L, 2L, 0L)))
                .hasMessageContaining("NLLLoss: target -1 is out of bounds for 3 classes");
        assertThatThrownBy(() -> F.crossEntropy(logits, Tensor.of(0L, 1L, 2L, 0L), Tensor.ones(4), -100, 0, Reduction.MEAN))
                .hasMessageContaining("expected a weight of shape [3] (one per class), got [4]");
        assertThatThrownBy(() -> F.mseLoss(logits, Tensor.randn(4, 2)))
                .hasMessageContaining("MSELoss: expected target of the input's shape [4, 3], got [4, 2]");
        assertThatThrownBy(() -> F.bce(logits, Tensor.rand(4, 3), null, Reduction.MEAN))
                .hasMessageContaining("BCELoss: all elements of input should be between 0 and 1").hasMessageContaining("BCEWithLogitsLoss");
        assertThatThrownBy(() -> F.hingeLoss(logits, Tensor.zeros(4, 3), Reduction.MEAN))
                .hasMessageContaining("HingeLoss: labels must be -1 or 1, got 0.0");
    }

    @Test void theLinearErrorSuggestsAFlatten() {
        assertThatThrownBy(() -> new Linear(784, 128).forward(Tensor.randn(64, 1, 28, 28)))
                .hasMessage("Linear(in_features=784, out_features=128): expected input [..., 784], got [64, 1, 28, 28]; add a Flatten before it?");
    }

    @Test void noGradScopesLeaveNoTapeInEval() {
        BatchNorm1d bn = new BatchNorm1d(3);
        bn.eval();
        try (var g = Grad.disabled()) {
            assertThat(bn.forward(Tensor.randn(2, 3)).requiresGrad()).isFalse();
        }
    }
}
