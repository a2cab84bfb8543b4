/**
 * Small well-formed files for the ivfpq fuzz suites (unit and data), one per format and
 * interesting configuration.
 *
 * @module
 */
import { clustered } from '@annlab/test-kit';
import { IvfFlatIndex, IvfPqIndex, ProductQuantizer } from '../src/index.js';

/** Vector dimension of every base. */
export const DIM = 8;

/** Training/base vectors shared by the bases. */
export function data(n = 120): Float32Array {
  return clustered(n, DIM, 6, 3);
}

/** An IVF-Flat index (8 lists) over 120 vectors. */
export function ivfFlat(metric: 'euclidean' | 'cosine' = 'euclidean'): IvfFlatIndex {
  const index = new IvfFlatIndex({ dim: DIM, metric, nlist: 8, niter: 4, kernels: 'js' });
  index.add(data());
  return index;
}

/** An IVF-PQ index (8 lists, m = 4, nbits = 4), residual encoding, full vectors kept. */
export function ivfPq(metric: 'euclidean' | 'inner-product' = 'euclidean', extra: { byResidual?: boolean; precomputedTableMaxBytes?: number } = {}): IvfPqIndex {
  const index = new IvfPqIndex({ dim: DIM, metric, nlist: 8, m: 4, nbits: 4, niter: 4, pqNiter: 4, keepVectors: true, kernels: 'js', ...extra });
  index.add(data());
  return index;
}

/** A trained product quantizer (m = 4, nbits = 4). */
export function pq(): ProductQuantizer {
  const q = new ProductQuantizer({ dim: DIM, m: 4, nbits: 4, niter: 4, kernels: 'js' });
  q.train(data());
  return q;
}

/** The fuzzed configurations: target name and base file. */
export function fuzzCases(): [string, string, Uint8Array][] {
  return [
    ['IVF-Flat euclidean', 'ivfflat', ivfFlat().serialize()],
    ['IVF-Flat cosine (SIMD)', 'ivfflatSimd', ivfFlat('cosine').serialize()],
    ['IVF-Flat untrained', 'ivfflat', new IvfFlatIndex({ dim: DIM, nlist: 4 }).serialize()],
    ['IVF-PQ euclidean, precomputed', 'ivfpq', ivfPq().serialize()],
    ['IVF-PQ euclidean, per list (SIMD)', 'ivfpqSimd', ivfPq('euclidean', { precomputedTableMaxBytes: 0 }).serialize()],
    ['IVF-PQ inner product, raw', 'ivfpq', ivfPq('inner-product', { byResidual: false }).serialize()],
    ['PQ', 'pq', pq().serialize()],
  ];
}
