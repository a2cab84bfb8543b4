/**
 * Small well-formed files for the ivfpq fuzz suites (unit and data), one per format and
 * interesting configuration.
 *
 * @module
 */
import { clustered } from '@annlab/test-kit';
import type { LoaderFuzzCase } from '@annlab/test-kit/fuzz';
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
export function ivfPq(
  metric: 'euclidean' | 'inner-product' = 'euclidean',
  extra: { byResidual?: boolean; precomputedTableMaxBytes?: number } = {},
): IvfPqIndex {
  const index = new IvfPqIndex({
    dim: DIM,
    metric,
    nlist: 8,
    m: 4,
    nbits: 4,
    niter: 4,
    pqNiter: 4,
    keepVectors: true,
    kernels: 'js',
    ...extra,
  });
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
export function fuzzCases(): LoaderFuzzCase[] {
  return [
    { label: 'IVF-Flat euclidean', target: 'ivfflat', base: ivfFlat().serialize() },
    { label: 'IVF-Flat cosine (SIMD)', target: 'ivfflatSimd', base: ivfFlat('cosine').serialize() },
    { label: 'IVF-Flat untrained', target: 'ivfflat', base: new IvfFlatIndex({ dim: DIM, nlist: 4 }).serialize() },
    { label: 'IVF-PQ euclidean, precomputed', target: 'ivfpq', base: ivfPq().serialize() },
    {
      label: 'IVF-PQ euclidean, per list (SIMD)',
      target: 'ivfpqSimd',
      base: ivfPq('euclidean', { precomputedTableMaxBytes: 0 }).serialize(),
    },
    { label: 'IVF-PQ inner product, raw', target: 'ivfpq', base: ivfPq('inner-product', { byResidual: false }).serialize() },
    { label: 'PQ', target: 'pq', base: pq().serialize() },
  ];
}
