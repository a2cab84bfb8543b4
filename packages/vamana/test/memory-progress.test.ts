/** usedBytes against its formula, and add's progress callback (calls, validation, a throwing callback). */
import { describe, expect, it } from 'vitest';
import { PROGRESS_EVERY, type MemoryReport } from '@annlab/core';
import { VamanaIndex } from '@annlab/vamana';
import { clustered, expectAddOptionsRefused, expectThrowingProgressKeeps, recordProgress } from '@annlab/test-kit';

const dim = 8;
const R = 8;
const opts = { dim, R, L: 16, seed: 3 };

describe('VamanaIndex.usedBytes', () => {
  it('is n × (4·dim + 4·(1 + R)), below the allocation', () => {
    const index = new VamanaIndex(opts);
    index.add(clustered(300, dim, 5, 2));
    index.add(clustered(40, dim, 5, 3));
    const report: MemoryReport = index;
    expect(report.usedBytes()).toBe(340 * (4 * dim + 4 * (1 + R)));
    expect(index.memoryBytes()).toBeGreaterThan(index.usedBytes());
    expect(VamanaIndex.deserialize(index.serialize()).usedBytes()).toBe(index.usedBytes());
  });
});

describe('VamanaIndex.add progress', () => {
  const n0 = PROGRESS_EVERY + 5;
  const n1 = PROGRESS_EVERY + 3;
  const x = clustered(n0 + n1, dim, 10, 8);
  const base = x.subarray(0, n0 * dim);
  const more = x.subarray(n0 * dim);

  it('counts both build passes, then inserts; the same bytes with and without a callback', () => {
    const { index: a, calls } = recordProgress(() => new VamanaIndex(opts), [base, more]);
    expect(calls[0]).toEqual([
      [PROGRESS_EVERY, 2 * n0],
      [n0, 2 * n0],
      [n0 + PROGRESS_EVERY, 2 * n0],
      [2 * n0, 2 * n0],
    ]);
    expect(calls[1]).toEqual([
      [PROGRESS_EVERY, n1],
      [n1, n1],
    ]);
    expectAddOptionsRefused(a, more);
    expect(a.size).toBe(n0 + n1);
  });

  it('a throwing callback during the build leaves the index empty', () => {
    const index = new VamanaIndex(opts);
    const fresh = index.serialize();
    expect(() =>
      index.add(base, {
        onProgress: (done) => {
          if (done > n0) throw new Error('stop');
        },
      }),
    ).toThrow('stop');
    expect(index.size).toBe(0);
    expect(index.serialize()).toEqual(fresh);
    index.add(base);
    const want = new VamanaIndex(opts);
    want.add(base);
    expect(index.serialize()).toEqual(want.serialize());
  });

  it('a throwing callback on a later add keeps exactly the points inserted before it', () => {
    const index = expectThrowingProgressKeeps(() => new VamanaIndex(opts), base, more, dim, PROGRESS_EVERY);
    expect(index.size).toBe(n0 + PROGRESS_EVERY);
    expect(index.checkInvariants().ok).toBe(true);
    const back = VamanaIndex.deserialize(index.serialize());
    expect(back.search(more.subarray(2 * dim, 3 * dim), 1, { searchL: 64 }).ids[0]).toBe(n0 + 2);
  });
});
