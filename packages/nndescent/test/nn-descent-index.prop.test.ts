/**
 * Properties of NnDescentIndex on arbitrary small data (duplicates, all-zero rows, dim 1):
 * invariants after every build, exact answers when the graph is complete, seeded
 * byte-identity and the serialize round trip.
 */
import type { Metric } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cornerCaseData } from '@annlab/test-kit';
import { NnDescentIndex } from '../src/index.js';

/** Byte-for-byte equality of two files (no Node Buffer, so the file also runs in a browser). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
const SEED = 20240611;

/** n × dim vectors, with duplicate rows and all-zero rows mixed in. */
const dataArb = cornerCaseData();

const metricArb = fc.constantFrom<Metric>('euclidean', 'cosine', 'inner-product');

describe('NnDescentIndex properties', () => {
  it('keeps its invariants and answers k rows for any data, metric and parameters', () => {
    fc.assert(
      fc.property(
        dataArb,
        metricArb,
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 3 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        ({ dim, x, n }, metric, K, nTrees, diversifyProb) => {
          const ix = new NnDescentIndex({ dim, metric, nNeighbors: K, nTrees, diversifyProb, leafSize: 4, kernels: 'js' });
          ix.add(x);
          expect(ix.checkInvariants()).toEqual({ ok: true, errors: [] });
          const g = ix.knnGraph();
          for (let i = 0; i < n; i++) {
            let filled = 0;
            for (let j = 0; j < K; j++) if (g.ids[i * K + j] >= 0) filled++;
            // A full row when enough other points exist (at least the exact graph's for tiny sets).
            if (n - 1 <= K) expect(filled).toBe(n - 1);
          }
          const r = ix.search(x.subarray(0, dim), 3, { efSearch: 8 });
          expect(r.ids.length).toBe(3);
          expect(r.ids[0]).toBeGreaterThanOrEqual(0);
        },
      ),
      { seed: SEED, numRuns: 120 },
    );
  });

  it('equals flat search when the graph is complete (n ≤ K + 1, no diversification, efSearch ≥ n)', () => {
    fc.assert(
      fc.property(dataArb, metricArb, fc.integer({ min: 1, max: 10 }), ({ n, dim, x }, metric, k) => {
        const ix = new NnDescentIndex({ dim, metric, nNeighbors: 60, diversifyProb: 0, pruneDegreeMultiplier: 1, kernels: 'js' });
        ix.add(x);
        const flat = new FlatIndex({ dim, metric, kernels: 'js' });
        flat.add(x);
        const q = x.subarray(0, Math.min(n, 5) * dim);
        const a = ix.search(q, k, { efSearch: n });
        const b = flat.search(q, k, { oneByOne: true });
        expect(Array.from(a.ids)).toEqual(Array.from(b.ids));
        expect(Array.from(a.distances)).toEqual(Array.from(b.distances));
      }),
      { seed: SEED, numRuns: 80 },
    );
  });

  it('same seed, same bytes; deserialize(serialize(ix)) serializes and searches identically', () => {
    fc.assert(
      fc.property(dataArb, metricArb, fc.integer({ min: 0, max: 1000 }), ({ dim, x }, metric, seed) => {
        const make = (): NnDescentIndex => {
          const ix = new NnDescentIndex({ dim, metric, seed, nNeighbors: 5, leafSize: 4, kernels: 'js' });
          ix.add(x);
          return ix;
        };
        const a = make();
        const bytes = a.serialize();
        expect(sameBytes(make().serialize(), bytes)).toBe(true);
        const back = NnDescentIndex.deserialize(bytes, { kernels: 'js' });
        expect(sameBytes(back.serialize(), bytes)).toBe(true);
        const q = x.subarray(0, dim);
        expect(Array.from(back.search(q, 4, { efSearch: 6 }).ids)).toEqual(Array.from(a.search(q, 4, { efSearch: 6 }).ids));
      }),
      { seed: SEED, numRuns: 50 },
    );
  });
});
