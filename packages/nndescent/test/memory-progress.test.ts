/** add's progress callback: calls, validation, and a throwing callback (the build is one step). */
import { describe, expect, it } from 'vitest';
import { clustered, expectCode } from '@annlab/test-kit';
import { NnDescentIndex } from '../src/index.js';

const dim = 8;
const opts = { dim, nNeighbors: 8, nTrees: 2, maxIterations: 6, seed: 4 };
const x = clustered(1200, dim, 8, 6);
const y = clustered(300, dim, 8, 7);

describe('NnDescentIndex.add progress', () => {
  it('counts trees, iterations and the search graph; the same bytes with and without a callback', () => {
    const calls: [number, number][] = [];
    const a = new NnDescentIndex(opts);
    a.add(x, { onProgress: (done, total) => calls.push([done, total]) });
    const total = 2 + 6 + 1;
    expect(calls.slice(0, 2)).toEqual([
      [1, total],
      [2, total],
    ]);
    for (let i = 1; i < calls.length; i++) {
      expect(calls[i][0]).toBeGreaterThanOrEqual(calls[i - 1][0]);
      expect(calls[i][1]).toBe(total);
    }
    expect(calls.at(-1)).toEqual([total, total]);
    const iterations = a.buildInfo()?.iterations ?? 0;
    expect(calls.filter((c) => c[0] > 2 && c[0] <= 2 + iterations).length).toBe(iterations);
    const b = new NnDescentIndex(opts);
    b.add(x);
    expect(a.serialize()).toEqual(b.serialize());
    expectCode(() => a.add(y, { onProgres: () => {} } as never), 'INVALID_PARAMETER');
    expect(a.size).toBe(1200);
  });

  it('a throwing callback leaves the index as it was before the call', () => {
    const ix = new NnDescentIndex(opts);
    const fresh = ix.serialize();
    expect(() =>
      ix.add(x, {
        onProgress: (done) => {
          if (done === 3) throw new Error('stop');
        },
      }),
    ).toThrow('stop');
    expect(ix.size).toBe(0);
    expect(ix.serialize()).toEqual(fresh);
    ix.add(x);
    const before = ix.serialize();
    expect(() =>
      ix.add(y, {
        onProgress: (done, total) => {
          if (done === total) throw new Error('stop');
        },
      }),
    ).toThrow('stop');
    expect(ix.size).toBe(1200);
    expect(ix.serialize()).toEqual(before);
    expect(ix.checkInvariants().ok).toBe(true);
    const back = NnDescentIndex.deserialize(before);
    expect(back.search(x.subarray(5 * dim, 6 * dim), 1).ids[0]).toBe(5);
  });
});
