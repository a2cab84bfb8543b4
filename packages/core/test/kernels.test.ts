import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dotIds, dotRange, dotRef, dotTile, l2SquaredIds, l2SquaredRange, l2SquaredRef, l2SquaredTile } from '@annlab/core';

const SEED = 7;

const setup = fc.record({
  dim: fc.integer({ min: 1, max: 40 }),
  n: fc.integer({ min: 1, max: 30 }),
  nq: fc.integer({ min: 1, max: 11 }),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
});

function fill(len: number, seed: number): Float32Array {
  const out = new Float32Array(len);
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = Math.fround((s / 2 ** 32) * 20 - 10);
  }
  return out;
}

function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

describe('one-to-many and tile kernels', () => {
  it('range and id-list kernels equal pairwise reference distances', () => {
    fc.assert(
      fc.property(setup, ({ dim, n, seed }) => {
        const data = fill(n * dim, seed);
        const q = fill(dim + 3, seed + 1);
        const ids = new Int32Array(n + 2);
        for (let i = 0; i < n; i++) ids[i + 2] = (i * 7) % n;
        const out = new Float64Array(n + 5);
        l2SquaredRange(q, 3, data, 0, n, dim, out, 5);
        for (let r = 0; r < n; r++) expect(near(out[5 + r], l2SquaredRef(q, 3, data, r * dim, dim))).toBe(true);
        dotRange(q, 3, data, 0, n, dim, 1, out, 0);
        for (let r = 0; r < n; r++) expect(near(out[r], 1 - dotRef(q, 3, data, r * dim, dim))).toBe(true);
        l2SquaredIds(q, 3, data, ids, 2, n, dim, out, 1);
        for (let r = 0; r < n; r++) expect(near(out[1 + r], l2SquaredRef(q, 3, data, ids[2 + r] * dim, dim))).toBe(true);
        dotIds(q, 3, data, ids, 2, n, dim, 0, out, 1);
        for (let r = 0; r < n; r++) expect(near(out[1 + r], -dotRef(q, 3, data, ids[2 + r] * dim, dim))).toBe(true);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('register-blocked tiles equal pairwise reference distances, including ragged edges', () => {
    fc.assert(
      fc.property(setup, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), ({ dim, n, nq, seed }, qStart, start) => {
        const data = fill((n + start) * dim, seed);
        const queries = fill((nq + qStart) * dim, seed + 9);
        const out = new Float64Array(nq * n);
        l2SquaredTile(queries, qStart, nq, data, start, n, dim, out);
        for (let i = 0; i < nq; i++)
          for (let r = 0; r < n; r++)
            expect(near(out[i * n + r], l2SquaredRef(queries, (qStart + i) * dim, data, (start + r) * dim, dim))).toBe(true);
        dotTile(queries, qStart, nq, data, start, n, dim, 1, out);
        for (let i = 0; i < nq; i++)
          for (let r = 0; r < n; r++)
            expect(near(out[i * n + r], 1 - dotRef(queries, (qStart + i) * dim, data, (start + r) * dim, dim))).toBe(true);
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});
