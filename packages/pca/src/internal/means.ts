/**
 * Per-feature means of a row-major float32 batch, in float64, in one unchunked pass: the
 * readable definition of the solvers' first step (which `row-pass.ts` sums chunk by chunk,
 * the same additions as here for batches of at most one chunk), and the reference for the
 * `columnSumsF32` kernel, which adds the same values in the same order.
 *
 * @module
 */

/** Per-feature mean in float64 (one pass, row after row, sums kept per feature). */
export function columnMeans(x: Float32Array, n: number, dim: number): Float64Array {
  const mean = new Float64Array(dim);
  for (let i = 0, off = 0; i < n; i++, off += dim) {
    for (let j = 0; j < dim; j++) mean[j] += x[off + j];
  }
  for (let j = 0; j < dim; j++) mean[j] /= n;
  return mean;
}
