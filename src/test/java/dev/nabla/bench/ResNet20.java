package dev.nabla.bench;

import dev.nabla.api.KeepsNoTensors;
import dev.nabla.api.Module;
import dev.nabla.api.Sequential;
import dev.nabla.api.Tensor;
import dev.nabla.layers.AdaptiveAvgPool2d;
import dev.nabla.layers.BatchNorm2d;
import dev.nabla.layers.Conv2d;
import dev.nabla.layers.Flatten;
import dev.nabla.layers.Linear;

/**
 * ResNet-20 for 32×32 images (He et al. 2016, §4.2): a 3×3 convolution to 16 channels, three stages of three basic
 * blocks (16, 32, 64 channels; the first block of stages 2 and 3 has stride 2 and a 1×1 projection shortcut with
 * BatchNorm), global average pooling and a Linear 64→10. Built from Nabla's public modules as a user would; the same
 * network as tools/bench/bench_torch.py's and DjlPeer's. Its ReLUs run in place, as torchvision's ResNets'
 * ({@code nn.ReLU(inplace=True)}) and bench_torch.py's ({@code F.relu(..., inplace=True)}); DJL has no in-place ReLU.
 */
public final class ResNet20 extends Module {
    /**
     * Two 3×3 convolutions with BatchNorm, ReLU between, the input (or its projection) added before the last ReLU. It
     * keeps no tensor of its own ({@link KeepsNoTensors}), so that each stage's {@link Sequential} gives the blocks'
     * outputs back to the pool after the backward instead of at the next collection.
     */
    @KeepsNoTensors
    public static final class BasicBlock extends Module {
        private final Conv2d conv1, conv2;
        private final BatchNorm2d bn1, bn2;
        private final Sequential shortcut;

        public BasicBlock(int in, int out, int stride) {
            conv1 = module("conv1", new Conv2d(in, out, 3, Conv2d.Options.DEFAULT.withStride(stride).withPadding(1).withBias(false)));
            bn1 = module("bn1", new BatchNorm2d(out));
            conv2 = module("conv2", new Conv2d(out, out, 3, Conv2d.Options.DEFAULT.withPadding(1).withBias(false)));
            bn2 = module("bn2", new BatchNorm2d(out));
            shortcut = stride != 1 || in != out
                    ? module("shortcut", new Sequential(new Conv2d(in, out, 1, Conv2d.Options.DEFAULT.withStride(stride).withBias(false)), new BatchNorm2d(out)))
                    : null;
        }

        @Override public Tensor forward(Tensor x) {
            Tensor y = bn2.forward(conv2.forward(bn1.forward(conv1.forward(x)).relu_()));
            return y.add(shortcut == null ? x : shortcut.forward(x)).relu_();
        }
    }

    private final Conv2d conv;
    private final BatchNorm2d bn;
    private final Sequential layer1, layer2, layer3, head;

    public ResNet20() { this(10); }

    public ResNet20(int classes) {
        conv = module("conv", new Conv2d(3, 16, 3, Conv2d.Options.DEFAULT.withPadding(1).withBias(false)));
        bn = module("bn", new BatchNorm2d(16));
        layer1 = module("layer1", stage(16, 16, 1));
        layer2 = module("layer2", stage(16, 32, 2));
        layer3 = module("layer3", stage(32, 64, 2));
        head = module("head", new Sequential(new AdaptiveAvgPool2d(1), new Flatten(), new Linear(64, classes)));
    }

    private static Sequential stage(int in, int out, int stride) {
        return new Sequential(new BasicBlock(in, out, stride), new BasicBlock(out, out, 1), new BasicBlock(out, out, 1));
    }

    @Override public Tensor forward(Tensor x) {
        return head.forward(layer3.forward(layer2.forward(layer1.forward(bn.forward(conv.forward(x)).relu_()))));
    }
}
