package dev.nabla.datasets;

import dev.nabla.api.DType;

/**
 * A uint8 image to float32 in [0, 1] (divided by 255), as {@code torchvision.transforms.ToTensor};
 * other dtypes are converted to float32 unscaled. Images stay {@code [C, H, W]}.
 */
public final class ToTensor implements PixelMap {
    @Override public Image apply(Image img) {
        float[] v = img.v.clone();
        if (img.dtype == DType.UINT8) for (int i = 0; i < v.length; i++) v[i] = v[i] / 255f;
        return new Image(v, img.shape, DType.FLOAT32);
    }

    @Override public float map(int channel, int channels, float v) { return v / 255f; }

    @Override public String toString() { return "ToTensor()"; }
}
