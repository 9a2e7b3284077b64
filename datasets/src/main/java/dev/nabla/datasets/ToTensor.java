package dev.nabla.datasets;

import dev.nabla.api.DType;
import dev.nabla.api.Tensor;

/**
 * A uint8 image to float32 in [0, 1] (divided by 255), as {@code torchvision.transforms.ToTensor};
 * other dtypes are converted to float32 unscaled. Images stay {@code [C, H, W]}.
 */
public final class ToTensor implements Transform, PixelMap {
    @Override public Tensor apply(Tensor x) {
        if (x.dtype() != DType.UINT8) return x.dtype() == DType.FLOAT32 ? x : x.to(DType.FLOAT32);
        float[] v = x.toFloatArray();
        for (int i = 0; i < v.length; i++) v[i] = v[i] / 255f;
        return Collation.floats(v, x.shape());
    }

    @Override public float map(int channel, int channels, float v) { return v / 255f; }

    @Override public String toString() { return "ToTensor()"; }
}
