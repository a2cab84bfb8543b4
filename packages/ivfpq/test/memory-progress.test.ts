/** usedBytes against its formulas, and the progress callbacks of train/add (calls, validation, a throwing callback). */
import { describe, expect, it } from 'vitest';
import { PROGRESS_EVERY, type MemoryReport } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { IvfFlatIndex, IvfPqIndex, KMeans, ProductQuantizer } from '@annlab/ivfpq';
import { clustered, expectCode } from '@annlab/test-kit';

const dim = 8;
const n = 2 * PROGRESS_EVERY + 11;
const x = clustered(n, dim, 12, 4);

/** Collects progress calls and checks they are non-decreasing and end at the total. */
function recorder(): { calls: [number, number][]; onProgress: (done: number, total: number) => void; check: () => void } {
  const calls: [number, number][] = [];
  return {
    calls,
    onProgress: (done, total) => {
      calls.push([done, total]);
    },
    check: () => {
      expect(calls.length).toBeGreaterThan(0);
      for (let i = 1; i < calls.length; i++) {
        expect(calls[i][0]).toBeGreaterThanOrEqual(calls[i - 1][0]);
        expect(calls[i][1]).toBe(calls[0][1]);
      }
      const last = calls[calls.length - 1];
      expect(last[0]).toBe(last[1]);
    },
  };
}

function throwAt(limit: number): (done: number) => void {
  return (done) => {
    if (done >= limit) throw new Error('stop');
  };
}

describe('usedBytes', () => {
  it('IVF-Flat: 4·nlist·dim + 4·(nlist+1) + n·(4·dim + 4); its vectors take what the rows of a flat index take', () => {
    const nlist = 16;
    const ivf = new IvfFlatIndex({ dim, nlist, niter: 4 });
    ivf.add(x);
    const report: MemoryReport = ivf;
    expect(report.usedBytes()).toBe(4 * nlist * dim + 4 * (nlist + 1) + n * (4 * dim + 4));
    const flat = new FlatIndex({ dim });
    flat.add(x);
    // Flat keeps a float64 squared norm per row beside the rows (its batch path's norm expansion).
    expect(flat.usedBytes()).toBe(n * dim * 4 + n * 8);
    expect(ivf.listVectors.usedBytes()).toBe(flat.usedBytes() - n * 8);
    expect(ivf.usedBytes() - ivf.listVectors.usedBytes()).toBe(4 * nlist * dim + 4 * (nlist + 1) + 4 * n);
    expect(IvfFlatIndex.deserialize(ivf.serialize()).usedBytes()).toBe(ivf.usedBytes());
  });

  it('IVF-PQ: centroids + codebooks + precomputed table + offsets + n·(m + 4) [+ 4·n·dim kept]', () => {
    const nlist = 8;
    const m = 4;
    const ksub = 1 << 6;
    for (const keepVectors of [false, true]) {
      for (const precomputedTableMaxBytes of [0, 1 << 20]) {
        const ix = new IvfPqIndex({ dim, nlist, m, nbits: 6, niter: 3, pqNiter: 3, keepVectors, precomputedTableMaxBytes });
        ix.add(x);
        const table = precomputedTableMaxBytes > 0 ? 4 * nlist * m * ksub : 0;
        const want = 4 * nlist * dim + 4 * ksub * dim + table + 4 * (nlist + 1) + n * (m + 4) + (keepVectors ? 4 * n * dim : 0);
        expect(ix.usedBytes()).toBe(want);
        expect(ix.memoryBytes()).toBeGreaterThan(want);
      }
    }
  });
});

