import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Metric } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { LshIndex } from '@annlab/lsh';
import { floatBatch as batch, itRoundTripsArbitraryData } from '@annlab/test-kit';

const SEED = 20261130;
const METRICS: Metric[] = ['euclidean', 'cosine'];

describe('LshIndex properties', () => {
  it('every id sits in exactly one bucket of every table, under its own key, after any sequence of adds and searches', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...METRICS),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 5 }).chain((dim) => fc.tuple(fc.constant(dim), fc.array(batch(dim, 20), { minLength: 1, maxLength: 6 }))),
        (metric, L, K, [dim, adds]) => {
          const ix = new LshIndex({ dim, metric, L, K, seed: 3 });
          let n = 0;
          for (const rows of adds) {
            ix.add(rows);
            n += rows.length / dim;
            if (n > 0) ix.search(rows.length > 0 ? rows.subarray(0, dim) : new Float32Array(dim), 2, { probes: 3 });
            const report = ix.checkInvariants();
            expect(report.errors).toEqual([]);
            expect(ix.size).toBe(n);
          }
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });

  it('probing every bucket (2^K SimHash, 3^K E2LSH with a wide w) equals flat search, ties by id included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((dim) => fc.tuple(fc.constant(dim), batch(dim, 60), batch(dim, 3))),
        fc.constantFrom(...METRICS),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 12 }),
        ([dim, base, queries], metric, L, K, k) => {
          if (queries.length === 0) return;
          const wide = metric === 'euclidean' ? { w: 1e6 } : {};
          const ix = new LshIndex({ dim, metric, L, K, kernels: 'js', ...wide });
          ix.add(base);
          const flat = new FlatIndex({ dim, metric, kernels: 'js' });
          flat.add(base);
          const probes = metric === 'cosine' ? 2 ** K : 3 ** K;
          const got = ix.search(queries, k, { probes });
          const want = flat.search(queries, k, { oneByOne: true });
          expect(Array.from(got.ids)).toEqual(Array.from(want.ids));
          expect(Array.from(got.distances)).toEqual(Array.from(want.distances));
        },
      ),
      { seed: SEED, numRuns: 80 },
    );
  });

  it('each table probes distinct buckets in ascending score, never more than it has', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((dim) => fc.tuple(fc.constant(dim), batch(dim, 30), batch(dim, 1))),
        fc.constantFrom(...METRICS),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 300 }),
        ([dim, base, query], metric, K, probes) => {
          if (base.length === 0 || query.length === 0) return;
          const ix = new LshIndex({ dim, metric, L: 2, K });
          ix.add(base);
          const ex = ix.explain(query, 3, { probes });
          const most = metric === 'cosine' ? 2 ** K : 3 ** K;
          for (let t = 0; t < 2; t++) {
            const mine = ex.probes.filter((p) => p.table === t);
            expect(mine.length).toBe(Math.min(probes, most));
            expect(new Set(mine.map((p) => Array.from(p.codes).join(','))).size).toBe(mine.length);
            for (let i = 1; i < mine.length; i++) expect(mine[i].score).toBeGreaterThanOrEqual(mine[i - 1].score - 1e-9);
          }
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
  });

  itRoundTripsArbitraryData<LshIndex>({
    load: (bytes, options) => LshIndex.deserialize(bytes, options),
    metrics: METRICS,
    make: (dim, metric, L) => new LshIndex({ dim, metric, L, K: 4, kernels: 'js' }),
    knob: [1, 3],
    params: { probes: 5 },
    seed: SEED,
    numRuns: 40,
  });
});
