/**
 * Fuzz targets of @annlab/pca: how the loader fuzzer's worker loads a PCA transform and a
 * pre-transform index (flat inner index).
 *
 * @module
 */
import { FlatIndex } from '@annlab/flat';
import type { FuzzTargets } from '@annlab/test-kit/fuzz';
import { Pca, PreTransformIndex } from '../src/index.js';

/** A transform loaded from a mutated file must apply and reconstruct to finite values. */
function exercisePca(loaded: unknown): void {
  const pca = loaded as Pca;
  if (!pca.isTrained) return;
  const x = new Float32Array(pca.dim * 2);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i + 1);
  const y = pca.apply(x);
  for (let i = 0; i < y.length; i++) if (!Number.isFinite(y[i])) throw new Error(`apply gave ${y[i]} at ${i}`);
  const back = pca.reconstruct(y);
  for (let i = 0; i < back.length; i++) if (!Number.isFinite(back[i])) throw new Error(`reconstruct gave ${back[i]} at ${i}`);
  pca.serialize();
}

/** Loaders by name. */
export const targets: FuzzTargets = {
  pca: { load: (bytes) => Pca.deserialize(bytes), exercise: exercisePca },
  pretransform: { load: (bytes) => PreTransformIndex.deserialize(bytes, { loaders: { [FlatIndex.TAG]: FlatIndex }, kernels: 'js' }) },
  pretransformSimd: { load: (bytes) => PreTransformIndex.deserialize(bytes, { loaders: { [FlatIndex.TAG]: FlatIndex }, kernels: 'auto' }) },
};
