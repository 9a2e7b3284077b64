package dev.nabla.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nabla.api.Module;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The Nabla side of VsPyTorch's ResNet-20 and transformer workloads builds and trains (one step, tiny batch), so that
 * the benchmark cannot rot; the networks have PyTorch's parameter counts (of tools/bench/bench_torch.py's ResNet20 and
 * TokenTransformer, printed by torch 1.13) and the inputs are the Python peer's (its first values, printed the same way).
 */
class WorkloadsSmokeTest {
    @Test void resNet20HasPyTorchsParameterCountAndTrainsAStep() throws Exception {
        Module m = Workloads.resnet20(0);
        assertThat(m.parameterCount()).isEqualTo(272_474);
        var pool = Workloads.cifar(null, 8);
        assertThat(pool.x()[0]).isEqualTo(-1f);
        assertThat((double) pool.x()[1]).isCloseTo(0.2361, within(1e-4));
        assertThat((double) pool.x()[4]).isCloseTo(-0.0557, within(1e-4));
        assertThat(pool.y()).startsWith(0, 7, 4, 1);
        Tensor[] b = Workloads.imageBatch(pool, 1, 4);
        assertThat(b[0].size(0)).isEqualTo(4);
        assertThat(b[0].size(1)).isEqualTo(3);
        Optimizer opt = Workloads.resnetOptimizer(m);
        Tensor before = m.namedParameters().get("layer3.2.conv2.weight").clone();
        double loss = Workloads.resnetStep(m, opt, b[0], b[1]);
        assertThat(loss).isFinite().isPositive();
        assertThat(m.namedParameters().get("layer3.2.conv2.weight").sub(before).abs().max().item()).isGreaterThan(0);
        assertThat(m.namedParameters()).containsKeys("layer2.0.shortcut.0.weight", "layer2.0.shortcut.1.weight", "head.2.weight");
    }

    @Test void tokenTransformerHasPyTorchsParameterCountAndTrainsAStepInBothNormPlacements() {
        long[][] t = Workloads.tokens(0, 2, 6);
        assertThat(t[0]).containsExactly(0, 729, 458, 187, 916, 645, 919, 649, 379, 109, 839, 569);
        assertThat(t[1]).startsWith(729, 458, 187, 916, 645, 0);
        for (boolean normFirst : new boolean[] {false, true}) {
            Module m = Workloads.transformer(normFirst, 0);
            assertThat(m.parameterCount()).isEqualTo(2_092_520);
            Optimizer opt = Workloads.transformerOptimizer(m);
            Tensor[] b = Workloads.tokenBatch(0, 2, 16);
            Tensor before = m.namedParameters().get("encoder.layers.1.self_attn.in_proj_weight").clone();
            double loss = Workloads.transformerStep(m, opt, b[0], b[1]);
            assertThat(loss).as("about ln(1000) at the start").isBetween(4.0, 12.0);
            assertThat(m.namedParameters().get("encoder.layers.1.self_attn.in_proj_weight").sub(before).abs().max().item()).isGreaterThan(0);
        }
    }
}
