/**
 * Small well-formed files for the pca fuzz suites (unit and data).
 *
 * @module
 */
import { FlatIndex } from '@annlab/flat';
import type { Metric } from '@annlab/core';
import type { LoaderFuzzCase } from '@annlab/test-kit/fuzz';
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
    dim: DIM,
    metric,
    components: 4,
    solver: 'exact',
    keepVectors,
    kernels,
    inner: (o) => new FlatIndex(o),
  });
  index.add(data(n));
  return index;
}

/** The fuzzed configurations: label, target name, base file. */
export function fuzzCases(): LoaderFuzzCase[] {
  return [
    { label: 'PCA', target: 'pca', base: pca().serialize() },
    { label: 'PCA whitened', target: 'pca', base: pca(true).serialize() },
    { label: 'PCA untrained', target: 'pca', base: new Pca({ dim: DIM, components: 3 }).serialize() },
    { label: 'pre-transform euclidean', target: 'pretransform', base: preTransform().serialize() },
    {
      label: 'pre-transform inner product, lean (SIMD)',
      target: 'pretransformSimd',
      base: preTransform('inner-product', false).serialize(),
    },
    { label: 'pre-transform cosine', target: 'pretransform', base: preTransform('cosine').serialize() },
  ];
}
