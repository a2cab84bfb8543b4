/**
 * Seeded synthetic data for tests: Gaussian blobs with low intrinsic dimension, in the spirit
 * of FAISS's `SyntheticDataset`. Same arguments, same floats, on every machine.
 *
 * @module
 */
import { Rng } from '@annlab/core';

/** Shape of {@link clustered} data. */
export interface ClusteredOptions {
  /**
   * Standard deviation of each point around its centre.
   * @defaultValue 0.15
   */
  spread?: number;
  /**
   * Standard deviation of the centres around the origin.
   * @defaultValue 1
   */
  centreScale?: number;
}

/**
 * `n` points in `dim` dimensions around `clusters` Gaussian centres, row-major: each point is
 * a centre drawn uniformly plus `spread × N(0, 1)` noise per component.
 */
export function clustered(n: number, dim: number, clusters: number, seed: number, options: ClusteredOptions = {}): Float32Array {
  const spread = options.spread ?? 0.15;
  const centreScale = options.centreScale ?? 1;
  const rng = new Rng(seed);
  const centres = new Float32Array(clusters * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.nextGaussian() * centreScale;
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = rng.nextInt(clusters);
    for (let j = 0; j < dim; j++) out[i * dim + j] = centres[c * dim + j] + spread * rng.nextGaussian();
  }
  return out;
}

/** Base and query sets drawn from the same clusters: the queries are held-out points. */
export function clusteredSplit(
  n: number,
  nq: number,
  dim: number,
  clusters: number,
  seed: number,
  options: ClusteredOptions = {},
): { base: Float32Array; queries: Float32Array } {
  const all = clustered(n + nq, dim, clusters, seed, options);
  return { base: all.slice(0, n * dim), queries: all.slice(n * dim) };
}
