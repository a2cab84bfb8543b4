import { describe, expect, it } from 'vitest';
import { AnnlabError, SearchStats, type AnnlabErrorCode, type IndexClass } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { expectCode } from '@annlab/test-kit';
import { bruteForce, seeded } from './helpers.js';

function errorCode(fn: () => unknown): AnnlabErrorCode | 'none' {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AnnlabError);
    return (e as AnnlabError).code;
  }
  return 'none';
}

describe('FlatIndex', () => {
  const dim = 16;
  const base = seeded(500 * dim, 1);
  const queries = seeded(70 * dim, 2);

  it('batch (tiled) and one-query paths agree with brute force on random data', () => {
    for (const metric of ['euclidean', 'cosine', 'inner-product'] as const) {
      const index = new FlatIndex({ dim, metric });
      index.add(base.subarray(0, 200 * dim));
      index.add(base.subarray(200 * dim)); // ids continue across adds
      expect(index.size).toBe(500);
      const want = bruteForce(base, queries, dim, metric, 10);
      const batch = index.search(queries, 10);
      const single = index.search(queries, 10, { oneByOne: true });
      for (let q = 0; q < 70; q++) {
        expect(Array.from(batch.ids.subarray(q * 10, q * 10 + 10))).toEqual(want.ids[q]);
        expect(Array.from(single.ids.subarray(q * 10, q * 10 + 10))).toEqual(want.ids[q]);
        for (let j = 0; j < 10; j++) expect(batch.distances[q * 10 + j]).toBeCloseTo(want.dists[q][j], 4);
      }
    }
  });

  it('reports true L2 (not squared), 1 − cos, and −dot', () => {
    const e = new FlatIndex({ dim: 2 });
    e.add(new Float32Array([3, 4]));
    expect(e.search(new Float32Array([0, 0]), 1).distances[0]).toBe(5);
    const c = new FlatIndex({ dim: 2, metric: 'cosine' });
    c.add(new Float32Array([0, 7]));
    expect(c.search(new Float32Array([2, 0]), 1).distances[0]).toBeCloseTo(1, 6);
    const ip = new FlatIndex({ dim: 2, metric: 'inner-product' });
    ip.add(new Float32Array([1, 2, 10, 0]));
    const r = ip.search(new Float32Array([1, 1]), 2);
    expect(Array.from(r.ids)).toEqual([1, 0]);
    expect(Array.from(r.distances)).toEqual([-10, -3]);
  });

  it('an empty index answers with padding; stats count the work', () => {
    const index = new FlatIndex({ dim: 2 });
    const r = index.search(new Float32Array([0, 0, 1, 1]), 3);
    expect(Array.from(r.ids)).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(r.distances.every((d) => d === Infinity)).toBe(true);
    index.add(new Float32Array(20));
    const stats = new SearchStats();
    index.search(new Float32Array(4), 1, { stats });
    index.search(new Float32Array(2), 1, { stats });
    expect(stats.queries).toBe(3);
    expect(stats.distanceComputations).toBe(30);
  });

  it('serialize → deserialize searches identically; same input gives identical bytes', () => {
    for (const metric of ['euclidean', 'cosine'] as const) {
      const a = new FlatIndex({ dim, metric });
      a.add(base);
      const bytes = a.serialize();
      const b = FlatIndex.deserialize(bytes);
      expect(b.size).toBe(a.size);
      expect(b.metric).toBe(metric);
      expect(b.search(queries, 5)).toEqual(a.search(queries, 5));
      const again = new FlatIndex({ dim, metric });
      again.add(base);
      expect(again.serialize()).toEqual(bytes);
      // A loaded index can keep growing.
      b.add(queries.subarray(0, dim));
      expect(b.search(queries.subarray(0, dim), 1).ids[0]).toBe(500);
      expect(b.reconstruct(0).length).toBe(dim);
    }
  });

  it('refuses every flipped byte and every truncation with AnnlabError', () => {
    const small = new FlatIndex({ dim: 3 });
    small.add(new Float32Array([1, 2, 3, 4, 5, 6]));
    const bytes = small.serialize();
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i] ^= 1;
      expect(['CORRUPT_DATA', 'WRONG_FORMAT']).toContain(errorCode(() => FlatIndex.deserialize(bad)));
    }
    for (let len = 0; len < bytes.length; len++) {
      expect(['CORRUPT_DATA', 'WRONG_FORMAT']).toContain(errorCode(() => FlatIndex.deserialize(bytes.slice(0, len))));
    }
  });

  it('gives typed errors for bad input, and a failed add leaves the index unchanged', () => {
    expectCode(() => new FlatIndex({ dim: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new FlatIndex({ dim: 4, metric: 'angular' as never }), 'INVALID_PARAMETER');
    expectCode(() => new FlatIndex({ dim: 4, efSearch: 3 } as never), 'INVALID_PARAMETER');
    expectCode(() => new FlatIndex(undefined as never), 'INVALID_PARAMETER');
    const index = new FlatIndex({ dim: 2 });
    index.add(new Float32Array([1, 1]));
    const before = index.serialize();
    expectCode(() => index.add(new Float32Array([1, 2, 3])), 'DIMENSION_MISMATCH');
    expectCode(() => index.add(new Float32Array([1, 2, NaN, 4])), 'NON_FINITE');
    expectCode(() => index.add([1, 2] as never), 'INVALID_PARAMETER');
    expect(index.size).toBe(1);
    expect(index.serialize()).toEqual(before);
    expectCode(() => index.search(new Float32Array([1]), 1), 'DIMENSION_MISMATCH');
    expectCode(() => index.search(new Float32Array([1, Infinity]), 1), 'NON_FINITE');
    expectCode(() => index.search(new Float32Array([1, 1]), 0), 'INVALID_PARAMETER');
    expectCode(() => index.search(new Float32Array([1, 1]), 1, { efSearch: 8 } as never), 'INVALID_PARAMETER');
    expectCode(() => index.reconstruct(5), 'INVALID_PARAMETER');
    expectCode(() => FlatIndex.deserialize(new Uint8Array(3)), 'CORRUPT_DATA');
  });

  it('checks seed, search params and ids on the one validation path', () => {
    expectCode(() => new FlatIndex({ dim: 2, seed: 1.5 }), 'INVALID_PARAMETER');
    expectCode(() => new FlatIndex({ dim: 2, seed: 'x' as never }), 'INVALID_PARAMETER');
    expect(new FlatIndex({ dim: 2, seed: -3 }).dim).toBe(2);
    const index = new FlatIndex({ dim: 2 });
    index.add(new Float32Array([1, 1, 2, 2]));
    const q = new Float32Array([0, 0]);
    expectCode(() => index.search(q, 1, null as never), 'INVALID_PARAMETER');
    expectCode(() => index.search(q, 1, 'oneByOne' as never), 'INVALID_PARAMETER');
    expectCode(() => index.search(q, 1, { stats: {} } as never), 'INVALID_PARAMETER');
    expectCode(() => index.search(q, 1, { oneByOne: 1 } as never), 'INVALID_PARAMETER');
    expect(index.search(q, 1, undefined).ids[0]).toBe(0);
    expectCode(() => index.reconstruct(1.5), 'INVALID_PARAMETER');
    expectCode(() => index.reconstruct(-1), 'INVALID_PARAMETER');
  });

  it('is an IndexClass: searchInto takes the params object, deserialize takes LoadOptions', () => {
    const cls: IndexClass<FlatIndex> = FlatIndex;
    const a = new FlatIndex({ dim, kernels: 'js' });
    a.add(base);
    const b = cls.deserialize(a.serialize(), { kernels: 'js' });
    expect(b.store.backend).toBe('js');
    expect(FlatIndex.deserialize(a.serialize(), { kernels: 'simd' }).store.backend).toBe('simd');
    const ids = new Int32Array(6);
    const dist = new Float32Array(6);
    const stats = new SearchStats();
    b.searchInto(queries, dim, 3, ids, dist, 3, { stats });
    b.searchInto(queries, dim, 3, ids, dist, 0);
    expect(Array.from(ids.subarray(0, 3))).toEqual(Array.from(ids.subarray(3)));
    expect(Array.from(ids.subarray(0, 3))).toEqual(Array.from(a.search(queries.subarray(dim, 2 * dim), 3).ids));
    expect(stats.distanceComputations).toBe(500);
  });

  it('memoryBytes covers the stored vectors', () => {
    const index = new FlatIndex({ dim });
    index.add(base);
    expect(index.memoryBytes()).toBeGreaterThanOrEqual(base.byteLength);
  });
});
