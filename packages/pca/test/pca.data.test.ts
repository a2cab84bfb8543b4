/**
 * Data suite: PCA and PreTransformIndex on a Fashion-MNIST slice (first 10,000 training
 * images as base, first 200 t10k images as queries, Euclidean, k = 10). Reads the gzipped
 * IDX files from ANNLAB_SHARED_DATASETS or ../shared/datasets beside the repository.
 */
import { describe, expect, it } from 'vitest';
import { reportedDistance } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { Pca, PreTransformIndex } from '@annlab/pca';
import { loadFashionMnist } from '@annlab/test-kit/datasets';
import { orthonormalityError, principalCosines, thresholdRecall } from './helpers.js';

describe('PCA on a Fashion-MNIST slice', () => {
  const { base, queries } = loadFashionMnist(10000, 200);
  const dim = base.dim;
  const k = 10;
  const components = 64;

  it('exact and randomized solvers agree and explain ~88% of the variance with 64 components', () => {
    const exact = new Pca({ dim, components, solver: 'exact' });
    const rand = new Pca({ dim, components, solver: 'randomized' });
    exact.train(base.data);
    rand.train(base.data);
    let sumExact = 0;
    let sumRand = 0;
    for (let c = 0; c < components; c++) {
      sumExact += exact.explainedVarianceRatio[c];
      sumRand += rand.explainedVarianceRatio[c];
    }
    // scikit-learn on the same 10,000 rows: 0.8828 (on all 60,000: 0.881).
    expect(sumExact).toBeGreaterThan(0.875);
    expect(sumExact).toBeLessThan(0.89);
    expect(sumRand).toBeLessThanOrEqual(sumExact + 1e-9);
    expect(sumRand).toBeGreaterThan(sumExact - 1e-3);
    expect(orthonormalityError(exact.componentMatrix, components, dim)).toBeLessThan(1e-9);
    expect(orthonormalityError(rand.componentMatrix, components, dim)).toBeLessThan(1e-9);
    // The leading 16 directions: the same subspace.
    const lead = 16;
    const cos = principalCosines(exact.componentMatrix.subarray(0, lead * dim), rand.componentMatrix.subarray(0, lead * dim), lead, dim);
    expect(cos[0]).toBeGreaterThan(0.999);
    for (let c = 0; c < components; c++) {
      expect(Math.abs(rand.eigenvalues[c] - exact.eigenvalues[c]) / exact.eigenvalues[c]).toBeLessThan(0.02);
    }
  });

  it('PCA-64 + flat: rerank restores recall', () => {
    const ref = new FlatIndex({ dim });
    ref.add(base.data);
    const gt = ref.search(queries.data, k);
    const ix = new PreTransformIndex({ dim, components, inner: (o) => new FlatIndex(o) });
    ix.add(base.data);
    const truth = (q: number, id: number): number => reportedDistance('euclidean', queries.data, q * dim, base.data, id * dim, dim);
    const nq = queries.rows;
    const plain = thresholdRecall(gt.distances, ix.search(queries.data, k).ids, k, nq, truth);
    const rerank2 = thresholdRecall(gt.distances, ix.search(queries.data, k, { rerank: 2 }).ids, k, nq, truth);
    const rerank4 = thresholdRecall(gt.distances, ix.search(queries.data, k, { rerank: 4 }).ids, k, nq, truth);
    // Observed: 0.734, 0.941, 0.993.
    expect(plain).toBeGreaterThan(0.71);
    expect(rerank2).toBeGreaterThan(0.92);
    expect(rerank4).toBeGreaterThan(0.98);
    expect(rerank2).toBeGreaterThan(plain);
    expect(ix.memoryBytes()).toBeLessThan(ref.memoryBytes() * 1.2);
  });
});
