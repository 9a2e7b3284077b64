package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.api.Grad;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Parameter;
import dev.nabla.api.Pool;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.training.SGD;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sequential gives the memory of its intermediate results back to the pool once nothing can reach them (after the
 * backward pass frees the graph; at once without a tape), and never what a user can still reach.
 */
class SequentialReleaseTest {
    /**
     * A small convnet whose first two activations (8 × 8 × 24 × 24 floats = 147 KB each) come from the pool; the later ones
     * (16 KB) are below the pool's 32 KB, so that the Flatten view (left to the collector) does not count. The ReLU
     * sits before the pooling, so that the convolution's output is an intermediate (Conv2d fuses with a MaxPool2d right after it).
     */
    private static Sequential net() { return net(new ReLU()); }

    private static Sequential net(Module relu) {
        Nabla.manualSeed(3);
        return new Sequential(new Conv2d(1, 8, 5), relu, new MaxPool2d(3), new Flatten(), new Linear(8 * 8 * 8, 10));
    }

    private static final long ACTIVATION_BYTES = 8L * 8 * 24 * 24 * 4;

    private static List<float[]> train(Sequential net, int steps, long[] lentGrowth) {
        Nabla.manualSeed(4);
        Tensor x = Tensor.randn(8, 1, 28, 28), y = Tensor.randint(0, 10, 8);
        SGD sgd = new SGD(net.parameters(), 0.1);
        long lentAfterFirst = 0;
        for (int i = 0; i < steps; i++) {
            Tensor loss = F.crossEntropy(net.forward(x), y);
            net.zeroGrad();
            loss.backward();
            sgd.step();
            if (i == 0) lentAfterFirst = Pool.stats()[0];
        }
        if (lentGrowth != null) lentGrowth[0] = Pool.stats()[0] - lentAfterFirst;
        List<float[]> params = new ArrayList<>();
        for (Parameter p : net.parameters()) params.add(p.nd().dup().data().asFloat());
        return params;
    }

    @Test void trainingGivesActivationsBackAndComputesTheSameAsWithout() {
        long[] growth = new long[1];
        List<float[]> released = train(net(), 6, growth);
        assertThat(growth[0]).as("pool memory still lent after 5 more steps (one activation: %d bytes)", ACTIVATION_BYTES)
                .isLessThan(ACTIVATION_BYTES);
        // the same net with its ReLU behind a module that does not declare KeepsNoTensors: nothing is released
        List<float[]> kept = train(net(new Opaque(new ReLU())), 6, null);
        for (int i = 0; i < released.size(); i++) assertThat(released.get(i)).as("parameter %d", i).containsExactly(kept.get(i));
    }

    /**
     * A user's residual block (convolution, BatchNorm, in-place ReLU, convolution, the input added, ReLU), declared to keep
     * nothing: the results it makes inside its forward (four 147 KB activations a block) come back after the backward
     * too, not only the results between the modules of the Sequential.
     */
    @dev.nabla.api.KeepsNoTensors
    static final class Block extends Module {
        private final Conv2d conv1, conv2;
        private final BatchNorm2d bn;

        Block() {
            conv1 = module("conv1", new Conv2d(8, 8, 3, Conv2d.Options.DEFAULT.withPadding(1)));
            bn = module("bn", new BatchNorm2d(8));
            conv2 = module("conv2", new Conv2d(8, 8, 3, Conv2d.Options.DEFAULT.withPadding(1)));
        }

        @Override public Tensor forward(Tensor x) { return conv2.forward(bn.forward(conv1.forward(x)).relu_()).add(x).relu(); }
    }

    /** The same block, not declared: Sequential may not release what it makes. */
    static final class OpaqueBlock extends Module {
        private final Block inner;

        OpaqueBlock() { inner = module("inner", new Block()); }

        @Override public Tensor forward(Tensor x) { return inner.forward(x); }
    }

