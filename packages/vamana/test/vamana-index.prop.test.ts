import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Metric } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { VamanaIndex } from '@annlab/vamana';
import { cornerCaseData } from '@annlab/test-kit';

const SEED = 2024;

/** n × dim vectors, with duplicate rows and all-zero rows mixed in (pynndescent's corner cases). */
const dataArb = cornerCaseData();

describe('VamanaIndex properties', () => {
  it('after random add sequences the invariants hold, and searchL ≥ n is exact wherever all nodes are reachable', () => {
    fc.assert(
      fc.property(
        dataArb,
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 1, max: 2, noNaN: true }),
        fc.constantFrom<Metric>('euclidean', 'cosine', 'inner-product'),
        fc.integer({ min: 1, max: 3 }),
        ({ n, dim, x }, R, L, alpha, metric, parts) => {
          const ix = new VamanaIndex({ dim, metric, R, L, alpha, kernels: 'js' });
          const cut = Math.max(1, Math.floor(n / parts));
          for (let s = 0; s < n; s += cut) ix.add(x.subarray(s * dim, Math.min(n, s + cut) * dim));
          expect(ix.size).toBe(n);
          expect(ix.checkInvariants()).toEqual({ ok: true, errors: [] });
          const info = ix.graphInfo();
          expect(info.maxDegree).toBeLessThanOrEqual(R);
          if (info.reachable !== n) return;
          const flat = new FlatIndex({ dim, metric, kernels: 'js' });
          flat.add(x);
          const k = Math.min(n, 5);
          const q = x.subarray(0, dim);
          const want = flat.search(q, k);
          const got = ix.search(q, k, { searchL: n });
          // Ties may be returned in any order by a different route; compare distances, then ids where distances are distinct.
          for (let i = 0; i < k; i++) expect(got.distances[i]).toBeCloseTo(want.distances[i], 4);
          expect(Array.from(got.ids)).toEqual(Array.from(want.ids));
        },
      ),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('the same seed and add sequence give identical bytes', () => {
    fc.assert(
      fc.property(dataArb, fc.integer({ min: 0, max: 1000 }), ({ dim, x }, seed) => {
        const a = new VamanaIndex({ dim, seed, R: 4, L: 8, kernels: 'js' });
        const b = new VamanaIndex({ dim, seed, R: 4, L: 8, kernels: 'js' });
        a.add(x);
        b.add(x);
        expect(b.serialize()).toEqual(a.serialize());
      }),
      { seed: SEED, numRuns: 50 },
    );
  });
});
