/** usedBytes against its formula, and add's progress callback (calls, validation, a throwing callback). */
import { describe, expect, it } from 'vitest';
import { PROGRESS_EVERY, type MemoryReport } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { expectAddOptionsRefused, expectCode, expectThrowingProgressKeeps, recordProgress } from '@annlab/test-kit';
import { seeded } from './helpers.js';

const dim = 8;

describe('FlatIndex.usedBytes', () => {
  it('is exactly n × dim × 4 (vectors) + n × 8 (their norms), below the doubling allocation', () => {
    const index = new FlatIndex({ dim });
    const report: MemoryReport = index;
    for (const n of [1, 3, 700]) index.add(seeded(n * dim, n));
    expect(report.usedBytes()).toBe(704 * dim * 4 + 704 * 8);
    expect(index.memoryBytes()).toBeGreaterThan(index.usedBytes());
    expect(FlatIndex.deserialize(index.serialize()).usedBytes()).toBe(704 * dim * 4 + 704 * 8);
  });
});

describe('FlatIndex.add progress', () => {
  it('reports non-decreasing progress ending at n, and stores the same rows', () => {
    const n = 2 * PROGRESS_EVERY + 17;
    const x = seeded(n * dim, 5);
    const { index: a, calls } = recordProgress(() => new FlatIndex({ dim }), [x]);
    const b = new FlatIndex({ dim });
    b.add(x);
    expect(calls[0].length).toBe(3);
    expect(calls[0].at(-1)).toEqual([n, n]);
    expect(a.memoryBytes()).toBe(b.memoryBytes());
  });

  it('refuses bad options', () => {
    const index = new FlatIndex({ dim });
    expectAddOptionsRefused(index, seeded(dim, 1));
    expectCode(() => index.add(seeded(dim, 1), { onProgress: 3 } as never), 'INVALID_PARAMETER');
    expect(index.size).toBe(0);
  });

  it('a throwing callback leaves exactly the rows added before it', () => {
    const n = 3 * PROGRESS_EVERY;
    const x = seeded(n * dim, 9);
    const index = expectThrowingProgressKeeps(() => new FlatIndex({ dim }), seeded(5 * dim, 2), x, dim, PROGRESS_EVERY);
    expect(index.size).toBe(5 + PROGRESS_EVERY);
    const back = FlatIndex.deserialize(index.serialize());
    expect(back.search(x.subarray(0, dim), 1).ids[0]).toBe(5);
  });
});
