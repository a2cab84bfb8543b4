import { describe, expect, it } from 'vitest';
import { Rng, type Metric } from '@annlab/core';
// Resolved through the workspace root (it depends on every package): core cannot list flat as
// a dependency without a cycle, and FlatIndex is the natural end-to-end check of the backends.
import { FlatIndex } from '@annlab/flat';

/** Clustered seeded data: `clusters` centres, points spread around them. */
function clustered(rng: Rng, n: number, dim: number, clusters: number): Float32Array {
  const centres = new Float32Array(clusters * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.nextGaussian() * 3;
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = rng.nextInt(clusters);
    for (let j = 0; j < dim; j++) x[i * dim + j] = centres[c * dim + j] + rng.nextGaussian();
  }
  return x;
}

describe('FlatIndex under both kernel backends', () => {
  for (const metric of ['euclidean', 'cosine', 'inner-product'] as Metric[]) {
    it(`returns the same ids on seeded data (${metric}; one-query and batch paths)`, () => {
      const dim = 53; // not a multiple of 4: rows start unaligned, tails go through the scalar loops
      const rng = new Rng(11);
      const base = clustered(rng, 1500, dim, 12);
      const queries = clustered(rng, 37, dim, 12);
      const js = new FlatIndex({ dim, metric, kernels: 'js' });
      const simd = new FlatIndex({ dim, metric, kernels: 'simd' });
      const auto = new FlatIndex({ dim, metric });
      js.add(base);
      simd.add(base);
      auto.add(base);
      expect(js.store.backend).toBe('js');
      expect(simd.store.backend).toBe('simd');
      expect(auto.store.backend).toBe('simd');
      for (const oneByOne of [true, false]) {
        const a = js.search(queries, 10, { oneByOne });
        const b = simd.search(queries, 10, { oneByOne });
        expect(Array.from(b.ids)).toEqual(Array.from(a.ids));
        for (let i = 0; i < a.distances.length; i++) {
          expect(Math.abs(b.distances[i] - a.distances[i])).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(a.distances[i])));
        }
      }
    });
  }

  it('a SIMD index survives serialize/deserialize and searches identically', () => {
    const dim = 21;
    const rng = new Rng(5);
    const base = clustered(rng, 300, dim, 5);
    const queries = clustered(rng, 9, dim, 5);
    const simd = new FlatIndex({ dim, kernels: 'simd' });
    simd.add(base);
    const loaded = FlatIndex.deserialize(simd.serialize());
    expect(loaded.store.backend).toBe('simd');
    expect(Array.from(loaded.search(queries, 5).ids)).toEqual(Array.from(simd.search(queries, 5).ids));
  });

  it('rejects an unknown kernels option with a typed error', () => {
    expect(() => new FlatIndex({ dim: 4, kernels: 'avx' as never })).toThrow(/'auto', 'js' or 'simd'/);
  });
});
