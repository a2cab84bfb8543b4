import { describe, expect, it } from 'vitest';
import { AnnlabError, SearchStats, reportedDistance, type AnnIndex, type Metric } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { PreTransformIndex, type InnerIndexOptions } from '@annlab/pca';
import { anisotropic, thresholdRecall } from './helpers.js';

const flat = (o: InnerIndexOptions): AnnIndex => new FlatIndex(o);
const LOADERS = { [FlatIndex.TAG]: FlatIndex.deserialize };

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AnnlabError);
    expect((e as AnnlabError).code).toBe(code);
    return;
  }
  throw new Error(`expected an AnnlabError ${code}`);
}

describe('PreTransformIndex', () => {
  const dim = 16;
  const n = 500;
  const nq = 40;
  const k = 10;
  const base = anisotropic(n, dim, [6, 5, 4, 3, 2.5, 2, 1.5, 1, 0.8, 0.6, 0.5, 0.4], 21, 0.2);
  const queries = anisotropic(nq, dim, [6, 5, 4, 3, 2.5, 2, 1.5, 1, 0.8, 0.6, 0.5, 0.4], 22, 0.2);

  for (const metric of ['euclidean', 'cosine', 'inner-product'] as Metric[]) {
    it(`with full-rank PCA and a flat inner index equals FlatIndex (${metric})`, () => {
      const ref = new FlatIndex({ dim, metric });
      ref.add(base);
      const want = ref.search(queries, k);
      const ix = new PreTransformIndex({ dim, metric, components: dim, inner: flat, solver: 'exact' });
      ix.add(base.subarray(0, 300 * dim));
      ix.add(base.subarray(300 * dim));
      expect(ix.size).toBe(n);
      for (const rerank of [0, 1, 3]) {
        const got = ix.search(queries, k, { rerank });
        expect(got.nq).toBe(nq);
        let same = 0;
        for (let i = 0; i < nq * k; i++) {
          if (got.ids[i] === want.ids[i]) same++;
          expect(got.distances[i]).toBeCloseTo(want.distances[i], 3);
        }
        // Rounding in the projection can swap two near-tied neighbours, nothing more.
        expect(same).toBeGreaterThanOrEqual(nq * k - 2);
      }
    });
  }

  it('re-ranking in the original space improves recall of a reduced index', () => {
    const ref = new FlatIndex({ dim });
    ref.add(base);
    const gt = ref.search(queries, k);
    const ix = new PreTransformIndex({ dim, components: 3, inner: flat });
    ix.add(base);
    const truth = (q: number, id: number): number => reportedDistance('euclidean', queries, q * dim, base, id * dim, dim);
    const plain = thresholdRecall(gt.distances, ix.search(queries, k).ids, k, nq, truth);
    const reranked = thresholdRecall(gt.distances, ix.search(queries, k, { rerank: 4 }).ids, k, nq, truth);
    const more = thresholdRecall(gt.distances, ix.search(queries, k, { rerank: 16 }).ids, k, nq, truth);
    expect(plain).toBeLessThan(0.9);
    expect(reranked).toBeGreaterThan(plain + 0.15);
    expect(more).toBeGreaterThanOrEqual(reranked);
    expect(more).toBeGreaterThan(0.9);
    // Without rerank, distances are those of the projections: never larger than the true ones.
    const r0 = ix.search(queries, k);
    for (let q = 0; q < nq; q++) for (let i = 0; i < k; i++) {
      expect(r0.distances[q * k + i]).toBeLessThanOrEqual(truth(q, r0.ids[q * k + i]) + 1e-4);
    }
    // With rerank, rows are ascending with exact distances.
    const r4 = ix.search(queries, k, { rerank: 4 });
    for (let q = 0; q < nq; q++) for (let i = 0; i < k; i++) {
      expect(r4.distances[q * k + i]).toBeCloseTo(truth(q, r4.ids[q * k + i]), 4);
      if (i > 0) expect(r4.distances[q * k + i]).toBeGreaterThanOrEqual(r4.distances[q * k + i - 1]);
    }
  });

  it('passes inner parameters through, counts re-rank work, pads short rows', () => {
    const seen: unknown[] = [];
    const ix = new PreTransformIndex({
      dim: 4,
      components: 2,
      inner: (o) => {
        const inner = new FlatIndex(o);
        const search = inner.search.bind(inner);
        inner.search = (q, kk, p) => {
          seen.push(p);
          return search(q, kk, p);
        };
        return inner;
      },
    });
    expect(ix.search(new Float32Array(4), 3).ids).toEqual(new Int32Array([-1, -1, -1]));
    ix.add(anisotropic(5, 4, [3, 2, 1], 4));
    const stats = new SearchStats();
    const r = ix.search(new Float32Array(8), 7, { rerank: 2, stats, oneByOne: true });
    expect(seen[0]).toEqual({ stats, oneByOne: true });
    expect(Array.from(r.ids.subarray(5, 7))).toEqual([-1, -1]);
    expect(r.distances[6]).toBe(Infinity);
    expect(stats.distanceComputations).toBeGreaterThanOrEqual(10);
  });

  it('round-trips through one file, with loaders for the inner index', () => {
    for (const metric of ['euclidean', 'cosine'] as Metric[]) {
      const ix = new PreTransformIndex({ dim, metric, components: 5, inner: flat, seed: 3, solver: 'randomized' });
      ix.add(base);
      const bytes = ix.serialize();
      const back = PreTransformIndex.deserialize(bytes, LOADERS);
      expect(back.size).toBe(n);
      expect(back.metric).toBe(metric);
      expect(back.pca.solverUsed).toBe('randomized');
      expect(back.serialize()).toEqual(bytes);
      for (const rerank of [0, 2]) expect(back.search(queries, k, { rerank })).toEqual(ix.search(queries, k, { rerank }));
      // Searching (which may grow kernel scratch memory) leaves the file unchanged.
      expect(back.serialize()).toEqual(bytes);
      // Same seed and data: identical bytes.
      const again = new PreTransformIndex({ dim, metric, components: 5, inner: flat, seed: 3, solver: 'randomized' });
      again.add(base);
      expect(again.serialize()).toEqual(bytes);
    }
    const lean = new PreTransformIndex({ dim, components: 4, inner: flat, keepVectors: false });
    lean.add(base);
    const leanBytes = lean.serialize();
    const leanBack = PreTransformIndex.deserialize(leanBytes, LOADERS);
    expect(leanBack.search(queries, k)).toEqual(lean.search(queries, k));
    expect(leanBack.memoryBytes()).toBeLessThan(new PreTransformIndex({ dim, components: 4, inner: flat }).memoryBytes() + n * dim * 4);
    expect(lean.serialize()).toEqual(leanBytes);
    expectCode(() => PreTransformIndex.deserialize(leanBytes, {}), 'NOT_FOUND');
    const damaged = Uint8Array.from(leanBytes);
    damaged[40] ^= 1;
    expectCode(() => PreTransformIndex.deserialize(damaged, LOADERS), 'CORRUPT_DATA');
    const flatFile = new FlatIndex({ dim }).serialize();
    expectCode(() => PreTransformIndex.deserialize(flatFile, LOADERS), 'WRONG_FORMAT');
  });

  it('reports memory: PCA + inner index + kept vectors', () => {
    const keep = new PreTransformIndex({ dim, components: 4, inner: flat });
    const lean = new PreTransformIndex({ dim, components: 4, inner: flat, keepVectors: false });
    keep.add(base);
    lean.add(base);
    expect(keep.memoryBytes() - lean.memoryBytes()).toBe(keep.store.memoryBytes());
    expect(keep.store.memoryBytes()).toBeGreaterThanOrEqual(n * dim * 4);
    expect(lean.memoryBytes()).toBeGreaterThan(keep.pca.memoryBytes() + keep.inner.memoryBytes() - 1);
  });

  it('accepts an inner instance, trains explicitly, and refuses bad input with typed errors', () => {
    const ix = new PreTransformIndex({ dim, components: 4, inner: new FlatIndex({ dim: 4 }) });
    expect(ix.isTrained).toBe(false);
    ix.train(base.subarray(0, 50 * dim));
    expect(ix.isTrained).toBe(true);
    expect(ix.pca.nSamples).toBe(50);
    ix.add(base);
    expect(ix.pca.nSamples).toBe(50);
    expectCode(() => ix.train(base), 'UNSUPPORTED_OPERATION');
    expectCode(() => new PreTransformIndex({ dim, components: 4, inner: new FlatIndex({ dim: 5 }) }), 'INVALID_PARAMETER');
    expectCode(() => new PreTransformIndex({ dim, components: 4, inner: new FlatIndex({ dim: 4, metric: 'cosine' }) }), 'INVALID_PARAMETER');
    expectCode(() => new PreTransformIndex({ dim, components: 4, inner: 'flat' as never }), 'INVALID_PARAMETER');
    expectCode(() => new PreTransformIndex({ dim, components: dim + 1, inner: flat }), 'INVALID_PARAMETER');
    const used = new FlatIndex({ dim: 4 });
    used.add(new Float32Array(4));
    expectCode(() => new PreTransformIndex({ dim, components: 4, inner: used }), 'INVALID_PARAMETER');
    expectCode(() => ix.search(queries, k, { rerank: -1 }), 'INVALID_PARAMETER');
    expectCode(() => ix.search(queries, 0), 'INVALID_PARAMETER');
    expectCode(() => ix.search(new Float32Array(3), 1), 'DIMENSION_MISMATCH');
    const lean = new PreTransformIndex({ dim, components: 4, inner: flat, keepVectors: false });
    lean.add(base);
    expectCode(() => lean.search(queries, k, { rerank: 2 }), 'INVALID_PARAMETER');
  });

  it('a failed add leaves the index unchanged', () => {
    const ix = new PreTransformIndex({ dim, components: 8, inner: flat });
    expectCode(() => ix.add(base.subarray(0, 5 * dim)), 'INVALID_PARAMETER'); // 5 samples < 8 components
    expect(ix.isTrained).toBe(false);
    expect(ix.size).toBe(0);
    expect(ix.store.size).toBe(0);
    const bad = Float32Array.from(base.subarray(0, 20 * dim));
    bad[33] = NaN;
    expectCode(() => ix.add(bad), 'NON_FINITE');
    expect(ix.isTrained).toBe(false);
    ix.add(base);
    const before = ix.serialize();
    expectCode(() => ix.add(bad), 'NON_FINITE');
    expect(ix.serialize()).toEqual(before);
  });
});
