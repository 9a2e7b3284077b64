/**
 * Internal: the differentiable ops under {@code dev.nabla.layers.F} (each a {@link dev.nabla.api.Function} with its
 * forward and backward), the project's CPU kernels under them, their geometry and scratch buffers, and the one place
 * that chooses libnd4j's or the project's kernel ({@link dev.nabla.layers.kernels.Kernels}).
 *
 * <p>Nothing here is part of the public API except {@code Kernels}: classes are public only so that {@code F} and the
 * modules in {@code dev.nabla.layers} can call them, and may change without notice. This package knows no module
 * (the architecture test holds it): a module hands an op plain values (sizes, strides, flags), never itself.
 */
package dev.nabla.layers.kernels;
