package dev.nabla.datasets;

/**
 * A transform that maps each element on its own, given its channel: image datasets fold a chain of them
 * into a lookup table from byte value to float and collate whole batches with it.
 */
interface PixelMap extends ArrayTransform {
    /** The image of value {@code v} in channel {@code channel} of {@code channels}. */
    float map(int channel, int channels, float v);
}
