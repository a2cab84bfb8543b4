/** usedBytes against its formula, and add's progress callback (calls, validation, a throwing callback). */
import { describe, expect, it } from 'vitest';
import { PROGRESS_EVERY, type MemoryReport, type Metric } from '@annlab/core';
import { LshIndex } from '@annlab/lsh';
import { clustered, expectCode } from '@annlab/test-kit';

const dim = 8;
const L = 6;
const K = 4;

describe('LshIndex.usedBytes', () => {
  for (const metric of ['euclidean', 'cosine'] as Metric[]) {
    it(`is n × (4·dim + 8·L) + 8·buckets + 4·(L + 2) + the functions (${metric})`, () => {
      const n = 700;
      const index = new LshIndex({ dim, metric, L, K, seed: 2 });
      index.add(clustered(n, dim, 6, 3));
      index.search(clustered(1, dim, 1, 4), 1); // brings the buckets up to date
      const buckets = index.checkInvariants().buckets;
      const functions = L * K * 4 * dim + (metric === 'euclidean' ? L * K * 8 : 0);
      const want = n * (4 * dim + 8 * L) + 8 * buckets + 4 * (L + 2) + functions;
      const report: MemoryReport = index;
      expect(report.usedBytes()).toBe(want);
      expect(index.memoryBytes()).toBeGreaterThan(want);
      expect(LshIndex.deserialize(index.serialize()).usedBytes()).toBe(want);
    });
  }
});

describe('LshIndex.add progress', () => {
  const n = 2 * PROGRESS_EVERY + 9;
  const x = clustered(2 * n, dim, 10, 7);
  const a0 = x.subarray(0, n * dim);
  const a1 = x.subarray(n * dim);
  const opts = { dim, L, K, seed: 5 };

  it('reports every PROGRESS_EVERY vectors; the same bytes with and without a callback', () => {
    const calls: [number, number][] = [];
    const a = new LshIndex(opts);
    a.add(a0, { onProgress: (done, total) => calls.push([done, total]) });
    expect(calls).toEqual([
      [PROGRESS_EVERY, n],
      [2 * PROGRESS_EVERY, n],
      [n, n],
    ]);
    const b = new LshIndex(opts);
    b.add(a0);
    expect(a.serialize()).toEqual(b.serialize());
    expectCode(() => a.add(a1, { onProgres: () => {} } as never), 'INVALID_PARAMETER');
    expect(a.size).toBe(n);
  });

  it('a throwing callback on the first add leaves the index empty', () => {
    const index = new LshIndex(opts);
    const fresh = index.serialize();
    expect(() =>
      index.add(a0, {
        onProgress: () => {
          throw new Error('stop');
        },
      }),
    ).toThrow('stop');
    expect(index.size).toBe(0);
    expect(index.serialize()).toEqual(fresh);
    index.add(a0);
    const want = new LshIndex(opts);
    want.add(a0);
    expect(index.serialize()).toEqual(want.serialize());
  });

  it('a throwing callback on a later add keeps exactly the vectors hashed before it', () => {
    const index = new LshIndex(opts);
    index.add(a0);
    expect(() =>
      index.add(a1, {
        onProgress: () => {
          throw new Error('stop');
        },
      }),
    ).toThrow('stop');
    expect(index.size).toBe(n + PROGRESS_EVERY);
    expect(index.checkInvariants().ok).toBe(true);
    const want = new LshIndex(opts);
    want.add(a0);
    want.add(a1.subarray(0, PROGRESS_EVERY * dim));
    expect(index.serialize()).toEqual(want.serialize());
    const back = LshIndex.deserialize(index.serialize());
    expect(back.search(a1.subarray(3 * dim, 4 * dim), 1).ids[0]).toBe(n + 3);
  });
});
