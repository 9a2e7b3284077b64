package dev.nabla.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The main example, run for real: 10 epochs on the bundled MNIST sample (8,000 train / 2,000 test). */
class ConvNetTest {
    @Test void reachesPyTorchsTestErrorOnTheBundledSample() {
        ConvNet.Result r = ConvNet.run(ConvNet.Options.parse(new String[] {"--seed", "0"}));
        // PyTorch 1.13, same model, data split and settings: median 2.8%, range 1.9-2.9% over 5 seeds
        assertThat(r.testError()).isBetween(0.012, 0.035);
        assertThat(r.lastLoss()).isLessThan(0.05);
    }

    @Test void badOptionsAreNamed() {
        assertThatThrownBy(() -> ConvNet.Options.parse(new String[] {"--epoch", "3"})).hasMessageContaining("unknown option '--epoch'");
        assertThatThrownBy(() -> ConvNet.Options.parse(new String[] {"--dataset", "cifar"})).hasMessageContaining("mnist or fashion");
        assertThatThrownBy(() -> ConvNet.Options.parse(new String[] {"--dataset", "fashion"})).hasMessageContaining("--data DIR");
    }
}