    @Test void aBlocksOwnIntermediatesComeBackAndTheValuesStayTheSame() {
        long[] growth = new long[1];
        Nabla.manualSeed(7);
        // the pooling after the blocks makes the Flatten view's input (16 KB) too small for the pool, as in net()
        Sequential released = new Sequential(new Conv2d(1, 8, 5), new Block(), new Block(), new MaxPool2d(3), new Flatten(), new Linear(8 * 8 * 8, 10));
        List<float[]> a = train(released, 6, growth);
        assertThat(growth[0]).as("pool memory still lent after 5 more steps (one activation: %d bytes)", ACTIVATION_BYTES)
                .isLessThan(ACTIVATION_BYTES);
        Nabla.manualSeed(7);
        Sequential kept = new Sequential(new Conv2d(1, 8, 5), new OpaqueBlock(), new OpaqueBlock(), new MaxPool2d(3), new Flatten(), new Linear(8 * 8 * 8, 10));
        List<float[]> b = train(kept, 6, null);   // (how much it leaves lent depends on when a collection comes: not asserted)
        for (int i = 0; i < a.size(); i++) assertThat(a.get(i)).as("parameter %d", i).containsExactly(b.get(i));
    }

    /** A user's module that declares nothing: runs {@code inner}, but Sequential may not assume it keeps nothing. */
    static final class Opaque extends Module {
        private final Module inner;

        Opaque(Module inner) { this.inner = module("inner", inner); }

        @Override public Tensor forward(Tensor x) { return inner.forward(x); }
    }

    /** A user's module may keep what it sees (it does not declare KeepsNoTensors): then nothing is released. */
    static final class Keep extends Module {
        Tensor seen;

        @Override public Tensor forward(Tensor x) {
            seen = x;
            return x.relu();
        }
    }

    @Test void whatAUsersModuleKeepsKeepsItsValues() {
        Nabla.manualSeed(5);
        Keep keep = new Keep();
        Sequential net = new Sequential(new Conv2d(1, 8, 5), keep, new Flatten(), new Linear(8 * 24 * 24, 3));
        Tensor x = Tensor.randn(8, 1, 28, 28);
        net.forward(x).sum().backward();
        Tensor seen = keep.seen;
        float[] before = seen.nd().dup().data().asFloat();
        net.forward(Tensor.randn(8, 1, 28, 28)).sum().backward();   // would reuse a released block
        assertThat(seen.nd().dup().data().asFloat()).containsExactly(before);
    }

    /** An output that is a view of an intermediate (Flatten last) is the user's: a later pass does not overwrite it. */
    @Test void anOutputThatViewsAnIntermediateKeepsItsValues() {
        Nabla.manualSeed(6);
        Sequential net = new Sequential(new Conv2d(1, 8, 5), new ReLU(), new Flatten());
        Tensor out = net.forward(Tensor.randn(8, 1, 28, 28).requiresGrad_());
        float[] before = out.nd().dup().data().asFloat();
        out.sum().backward();
        net.forward(Tensor.randn(8, 1, 28, 28)).sum().backward();
        assertThat(out.nd().dup().data().asFloat()).containsExactly(before);
    }

    /** Without a tape, intermediates are released at once; outputs of earlier calls keep their values. */
    @Test void inferenceReleasesIntermediatesButNotOutputs() {
        Sequential net = net();
        Tensor a = Tensor.randn(8, 1, 28, 28), b = Tensor.randn(8, 1, 28, 28);
        Tensor ya, yaAgain;
        try (var g = Grad.disabled()) {
            ya = net.forward(a);
            float[] first = ya.nd().dup().data().asFloat();
            for (int i = 0; i < 3; i++) net.forward(b);
            assertThat(ya.nd().dup().data().asFloat()).containsExactly(first);
            yaAgain = net.forward(a);
        }
        assertThat(yaAgain.nd().dup().data().asFloat()).containsExactly(ya.nd().dup().data().asFloat());
    }

    /** The input's memory is the user's, also when the first module's result is a reshape of it. */
    @Test void theInputIsNeverReleased() {
        Nabla.manualSeed(7);
        Sequential net = new Sequential(new Flatten(), new Linear(8 * 24 * 24, 4));
        Tensor x = Tensor.randn(16, 8, 24, 24).relu();   // 295 KB from the pool
        float[] before = x.nd().dup().data().asFloat();
        try (var g = Grad.disabled()) {
            net.forward(x);
            for (int i = 0; i < 4; i++) Tensor.randn(16, 8, 24, 24).relu();   // would take a released block
        }
        net.forward(x).sum().backward();
        for (int i = 0; i < 4; i++) Tensor.randn(16, 8, 24, 24).relu();
        assertThat(x.nd().dup().data().asFloat()).containsExactly(before);
    }
}
