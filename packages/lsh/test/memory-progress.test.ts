/** usedBytes against its formula, and add's progress callback (calls, validation, a throwing callback). */
import { describe, expect, it } from 'vitest';
import { PROGRESS_EVERY, type MemoryReport, type Metric } from '@annlab/core';
import { LshIndex } from '@annlab/lsh';
import { clustered, expectAddOptionsRefused, expectThrowingProgressKeeps, recordProgress } from '@annlab/test-kit';

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
    const { index: a, calls } = recordProgress(() => new LshIndex(opts), [a0]);
    expect(calls[0]).toEqual([
      [PROGRESS_EVERY, n],
      [2 * PROGRESS_EVERY, n],
      [n, n],
    ]);
    expectAddOptionsRefused(a, a1);
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
    const index = expectThrowingProgressKeeps(() => new LshIndex(opts), a0, a1, dim, PROGRESS_EVERY);
    expect(index.size).toBe(n + PROGRESS_EVERY);
    expect(index.checkInvariants().ok).toBe(true);
    const back = LshIndex.deserialize(index.serialize());
    expect(back.search(a1.subarray(3 * dim, 4 * dim), 1).ids[0]).toBe(n + 3);
  });
});
