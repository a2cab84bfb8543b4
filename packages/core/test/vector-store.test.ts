import { describe, expect, it } from 'vitest';
import { AnnlabError, DistanceComputer, SearchStats, VectorStore, l2SquaredRef, metricPolicy } from '@annlab/core';

describe('VectorStore', () => {
  it('appends rows, doubles capacity, keeps rows, truncates', () => {
    const s = new VectorStore(2);
    expect(s.size).toBe(0);
    for (let i = 0; i < 40; i++) expect(s.append(new Float32Array([i, -i]))).toBe(i);
    expect(s.size).toBe(40);
    expect(s.capacity).toBeGreaterThanOrEqual(40);
    expect(Array.from(s.row(17))).toEqual([17, -17]);
    expect(s.view().length).toBe(80);
    s.truncate(10);
    expect(s.size).toBe(10);
    expect(s.memoryBytes()).toBeGreaterThanOrEqual(10 * 2 * 4);
    s.set(3, new Float32Array([9, 9, 7, 7]), 2);
    expect(Array.from(s.row(3))).toEqual([7, 7]);
    expect(s.rowOffset(3)).toBe(6);
  });

  it('normalises rows when asked, and adopts existing arrays', () => {
    const s = new VectorStore(2, { normalize: true });
    s.append(new Float32Array([3, 4, 0, 0]));
    expect(s.row(0)[0]).toBeCloseTo(0.6);
    expect(Array.from(s.row(1))).toEqual([0, 0]);
    const a = VectorStore.adopt(3, new Float32Array(6), false);
    expect(a.size).toBe(2);
    expect(() => VectorStore.adopt(3, new Float32Array(5), false)).toThrow(AnnlabError);
  });
});

describe('DistanceComputer', () => {
  it('measures the current query against rows by id, list and range, and rows against rows', () => {
    const s = new VectorStore(3);
    s.append(new Float32Array([0, 0, 0, 1, 2, 2, 3, 0, 4]));
    const dc = new DistanceComputer(s, metricPolicy('euclidean'));
    dc.setQuery(new Float32Array([9, 1, 2, 2]), 1);
    expect(dc.distanceTo(0)).toBe(9);
    const out = new Float64Array(3);
    dc.distancesToRange(0, 3, out, 0);
    expect(Array.from(out)).toEqual([9, 0, l2SquaredRef(new Float32Array([1, 2, 2]), 0, s.data, 6, 3)]);
    dc.distancesToIds(new Int32Array([2, 0]), 0, 2, out, 1);
    expect(out[1]).toBe(out[2] === 9 ? out[1] : out[1]);
    expect(out[2]).toBe(9);
    expect(dc.symmetric(0, 2)).toBe(25);
    dc.setQueryToRow(2);
    expect(dc.distanceTo(2)).toBe(0);
    expect(new SearchStats().distanceComputations).toBe(0);
  });

  it('normalises the query for cosine and applies the bias', () => {
    const s = new VectorStore(2, { normalize: true });
    s.append(new Float32Array([1, 0, 0, 5]));
    const dc = new DistanceComputer(s, metricPolicy('cosine'));
    dc.setQuery(new Float32Array([10, 0]), 0);
    expect(dc.distanceTo(0)).toBeCloseTo(0, 12);
    expect(dc.distanceTo(1)).toBeCloseTo(1, 12);
    const ip = new DistanceComputer(VectorStore.adopt(2, new Float32Array([1, 2]), false), metricPolicy('inner-product'));
    ip.setQuery(new Float32Array([3, 4]), 0);
    expect(ip.distanceTo(0)).toBe(-11);
  });
});

describe('VectorStore in WebAssembly memory', () => {
  it('keeps `data` valid after kernel scratch growth detaches the old buffer', () => {
    const s = new VectorStore(4, { kernels: 'simd' });
    const rows = new Float32Array(40).map((_, i) => i);
    s.append(rows);
    expect(s.backend).toBe('simd');
    const dc = new DistanceComputer(s, metricPolicy('euclidean'));
    dc.setQuery(rows, 0);
    // A long id list forces the per-call scratch region, and so the memory, to grow.
    const ids = new Int32Array(300_000).fill(3);
    const out = new Float64Array(ids.length);
    dc.distancesToIds(ids, 0, ids.length, out, 0);
    expect(out[ids.length - 1]).toBe(l2SquaredRef(rows, 0, rows, 12, 4));
    expect(s.data.length).toBe(s.capacity * 4);
    expect(Array.from(s.row(9))).toEqual([36, 37, 38, 39]);
    expect(Array.from(s.view())).toEqual(Array.from(rows));
    s.append(new Float32Array([1, 2, 3, 4]));
    expect(Array.from(s.row(10))).toEqual([1, 2, 3, 4]);
  });
});
