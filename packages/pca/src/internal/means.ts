/**
 * Per-feature means of a row-major float32 batch, in float64: the first step of both PCA
 * solvers (and the reference for the float32 pass's `columnSumsF32` kernel, which adds the
 * same values in the same order).
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
