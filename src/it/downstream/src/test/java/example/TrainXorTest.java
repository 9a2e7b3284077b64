package example;

import dev.nabla.api.Module;
import dev.nabla.api.Nabla;
import dev.nabla.api.Optimizer;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.layers.F;
import dev.nabla.layers.Linear;
import dev.nabla.layers.Tanh;
import dev.nabla.training.SGD;
import org.junit.jupiter.api.Test;

/** A downstream user's test: an MLP built with Nabla learns xor. */
class TrainXorTest {
    @Test void mlpLearnsXor() {
        Nabla.manualSeed(1);
        Tensor x = Tensor.of(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        Tensor y = Tensor.of(0, 1, 1, 0);
        Module model = new Sequential(new Linear(2, 8), new Tanh(), new Linear(8, 2));
        Optimizer opt = new SGD(model.parameters(), 0.5, 0.9);
        double first = 0, last = 0;
        for (int step = 0; step < 300; step++) {
            Tensor loss = F.crossEntropy(model.forward(x), y);
            opt.zeroGrad();
            loss.backward();
            opt.step();
            if (step == 0) first = loss.item();
            last = loss.item();
        }
        long correct = model.forward(x).argmax(1).eq(y).sum().toLongArray()[0];
        System.out.printf("downstream: loss %.4f -> %.4f, %d/4 correct, ND4J build %s%n", first, last, correct, Nabla.nativeBuild());
        if (correct != 4 || !(last < first / 10)) throw new AssertionError("downstream: the MLP did not learn xor");
    }
}
