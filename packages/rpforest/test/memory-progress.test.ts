/** usedBytes against its formula, and add's progress callback (calls, validation, a throwing callback, byte identity). */
import { describe, expect, it } from 'vitest';
import { PROGRESS_EVERY, type MemoryReport, type Metric } from '@annlab/core';
import { RpForestIndex } from '@annlab/rpforest';
import { clustered, expectAddOptionsRefused, expectThrowingProgressKeeps, recordProgress } from '@annlab/test-kit';

const dim = 6;
const opts = { dim, nTrees: 5, leafSize: 12, seed: 3 };

describe('RpForestIndex.usedBytes', () => {
  for (const metric of ['euclidean', 'inner-product'] as Metric[]) {
    it(`matches its formula after a fresh build (${metric})`, () => {
      const n = 900;
      const index = new RpForestIndex({ ...opts, metric });
      index.add(clustered(n, dim, 8, 5));
      const info = index.forestInfo();
      const treeDim = metric === 'inner-product' ? dim + 1 : dim;
      const perId = 4 * dim + 1 + (metric === 'inner-product' ? 4 : 0) + 4 * opts.nTrees;
      const want = n * perId + info.innerNodes * (4 * treeDim + 16) + info.leaves * 12 + 4 * opts.nTrees;
      const report: MemoryReport = index;
      expect(report.usedBytes()).toBe(want);
      expect(index.memoryBytes()).toBeGreaterThan(want);
      expect(RpForestIndex.deserialize(index.serialize()).usedBytes()).toBe(want);
    });
  }
});

describe('RpForestIndex.add progress', () => {
  const n0 = 600;
  const n1 = 2 * PROGRESS_EVERY + 3;
  const x = clustered(n0 + n1, dim, 10, 9);
  const base = x.subarray(0, n0 * dim);
  const more = x.subarray(n0 * dim);

  it('counts trees on the first add and vectors after; the same bytes with and without a callback', () => {
    const { calls } = recordProgress(() => new RpForestIndex(opts), [base, more]);
    expect(calls[0]).toEqual([1, 2, 3, 4, 5].map((t) => [t, 5]));
    expect(calls[1]).toEqual([
      [PROGRESS_EVERY, n1],
      [2 * PROGRESS_EVERY, n1],
      [n1, n1],
    ]);
  });

  it('refuses bad options, leaving the index as it was', () => {
    const index = new RpForestIndex(opts);
    expectAddOptionsRefused(index, base);
    expect(index.idCount).toBe(0);
  });

  it('a throwing callback during the first build leaves the index empty', () => {
    const index = new RpForestIndex(opts);
    expect(() =>
      index.add(base, {
        onProgress: (done) => {
          if (done === 3) throw new Error('stop');
        },
      }),
    ).toThrow('stop');
    expect(index.idCount).toBe(0);
    expect(index.size).toBe(0);
    expect(index.checkInvariants().ok).toBe(true);
    expect(index.serialize()).toEqual(new RpForestIndex(opts).serialize());
    index.add(base);
    const fresh = new RpForestIndex(opts);
    fresh.add(base);
    expect(index.serialize()).toEqual(fresh.serialize());
  });

  it('a throwing callback on a later add keeps exactly the vectors inserted before it', () => {
    const index = expectThrowingProgressKeeps(() => new RpForestIndex(opts), base, more, dim, PROGRESS_EVERY);
    expect(index.idCount).toBe(n0 + PROGRESS_EVERY);
    expect(index.size).toBe(n0 + PROGRESS_EVERY);
    const back = RpForestIndex.deserialize(index.serialize());
    expect(back.search(more.subarray(5 * dim, 6 * dim), 1, { searchK: 100000 }).ids[0]).toBe(n0 + 5);
  });
});