describe('progress', () => {
  it('KMeans and ProductQuantizer report each iteration', () => {
    const r = recorder();
    new KMeans({ dim, k: 4, niter: 5 }).train(x.subarray(0, 400 * dim), { onProgress: r.onProgress });
    r.check();
    expect(r.calls.map((c) => c[0])).toEqual([1, 2, 3, 4, 5]);
    const p = recorder();
    new ProductQuantizer({ dim, m: 2, nbits: 4, niter: 3 }).train(x.subarray(0, 400 * dim), { onProgress: p.onProgress });
    p.check();
    expect(p.calls.at(-1)).toEqual([6, 6]);
    expectCode(() => new KMeans({ dim, k: 4 }).train(x, { onProgres: () => {} } as never), 'INVALID_PARAMETER');
  });

  it('IVF-Flat: niter iterations then n vectors; the same bytes with and without a callback', () => {
    const r = recorder();
    const a = new IvfFlatIndex({ dim, nlist: 16, niter: 4 });
    a.add(x, { onProgress: r.onProgress });
    r.check();
    expect(r.calls[0]).toEqual([1, 4 + n]);
    expect(r.calls.at(-1)).toEqual([4 + n, 4 + n]);
    const b = new IvfFlatIndex({ dim, nlist: 16, niter: 4 });
    b.add(x);
    expect(a.serialize()).toEqual(b.serialize());
    const r2 = recorder();
    a.add(x.subarray(0, 100 * dim), { onProgress: r2.onProgress });
    expect(r2.calls).toEqual([[100, 100]]);
    expectCode(() => a.add(x, { onProgres: () => {} } as never), 'INVALID_PARAMETER');
    expect(a.size).toBe(n + 100);
  });

  it('IVF-Flat: a throwing callback leaves the index as it was (untrained again when the add trained)', () => {
    const fresh = new IvfFlatIndex({ dim, nlist: 16, niter: 4 }).serialize();
    for (const limit of [2, 4 + PROGRESS_EVERY]) {
      const ix = new IvfFlatIndex({ dim, nlist: 16, niter: 4 });
      expect(() => ix.add(x, { onProgress: throwAt(limit) })).toThrow('stop');
      expect(ix.isTrained).toBe(false);
      expect(ix.size).toBe(0);
      expect(ix.serialize()).toEqual(fresh);
    }
    const ix = new IvfFlatIndex({ dim, nlist: 16, niter: 4 });
    ix.add(x);
    const before = ix.serialize();
    expect(() => ix.add(x, { onProgress: throwAt(PROGRESS_EVERY) })).toThrow('stop');
    expect(ix.serialize()).toEqual(before);
    const back = IvfFlatIndex.deserialize(ix.serialize());
    expect(back.search(x.subarray(0, dim), 1, { nprobe: 16 }).ids[0]).toBe(0);
  });

  it('IVF-PQ: training steps then assignment and encoding; a throwing callback leaves it as it was', () => {
    const opts = { dim, nlist: 8, m: 4, nbits: 4, niter: 3, pqNiter: 2, keepVectors: true };
    const steps = 3 + 4 * 2;
    const r = recorder();
    const a = new IvfPqIndex(opts);
    a.add(x, { onProgress: r.onProgress });
    r.check();
    expect(r.calls.at(-1)).toEqual([steps + 2 * n, steps + 2 * n]);
    const b = new IvfPqIndex(opts);
    b.add(x);
    expect(a.serialize()).toEqual(b.serialize());

    const fresh = new IvfPqIndex(opts).serialize();
    for (const limit of [2, 3 + 5, steps + PROGRESS_EVERY, steps + n + 10]) {
      const ix = new IvfPqIndex(opts);
      expect(() => ix.add(x, { onProgress: throwAt(limit) })).toThrow('stop');
      expect(ix.isTrained).toBe(false);
      expect(ix.serialize()).toEqual(fresh);
      ix.add(x);
      expect(ix.serialize()).toEqual(b.serialize());
    }
    const before = a.serialize();
    expect(() => a.add(x, { onProgress: throwAt(n) })).toThrow('stop');
    expect(a.serialize()).toEqual(before);
    expect(IvfPqIndex.deserialize(before).search(x.subarray(0, dim), 1, { nprobe: 8, rerank: 10 }).ids[0]).toBe(0);
  });
});
