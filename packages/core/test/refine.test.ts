import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { METRICS, Refiner, Rng, VectorStore, metricPolicy, reportedDistance } from '@annlab/core';

/** The plain reference: every valid candidate's reported distance, sorted by (distance, id), first k, padded. */
function refineRef(
  base: Float32Array,
  dim: number,
  metric: (typeof METRICS)[number],
  q: Float32Array,
  cand: number[],
  k: number,
): { ids: number[]; dists: number[] } {
  const all = cand.filter((id) => id >= 0).map((id) => [reportedDistance(metric, q, 0, base, id * dim, dim), id] as const);
  all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const ids: number[] = [];
  const dists: number[] = [];
  for (let i = 0; i < k; i++) {
    ids.push(i < all.length ? all[i][1] : -1);
    dists.push(i < all.length ? all[i][0] : Infinity);
  }
  return { ids, dists };
}

describe('Refiner', () => {
  it('keeps the k exactly-closest candidates, skips padding, counts the work (every metric, both backends)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 1 << 30 }),
        (dim, n, count, k, seed) => {
          const rng = new Rng(seed);
          // Coarse values: ties happen, so the (distance, id) order is exercised.
          const base = Float32Array.from({ length: n * dim }, () => rng.nextInt(5) - 2);
          const q = Float32Array.from({ length: dim }, () => rng.nextInt(5) - 2);
          const cand = Array.from({ length: count }, () => (rng.nextInt(6) === 0 ? -1 : rng.nextInt(n)));
          const unique = [...new Set(cand)];
          for (const metric of METRICS) {
            const want = refineRef(base, dim, metric, q, unique, k);
            for (const kernels of ['js', 'simd'] as const) {
              const store = new VectorStore(dim, { normalize: metricPolicy(metric).normalize, kernels });
              store.append(base);
              const refiner = new Refiner(store, metricPolicy(metric));
              const candIds = Int32Array.from([7, ...unique]);
              const outIds = new Int32Array(k + 2);
              const outDist = new Float32Array(k + 2);
              const done = refiner.refineInto(q, 0, candIds, 1, unique.length, k, outIds, outDist, 2);
              expect(done).toBe(unique.filter((id) => id >= 0).length);
              expect(outIds[0]).toBe(0); // nothing written before outOff
              for (let i = 0; i < k; i++) {
                const id = outIds[2 + i];
                if (want.ids[i] === -1) {
                  expect(id).toBe(-1);
                  expect(outDist[2 + i]).toBe(Infinity);
                  continue;
                }
                // The same distances in the same order; ids may differ only between (near-)ties,
                // and each returned id is at the distance reported for it.
                expect(Math.abs(outDist[2 + i] - want.dists[i])).toBeLessThan(1e-4 * (1 + Math.abs(want.dists[i])));
                expect(unique).toContain(id);
                expect(Math.abs(reportedDistance(metric, q, 0, base, id * dim, dim) - outDist[2 + i])).toBeLessThan(
                  1e-4 * (1 + Math.abs(want.dists[i])),
                );
                if (i > 0) expect(outIds.subarray(2, 2 + i)).not.toContain(id);
              }
              if (metric !== 'cosine') expect(Array.from(outIds.subarray(2))).toEqual(want.ids); // exact ties: by id
            }
          }
        },
      ),
      { seed: 11, numRuns: 60 },
    );
  });
});
