/** usedBytes against its formula, and add's progress callback (calls, validation, a throwing callback). */
import { describe, expect, it } from 'vitest';
import { PROGRESS_EVERY, type MemoryReport } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { HnswIndex } from '@annlab/hnsw';
import { IvfFlatIndex } from '@annlab/ivfpq';
import { PreTransformIndex, type InnerIndexOptions } from '@annlab/pca';
import { expectCode } from '@annlab/test-kit';
import { anisotropic } from './helpers.js';

const dim = 10;
const components = 4;
const n = 2 * PROGRESS_EVERY + 7;
const x = anisotropic(n, dim, [5, 3, 2, 1], 21, 0.05);
const LOADERS = { loaders: { [FlatIndex.TAG]: FlatIndex, [HnswIndex.TAG]: HnswIndex, [IvfFlatIndex.TAG]: IvfFlatIndex } };
const flat = (o: InnerIndexOptions): FlatIndex => new FlatIndex(o);
const hnsw = (o: InnerIndexOptions): HnswIndex => new HnswIndex({ ...o, M: 6, efConstruction: 20 });
const ivf = (o: InnerIndexOptions): IvfFlatIndex => new IvfFlatIndex({ ...o, nlist: 8, niter: 3 });

function throwAt(limit: number): (done: number) => void {
  return (done) => {
    if (done >= limit) throw new Error('stop');
  };
}

describe('PreTransformIndex.usedBytes', () => {
  it('is the PCA tables + projector + inner usedBytes + kept vectors', () => {
    for (const keepVectors of [false, true]) {
      const ix = new PreTransformIndex({ dim, components, inner: flat, keepVectors });
      ix.add(x.subarray(0, 500 * dim));
      const inner = ix.inner as FlatIndex;
      const want =
        8 * dim +
        8 * components * dim +
        24 * components +
        4 * components * dim +
        8 * components +
        500 * components * 4 +
        500 * 8 +
        (keepVectors ? 500 * dim * 4 : 0);
      // The inner flat index keeps its rows and one float64 squared norm per row (the batch path's norm expansion).
      expect(inner.usedBytes()).toBe(500 * components * 4 + 500 * 8);
      const report: MemoryReport = ix;
      expect(report.usedBytes()).toBe(want);
      expect(ix.memoryBytes()).toBeGreaterThan(want);
    }
  });
});

describe('PreTransformIndex.add progress', () => {
  it('fit, projection, then the inner add scaled to n; the same bytes with and without a callback', () => {
    const calls: [number, number][] = [];
    const a = new PreTransformIndex({ dim, components, inner: ivf, keepVectors: true });
    a.add(x, { onProgress: (done, total) => calls.push([done, total]) });
    const total = 1 + 2 * n;
    expect(calls[0]).toEqual([1, total]);
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i][0]).toBeGreaterThanOrEqual(calls[i - 1][0]);
      expect(calls[i][1]).toBe(total);
    }
    expect(calls.at(-1)).toEqual([total, total]);
    const b = new PreTransformIndex({ dim, components, inner: ivf, keepVectors: true });
    b.add(x);
    expect(a.serialize()).toEqual(b.serialize());
    expectCode(() => a.add(x, { onProgres: () => {} } as never), 'INVALID_PARAMETER');
    expect(a.size).toBe(n);
  });

  it('a throw before the inner add, or inside a one-step inner add, leaves the index as it was', () => {
    for (const [inner, limit] of [
      [flat, 1],
      [flat, 1 + PROGRESS_EVERY],
      [ivf, 1 + n + 1],
    ] as const) {
      const ix = new PreTransformIndex({ dim, components, inner, keepVectors: true });
      const fresh = ix.serialize();
      expect(() => ix.add(x, { onProgress: throwAt(limit) })).toThrow('stop');
      expect(ix.isTrained).toBe(false);
      expect(ix.size).toBe(0);
      expect(ix.serialize()).toEqual(fresh);
    }
  });

  it('a throw inside an incremental inner add keeps the vectors it inserted, here and inside', () => {
    const ix = new PreTransformIndex({ dim, components, inner: hnsw, keepVectors: true });
    // Stop at the inner index's first report (PROGRESS_EVERY inserts).
    expect(() => ix.add(x, { onProgress: throwAt(1 + n + 1) })).toThrow('stop');
    expect(ix.isTrained).toBe(true);
    expect(ix.size).toBe(PROGRESS_EVERY);
    expect((ix.inner as HnswIndex).checkInvariants().ok).toBe(true);
    const back = PreTransformIndex.deserialize(ix.serialize(), LOADERS);
    expect(back.size).toBe(PROGRESS_EVERY);
    expect(back.search(x.subarray(7 * dim, 8 * dim), 1, { rerank: 5 }).ids[0]).toBe(7);
    expect(back.usedBytes()).toBe(ix.usedBytes());
  });
});
