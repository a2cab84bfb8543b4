/**
 * Small well-formed files for the pca fuzz suites (unit and data).
 *
 * @module
 */
import { FlatIndex } from '@annlab/flat';
import type { Metric } from '@annlab/core';
import { Pca, PreTransformIndex } from '../src/index.js';
import { anisotropic } from './helpers.js';

/** Input dimension of every base. */
export const DIM = 8;

/** Vectors with a few dominant directions. */
export function data(n = 80): Float32Array {
  return anisotropic(n, DIM, [4, 2, 1], 5, 0.1);
}

/** A trained PCA keeping 4 of 8 directions. */
export function pca(whiten = false): Pca {
  const p = new Pca({ dim: DIM, components: 4, whiten, solver: 'exact', kernels: 'js' });
  p.train(data());
  return p;
}

/** A pre-transform index (4 components) over a flat inner index, 80 vectors. */
export function preTransform(metric: Metric = 'euclidean', keepVectors = true, kernels: 'js' | 'simd' = 'js', n = 80): PreTransformIndex {
  const index = new PreTransformIndex({
    dim: DIM, metric, components: 4, solver: 'exact', keepVectors, kernels, inner: (o) => new FlatIndex(o),
  });
  index.add(data(n));
  return index;
}

/** The fuzzed configurations: label, target name, base file. */
export function fuzzCases(): [string, string, Uint8Array][] {
  return [
    ['PCA', 'pca', pca().serialize()],
    ['PCA whitened', 'pca', pca(true).serialize()],
    ['PCA untrained', 'pca', new Pca({ dim: DIM, components: 3 }).serialize()],
    ['pre-transform euclidean', 'pretransform', preTransform().serialize()],
    ['pre-transform inner product, lean (SIMD)', 'pretransformSimd', preTransform('inner-product', false).serialize()],
    ['pre-transform cosine', 'pretransform', preTransform('cosine').serialize()],
  ];
}
