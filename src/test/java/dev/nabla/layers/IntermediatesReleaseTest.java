package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.api.Grad;
import dev.nabla.api.Nabla;
import dev.nabla.api.Parameter;
import dev.nabla.api.Pool;
import dev.nabla.api.Tensor;
import dev.nabla.training.SGD;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The transformer modules give their activations back to the pool once backward has used them (Intermediates), and
 * the backward walk its gradient arrays, also those passed on through views: the pool's lent memory does not grow
 * step after step, and the values are those of a run that gives nothing back.
 */
class IntermediatesReleaseTest {
    /** [8, 32, 64] float32 activations: 64 KB each, above the pool's 32 KB. */
    private static final long ACTIVATION_BYTES = 8L * 32 * 64 * 4;

    private static TransformerEncoder encoder(double dropout, int ff) {
        Nabla.manualSeed(1);
        var opts = TransformerEncoderLayer.Options.DEFAULT.withDimFeedforward(ff).withBatchFirst(true).withDropout(dropout);
        TransformerEncoder enc = new TransformerEncoder(() -> new TransformerEncoderLayer(64, 4, opts), 2);
        enc.train();
        return enc;
    }

    /** Trains 6 SGD steps on a fixed batch; the pool memory each step left lent, and the parameters at the end. */
    private static List<float[]> train(TransformerEncoder enc, boolean retainGraph, long[] growthPerStep) {
        Nabla.manualSeed(2);
        Tensor x = Tensor.randn(8, 32, 64);
        SGD sgd = new SGD(enc.parameters(), 0.01);
        for (int i = 0; i < 6; i++) {
            long before = Pool.stats()[0];
            Tensor y = enc.forward(x);
            enc.zeroGrad();
            y.mul(y).mean().backward(null, retainGraph);
            sgd.step();
            if (growthPerStep != null) growthPerStep[i] = Pool.stats()[0] - before;
        }
        List<float[]> params = new ArrayList<>();
        for (Parameter p : enc.parameters()) params.add(p.nd().dup().data().asFloat());
        return params;
    }

    @Test void trainingLeavesNothingLentButTheOutputAndComputesTheSame() {
        long[] growth = new long[6];
        List<float[]> released = train(encoder(0.1, 256), false, growth);
        long[] sorted = growth.clone();
        Arrays.sort(sorted);
        // the output, its square and their gradients stay with the caller until the next collection (4 activations,
        // measured); without Intermediates and the walk's handles on passed-on gradients, each step left about 50 lent
        assertThat(sorted[3]).as("median bytes a step left lent, of %s", Arrays.toString(growth)).isLessThanOrEqualTo(5 * ACTIVATION_BYTES);
        List<float[]> kept = train(encoder(0.1, 256), true, null);   // retain_graph: no activation goes back
        for (int i = 0; i < released.size(); i++) assertThat(released.get(i)).as("parameter %d", i).containsExactly(kept.get(i));
    }

    /**
     * The input gradient of a batch of 8, whose arrays come from the pool and go back during backward, equals the
     * gradients of the 8 samples one by one (arrays below the pool's size: never reused), within float32 rounding.
     */
    @Test void gradientsThroughReleasedMemoryEqualThoseOfUnpooledRuns() {
        TransformerEncoder enc = encoder(0, 128);
        Nabla.manualSeed(3);
        Tensor data = Tensor.randn(8, 32, 64);
        for (int round = 0; round < 3; round++) {   // later rounds reuse the blocks the first gave back
            Tensor x = data.detach().requiresGrad_();
            Tensor y = enc.forward(x);
            y.mul(y).sum().backward();
            float[] batched = x.grad().nd().dup().data().asFloat();
            for (int s = 0; s < 8; s++) {
                Tensor xs = data.narrow(0, s, 1).contiguous().requiresGrad_();
                Tensor ys = enc.forward(xs);
                ys.mul(ys).sum().backward();
                float[] one = xs.grad().nd().data().asFloat();
                for (int j = 0; j < one.length; j++) {
                    float b = batched[s * one.length + j];
                    assertThat(Math.abs(b - one[j])).as("round %d sample %d element %d: %s vs %s", round, s, j, b, one[j])
                            .isLessThanOrEqualTo(1e-4f * (1 + Math.abs(one[j])));
                }
            }
        }
    }

    /** Without a tape the intermediates go back at once; an output of an earlier call keeps its values. */
    @Test void inferenceGivesIntermediatesBackButNotOutputs() {
        TransformerEncoder enc = encoder(0, 256);
        enc.eval();
        Nabla.manualSeed(4);
        Tensor a = Tensor.randn(8, 32, 64), b = Tensor.randn(8, 32, 64);
        try (var g = Grad.disabled()) {
            Tensor ya = enc.forward(a);
            float[] first = ya.nd().dup().data().asFloat();
            long lent = Pool.stats()[0];
            for (int i = 0; i < 3; i++) enc.forward(b);
            assertThat(Pool.stats()[0] - lent).as("lent by three more calls whose outputs are dropped").isLessThanOrEqualTo(12 * ACTIVATION_BYTES);
            assertThat(ya.nd().dup().data().asFloat()).containsExactly(first);
            assertThat(enc.forward(a).nd().dup().data().asFloat()).containsExactly(first);
        }
    }
}
