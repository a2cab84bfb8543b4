import { describe, expect, it } from 'vitest';
import { SearchStats, reportedDistance, type AnnIndex, type IndexClass, type Metric } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { HnswIndex } from '@annlab/hnsw';
import { IvfFlatIndex, IvfPqIndex } from '@annlab/ivfpq';
import { PreTransformIndex, type InnerIndexOptions } from '@annlab/pca';
import { anisotropic } from './helpers.js';
import { expectCode, recallAgainstFlat } from '@annlab/test-kit';

const flat = (o: InnerIndexOptions): AnnIndex => new FlatIndex(o);
const LOADERS = { loaders: { [FlatIndex.TAG]: FlatIndex } };

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
    const ix = new PreTransformIndex({ dim, components: 3, inner: flat });
    ix.add(base);
    const truth = (q: number, id: number): number => reportedDistance('euclidean', queries, q * dim, base, id * dim, dim);
    const plain = recallAgainstFlat(base, queries, dim, k, ix.search(queries, k).ids);
    const reranked = recallAgainstFlat(base, queries, dim, k, ix.search(queries, k, { rerank: 4 }).ids);
    const more = recallAgainstFlat(base, queries, dim, k, ix.search(queries, k, { rerank: 16 }).ids);
    expect(plain).toBeLessThan(0.9);
    expect(reranked).toBeGreaterThan(plain + 0.15);
    expect(more).toBeGreaterThanOrEqual(reranked);
    expect(more).toBeGreaterThan(0.9);
    // Without rerank, distances are those of the projections: never larger than the true ones.
    const r0 = ix.search(queries, k);
    for (let q = 0; q < nq; q++)
      for (let i = 0; i < k; i++) {
        expect(r0.distances[q * k + i]).toBeLessThanOrEqual(truth(q, r0.ids[q * k + i]) + 1e-4);
      }
    // With rerank, rows are ascending with exact distances.
    const r4 = ix.search(queries, k, { rerank: 4 });
    for (let q = 0; q < nq; q++)
      for (let i = 0; i < k; i++) {
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
    expectCode(() => PreTransformIndex.deserialize(leanBytes, { loaders: {} }), 'NOT_FOUND');
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
    expectCode(
      () => new PreTransformIndex({ dim, components: 4, inner: new FlatIndex({ dim: 4, metric: 'cosine' }) }),
      'INVALID_PARAMETER',
    );
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

  it('reloads an index whose inner HNSW had a delete (kept rows count every id, not just the live ones)', () => {
    const ix = new PreTransformIndex({ dim, components: 6, inner: (o) => new HnswIndex({ ...o, M: 8 }) });
    ix.add(base.subarray(0, 300 * dim));
    (ix.inner as HnswIndex).delete(7);
    expect(ix.size).toBe(299);
    const bytes = ix.serialize();
    const back = PreTransformIndex.deserialize(bytes, { loaders: { [HnswIndex.TAG]: HnswIndex } });
    expect(back.size).toBe(299);
    expect(back.store.size).toBe(300);
    for (const rerank of [0, 3]) expect(back.search(queries, k, { rerank })).toEqual(ix.search(queries, k, { rerank }));
    expect(Array.from(back.search(queries, 50, { rerank: 2 }).ids)).not.toContain(7);
    expect(back.serialize()).toEqual(bytes);
  });

  it('validates search params: shape, stats, rerank; inner keys are checked by the inner index', () => {
    const ix = new PreTransformIndex({ dim, components: 4, inner: (o) => new IvfFlatIndex({ ...o, nlist: 4 }) });
    ix.add(base);
    const q = queries.subarray(0, dim);
    expectCode(() => ix.search(q, k, 'rerank' as never), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, k, null as never), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, k, { stats: {} } as never), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, k, { rerank: 1.5 }), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, k, { nprob: 4 }), 'INVALID_PARAMETER'); // the inner IVF refuses its typo
    expectCode(() => ix.search(q, k, { reRank: 4 }), 'INVALID_PARAMETER');
    expect(ix.search(q, k, { nprobe: 4, rerank: 2 }).ids[0]).toBeGreaterThanOrEqual(0);
  });

  it('searchInto takes the params object and matches search; rerank never reaches an inner IVF-PQ', () => {
    const make = () => {
      const ix = new PreTransformIndex({ dim, components: 8, inner: (o) => new IvfPqIndex({ ...o, nlist: 4, m: 4, pqNiter: 3 }) });
      ix.add(base);
      return ix;
    };
    const ix = make();
    const ids = new Int32Array(2 * k);
    const dist = new Float32Array(2 * k);
    const params = { nprobe: 4, rerank: 3 };
    for (let q = 0; q < 3; q++) {
      ix.searchInto(queries, q * dim, k, ids, dist, k, params);
      ix.searchInto(queries, q * dim, k, ids, dist, 0, { nprobe: 2 });
      const one = queries.subarray(q * dim, (q + 1) * dim);
      expect(Array.from(ids.subarray(k))).toEqual(Array.from(ix.search(one, k, params).ids));
      expect(Array.from(dist.subarray(k))).toEqual(Array.from(ix.search(one, k, params).distances));
      expect(Array.from(ids.subarray(0, k))).toEqual(Array.from(ix.search(one, k, { nprobe: 2 }).ids));
    }
    const cls: IndexClass<PreTransformIndex> = PreTransformIndex;
    const loaders = { [IvfPqIndex.TAG]: IvfPqIndex, [FlatIndex.TAG]: FlatIndex };
    expect(cls.TAG).toBe('pca-pretransform');
    const back = PreTransformIndex.deserialize(ix.serialize(), { loaders });
    expect(back.search(queries, k, params)).toEqual(ix.search(queries, k, params));
  });
});
