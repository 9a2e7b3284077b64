package dev.nabla.layers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nabla.api.Grad;
import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** A model in eval mode serves predictions from several threads at once, each equal to the single-threaded one. */
class ThreadSafetyTest {
    private static final int THREADS = 4, INPUTS = 64, ROUNDS = 10;

    @Test void evalModeForwardsAreThreadSafe() throws Exception {
        Nabla.manualSeed(3);
        Module model = new Sequential(new Linear(20, 64), new BatchNorm1d(64), new ReLU(), new Dropout(0.5), new Linear(64, 10)).eval();
        List<Tensor> inputs = new ArrayList<>();
        for (int i = 0; i < INPUTS; i++) inputs.add(Tensor.randn(1 + i % 5, 20));
        check(model, inputs);
    }

    /**
     * A convnet: the fused convolution + pooling (its per-thread scratch), the project's max-pooling and the kernels'
     * worker threads, with batches large enough to split (up to 48 images).
     */
    @Test void convnetForwardsAreThreadSafe() throws Exception {
        Nabla.manualSeed(4);
        Module model = new Sequential(new Conv2d(1, 8, 5), new MaxPool2d(3), new ReLU(), new Conv2d(8, 16, 3), new MaxPool2d(2),
                new Flatten(), new Linear(16 * 3 * 3, 10)).eval();
        List<Tensor> inputs = new ArrayList<>();
        for (int i = 0; i < 16; i++) inputs.add(Tensor.randn(1 + (i * 7) % 48, 1, 28, 28));
        check(model, inputs);
    }

    private static void check(Module model, List<Tensor> inputs) throws Exception {
        final int INPUTS = inputs.size();
        List<float[]> expected = new ArrayList<>();
        try (var g = Grad.disabled()) {
            for (Tensor x : inputs) expected.add(model.forward(x).toFloatArray());
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int offset = t * 7;
                Callable<Integer> job = () -> {
                    int checked = 0;
                    try (var g = Grad.disabled()) {
                        for (int r = 0; r < ROUNDS; r++) {
                            for (int k = 0; k < INPUTS; k++) {
                                int i = (k + offset + r) % INPUTS;
                                float[] y = model.forward(inputs.get(i)).toFloatArray();
                                assertThat(y).as("thread output for input " + i).containsExactly(expected.get(i));
                                checked++;
                            }
                        }
                    }
                    return checked;
                };
                results.add(pool.submit(job));
            }
            for (Future<Integer> f : results) assertThat(f.get()).isEqualTo(INPUTS * ROUNDS);
        } finally {
            pool.shutdownNow();
        }
    }
}
