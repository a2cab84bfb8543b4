import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { METRICS, reportedDistance, type Metric } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { bruteForce } from './helpers.js';

/**
 * Random small datasets with the awkward cases mixed in: duplicate rows, all-zero rows,
 * dim = 1, k > n. Values are small integers so exact ties are common.
 */
const dataset = fc
  .record({
    dim: fc.integer({ min: 1, max: 12 }),
    n: fc.integer({ min: 1, max: 60 }),
    nq: fc.integer({ min: 1, max: 9 }),
    k: fc.integer({ min: 1, max: 70 }),
    metric: fc.constantFrom<Metric>(...METRICS),
  })
  .chain((s) =>
    fc.record({
      spec: fc.constant(s),
      base: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: s.n * s.dim, maxLength: s.n * s.dim }),
      queries: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: s.nq * s.dim, maxLength: s.nq * s.dim }),
      dupOf: fc.array(fc.nat(), { maxLength: 10 }),
      zeroRows: fc.array(fc.nat(), { maxLength: 3 }),
    }),
  )
  .map(({ spec, base, queries, dupOf, zeroRows }) => {
    const b = Float32Array.from(base);
    // Copy earlier rows over later ones (duplicates) and zero a few rows.
    for (let t = 0; t + 1 < dupOf.length; t += 2) {
      const src = dupOf[t] % spec.n;
      const dst = dupOf[t + 1] % spec.n;
      b.copyWithin(dst * spec.dim, src * spec.dim, (src + 1) * spec.dim);
    }
    for (const z of zeroRows) b.fill(0, (z % spec.n) * spec.dim, ((z % spec.n) + 1) * spec.dim);
    return { ...spec, base: b, queries: Float32Array.from(queries) };
  });

describe('FlatIndex (properties)', () => {
  it('equals "compute every distance, sort by (distance, id), take k", on both paths, padded past n', () => {
    fc.assert(
      fc.property(dataset, ({ dim, n, nq, k, metric, base, queries }) => {
        const index = new FlatIndex({ dim, metric });
        index.add(base);
        const want = bruteForce(base, queries, dim, metric, k);
        for (const oneByOne of [true, false]) {
          const got = index.search(queries, k, { oneByOne });
          expect(got.nq).toBe(nq);
          expect(got.k).toBe(k);
          for (let q = 0; q < nq; q++) {
            const row = Array.from(got.ids.subarray(q * k, (q + 1) * k));
            const dist = Array.from(got.distances.subarray(q * k, (q + 1) * k));
            // Integer data: every distance is exact in float64 except cosine's normalisation,
            // so compare ids exactly except where two reference distances are within rounding.
            const m = Math.min(k, n);
            expect(new Set(row.slice(0, m)).size).toBe(m);
            for (let j = 0; j < m; j++) {
              expect(Math.abs(dist[j] - want.dists[q][j])).toBeLessThan(1e-5);
              if (row[j] !== want.ids[q][j]) {
                // Allowed only for a near-tie: the returned id is (within rounding) as close as
                // the reference's j-th neighbour.
                const own = reportedDistance(metric, queries, q * dim, base, row[j] * dim, dim);
                expect(Math.abs(own - want.dists[q][j])).toBeLessThan(1e-5);
              }
            }
            for (let j = m; j < k; j++) {
              expect(row[j]).toBe(-1);
              expect(dist[j]).toBe(Infinity);
            }
            for (let j = 1; j < m; j++) expect(dist[j]).toBeGreaterThanOrEqual(dist[j - 1]);
          }
        }
      }),
      { seed: 424242, numRuns: 150 },
    );
  });

  it('breaks exact ties by the smaller id (duplicated rows)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 50 }), fc.constantFrom<Metric>(...METRICS), (copies, metric) => {
        const index = new FlatIndex({ dim: 3, metric });
        const row = [1, -2, 0.5];
        const base = new Float32Array(copies * 3);
        for (let i = 0; i < copies; i++) base.set(row, i * 3);
        index.add(base);
        const r = index.search(Float32Array.from(row), copies);
        expect(Array.from(r.ids)).toEqual(Array.from({ length: copies }, (_, i) => i));
      }),
      { seed: 3, numRuns: 30 },
    );
  });
});
