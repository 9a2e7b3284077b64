/**
 * The bridge to SameDiff: {@link dev.nabla.layers.samediff.SameDiffExport} traces a {@link dev.nabla.api.Sequential} of
 * the built-in layers into a SameDiff graph ({@link dev.nabla.layers.samediff.SameDiffGraph}) for inference, saving in
 * SameDiff's FlatBuffers format, and as the second autodiff the tests compare the tape with.
 */
package dev.nabla.layers.samediff;
