/** usedBytes against its formula, and add's progress callback (calls, validation, a throwing callback, byte identity). */
import { describe, expect, it } from 'vitest';
import { PROGRESS_EVERY, type MemoryReport } from '@annlab/core';
import { HnswIndex } from '@annlab/hnsw';
import { clustered, expectAddOptionsRefused, expectCode, expectThrowingProgressKeeps, recordProgress } from '@annlab/test-kit';

const dim = 8;
const M = 6;
const opts = { dim, M, efConstruction: 24, seed: 7 };

describe('HnswIndex.usedBytes', () => {
  it('is n × (4·dim + 4·(2M+1) + 4 + 2) + 4·Σ level·(M+1), below the allocation', () => {
    const n = 1500;
    const index = new HnswIndex(opts);
    index.add(clustered(n, dim, 10, 3));
    let upper = 0;
    for (let i = 0; i < n; i++) upper += index.levelOf(i) * (M + 1);
    expect(upper).toBeGreaterThan(0);
    const want = n * (4 * dim + 4 * (2 * M + 1) + 4 + 2) + 4 * upper;
    const report: MemoryReport = index;
    expect(report.usedBytes()).toBe(want);
    expect(index.memoryBytes()).toBeGreaterThan(want);
    // Deleted ids keep their rows and links until compaction: still counted.
    index.delete([0, 1]);
    expect(index.usedBytes()).toBe(want);
    expect(HnswIndex.deserialize(index.serialize()).usedBytes()).toBe(want);
  });
});

describe('HnswIndex.add progress', () => {
  const n = 2 * PROGRESS_EVERY + 5;
  const x = clustered(n, dim, 12, 11);

  it('reports non-decreasing progress ending at n; the same bytes with and without a callback', () => {
    const { calls } = recordProgress(() => new HnswIndex(opts), [x]);
    expect(calls[0]).toEqual([
      [PROGRESS_EVERY, n],
      [2 * PROGRESS_EVERY, n],
      [n, n],
    ]);
  });

  it('refuses bad options, leaving the index as it was', () => {
    const index = new HnswIndex(opts);
    expectAddOptionsRefused(index, x.subarray(0, dim));
    expectCode(() => index.add(x.subarray(0, dim), null as never), 'INVALID_PARAMETER');
    expect(index.idCount).toBe(0);
    const calls: number[] = [];
    index.add(new Float32Array(0), { onProgress: (done, total) => calls.push(done, total) });
    expect(calls).toEqual([0, 0]);
  });

  it('a throwing callback leaves a consistent index of the vectors inserted before it', () => {
    const first = x.subarray(0, 10 * dim);
    const rest = x.subarray(10 * dim);
    const index = expectThrowingProgressKeeps(() => new HnswIndex(opts), first, rest, dim, PROGRESS_EVERY);
    expect(index.idCount).toBe(10 + PROGRESS_EVERY);
    expect(index.checkInvariants().ok).toBe(true);
    const back = HnswIndex.deserialize(index.serialize());
    expect(back.search(x.subarray(3 * dim, 4 * dim), 1).ids[0]).toBe(3);
    // The index goes on growing normally.
    index.add(rest.subarray(PROGRESS_EVERY * dim));
    const all = new HnswIndex(opts);
    all.add(first);
    all.add(rest.subarray(0, PROGRESS_EVERY * dim));
    all.add(rest.subarray(PROGRESS_EVERY * dim));
    expect(index.serialize()).toEqual(all.serialize());
  });
});
