package dev.nabla.datasets;

import dev.nabla.api.Shape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.nabla.api.DType;
import dev.nabla.api.Nabla;
import dev.nabla.api.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransformsTest {
    private static Tensor uint8(int... v) { return Tensor.of(v).to(DType.UINT8); }

    @Test void toTensorScalesUint8() {
        Tensor x = new ToTensor().apply(uint8(0, 51, 255).reshape(1, 1, 3));
        assertThat(x.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(x.shape()).isEqualTo(Shape.of(1, 1, 3));
        assertThat(x.toFloatArray()).containsExactly(0f, 0.2f, 1f);
    }

    @Test void normalizePerChannel() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}).reshape(2, 1, 2);
        Tensor y = new Normalize(new double[] {1, 2}, new double[] {2, 0.5}).apply(x);
        assertThat(y.toFloatArray()).containsExactly(0f, 0.5f, 2f, 4f);
        assertThat(new Normalize(1, 2).apply(x).toFloatArray()).containsExactly(0f, 0.5f, 1f, 1.5f);
        assertThatThrownBy(() -> new Normalize(new double[] {1, 2, 3}, new double[] {1, 1, 1}).apply(x))
                .hasMessageContaining("3 means for an image with 2 channels");
        assertThatThrownBy(() -> new Normalize(0, 1).apply(uint8(1, 2).reshape(1, 1, 2))).hasMessageContaining("ToTensor");
    }

    @Test void randomCropPadsAndCropsKeepingDtype() {
        Tensor img = Tensor.arange(1, 10, 1).reshape(1, 3, 3).to(DType.UINT8);
        Nabla.manualSeed(0);
        Tensor same = new RandomCrop(3).apply(img);
        assertThat(same.toFloatArray()).containsExactly(img.toFloatArray());
        boolean sawPadding = false;
        for (int k = 0; k < 50; k++) {
            Tensor c = new RandomCrop(3, 1).apply(img);
            assertThat(c.dtype()).isEqualTo(DType.UINT8);
            assertThat(c.shape()).isEqualTo(Shape.of(1, 3, 3));
            float[] v = c.toFloatArray();
            if (v[0] == 0 || v[8] == 0) sawPadding = true;
            // the window is a shifted copy: the centre is one of the 9 pixels
            assertThat(v[4]).isBetween(1f, 9f);
        }
        assertThat(sawPadding).isTrue();
        assertThatThrownBy(() -> new RandomCrop(5).apply(img)).hasMessageContaining("larger than the padded image");
    }

    @Test void horizontalFlip() {
        Tensor img = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}).reshape(1, 2, 3);
        assertThat(new RandomHorizontalFlip(1).apply(img).toFloatArray()).containsExactly(3, 2, 1, 6, 5, 4);
        assertThat(new RandomHorizontalFlip(0).apply(img).toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test void composeAndLambda() {
        Transform t = new Compose(new ToTensor(), new Lambda(x -> x.mul(2)), new Normalize(1, 1));
        assertThat(t.apply(uint8(255).reshape(1, 1, 1)).item()).isCloseTo(1.0, within(1e-6));
        assertThat(Compose.flatten(new Compose(t, new ToTensor()))).hasSize(4);
    }

    @Test void bulkCollationEqualsPerSampleTransforms() {
        Mnist ds = Mnist.sample(false, new Compose(new ToTensor(), new Normalize(0.1307, 0.3081)));
        int[] idx = {5, 0, 1999, 17};
        Batch fast = ds.batch(idx);
        List<Tensor> xs = new java.util.ArrayList<>();
        for (int i : idx) xs.add(ds.get(i).x());
        assertThat(fast.x().toFloatArray()).containsExactly(Collation.stack(xs).toFloatArray());
        assertThat(fast.y().toLongArray()).containsExactly(ds.label(5), ds.label(0), ds.label(1999), ds.label(17));
        // a random transform takes the per-sample path, seeded per sample inside a loader
        Mnist aug = Mnist.sample(false, new Compose(new RandomCrop(28, 2), new ToTensor()));
        var a = new DataLoader<>(aug, 50, true, DataLoader.Options.DEFAULT.withSeed(1)).iterator().next();
        var b = new DataLoader<>(aug, 50, true, DataLoader.Options.DEFAULT.withSeed(1).withNumWorkers(2)).iterator().next();
        assertThat(a.x().toFloatArray()).containsExactly(b.x().toFloatArray());
        assertThat(a.x().shape()).isEqualTo(Shape.of(50, 1, 28, 28));
    }

    @Test void arrayPathEqualsTensorPathForRandomTransforms() {
        Transform t = new Compose(new RandomCrop(24, 3), new RandomHorizontalFlip(), new ToTensor(), new Normalize(0.5, 0.25));
        Mnist ds = Mnist.sample(false, t);
        int[] idx = {9, 4, 1000, 4};
        Object prev = SampleRandom.open(42);
        try {
            Batch fast = ds.batch(idx);
            List<Tensor> xs = new java.util.ArrayList<>();
            for (int i : idx) {
                SampleRandom.begin(i);
                xs.add(t.apply(Mnist.sample(false, null).get(i).x()));
            }
            assertThat(fast.x().shape()).isEqualTo(Shape.of(4, 1, 24, 24));
            assertThat(fast.x().toFloatArray()).containsExactly(Collation.stack(xs).toFloatArray());
            // the same index gets the same augmentation within an epoch
            assertThat(fast.x().narrow(0, 1, 1).toFloatArray()).containsExactly(fast.x().narrow(0, 3, 1).toFloatArray());
        } finally {
            SampleRandom.restore(prev);
        }
        // without ToTensor the batch stays uint8
        assertThat(Mnist.sample(false, new RandomCrop(20)).batch(new int[] {0, 1}).x().dtype()).isEqualTo(DType.UINT8);
    }
}
