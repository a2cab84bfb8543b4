/**
 * Fuzz targets of @annlab/ivfpq: how the loader fuzzer's worker loads each file format.
 *
 * @module
 */
import type { FuzzTargets } from '@annlab/test-kit/fuzz';
import { IvfFlatIndex, IvfPqIndex, ProductQuantizer } from '../src/index.js';

/** A product quantizer loaded from a mutated file must encode and decode without throwing. */
function exercisePq(loaded: unknown): void {
  const pq = loaded as ProductQuantizer;
  if (!pq.isTrained) return;
  const x = new Float32Array(pq.dim * 2);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i + 1);
  const codes = pq.encode(x);
  const back = pq.decode(codes);
  for (let i = 0; i < back.length; i++) if (!Number.isFinite(back[i])) throw new Error(`decode gave ${back[i]} at ${i}`);
  pq.serialize();
}

/** Loaders by name: each index on the scalar and the default (SIMD where supported) backend. */
export const targets: FuzzTargets = {
  ivfflat: { load: (bytes) => IvfFlatIndex.deserialize(bytes, { kernels: 'js' }) },
  ivfflatSimd: { load: (bytes) => IvfFlatIndex.deserialize(bytes, { kernels: 'auto' }) },
  ivfpq: { load: (bytes) => IvfPqIndex.deserialize(bytes, { kernels: 'js' }) },
  ivfpqSimd: { load: (bytes) => IvfPqIndex.deserialize(bytes, { kernels: 'auto' }) },
  pq: { load: (bytes) => ProductQuantizer.deserialize(bytes, { kernels: 'js' }), exercise: exercisePq },
};
