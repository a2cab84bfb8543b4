/**
 * The SIMD batch path (norm expansion + certified exact re-ranking) against the one-query
 * scan, which it must equal bit for bit (ids, distances, tie order), and against the `'js'`
 * tiled reference, which it must equal up to float rounding (float32 against float64 sums).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { METRICS, type Metric, simdSupported } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { CANDIDATE_MARGIN, NORM_LIMIT, candidatesFor, rowBlockFor, searchBlas } from '../src/internal/blas-batch.js';
import { seeded } from './helpers.js';

const simd = simdSupported();

/** A SIMD index and a 'js' index over the same rows. */
function pair(dim: number, metric: Metric, base: Float32Array): { fast: FlatIndex; ref: FlatIndex } {
  const fast = new FlatIndex({ dim, metric, kernels: 'simd' });
  const ref = new FlatIndex({ dim, metric, kernels: 'js' });
  fast.add(base);
  ref.add(base);
  return { fast, ref };
}

/** The batch answer equals the one-query answer of the same index exactly. */
function expectEqualsOneByOne(index: FlatIndex, queries: Float32Array, k: number): void {
  const batch = index.search(queries, k);
  const single = index.search(queries, k, { oneByOne: true });
  expect(Array.from(batch.ids)).toEqual(Array.from(single.ids));
  expect(Array.from(batch.distances)).toEqual(Array.from(single.distances));
}

describe.runIf(simd)('FlatIndex batch search on the SIMD backend (matrix product)', () => {
  it('equals the one-query scan exactly and the js reference to rounding, across query and row blocks', () => {
    // 150 queries: two full query blocks of 64 and a partial one of 22 (not a multiple of 4);
    // dim 37: a tail of 1 past the 4-float chunks; n odd, larger than one row block.
    const dim = 37;
    const n = 3001;
    expect(n).toBeGreaterThan(rowBlockFor(dim));
    const base = seeded(n * dim, 11);
    const queries = seeded(150 * dim, 12);
    for (const metric of METRICS) {
      const { fast, ref } = pair(dim, metric, base);
      for (const k of [1, 10, 100]) {
        expectEqualsOneByOne(fast, queries, k);
        const a = fast.search(queries, k);
        const b = ref.search(queries, k);
        let same = 0;
        for (let i = 0; i < a.ids.length; i++) {
          // Float32 (SIMD) against float64 (js) sums: distances agree to float rounding; ids may
          // differ only where two neighbours are that close.
          expect(Math.abs(a.distances[i] - b.distances[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b.distances[i])));
          if (a.ids[i] === b.ids[i]) same++;
        }
        expect(same).toBeGreaterThanOrEqual(a.ids.length - 2);
      }
      // Random data is far from the bound's limits: no query needs the full scan.
      expect(fast.batchRescans).toBe(0);
    }
  });

  it('stays exact where the expansion cancels: a large common offset (re-answered by the scan)', () => {
    const dim = 16;
    const n = 500;
    const base = seeded(n * dim, 21, 0.01);
    for (let i = 0; i < base.length; i++) base[i] = Math.fround(base[i] + 1e4);
    const queries = seeded(40 * dim, 22, 0.01);
    for (let i = 0; i < queries.length; i++) queries[i] = Math.fround(queries[i] + 1e4);
    const { fast, ref } = pair(dim, 'euclidean', base);
    expectEqualsOneByOne(fast, queries, 10);
    // ‖x‖² ≈ 1.6e9 against distances ≈ 1e-3: the bound cannot certify, so every query is rescanned.
    expect(fast.batchRescans).toBe(40);
    const a = fast.search(queries, 10);
    const b = ref.search(queries, 10);
    for (let i = 0; i < a.ids.length; i++) expect(Math.abs(a.distances[i] - b.distances[i])).toBeLessThan(1e-3);
  });

  it('stays exact with near-duplicates and exact duplicates (ties by the smaller id)', () => {
    const dim = 9;
    const n = 400;
    const base = seeded(n * dim, 31, 100);
    // Rows 200..399 repeat rows 0..199, every other one nudged by one float32 ulp in one component.
    for (let i = 200; i < n; i++) {
      base.copyWithin(i * dim, (i - 200) * dim, (i - 199) * dim);
      if (i % 2 === 0) base[i * dim + 3] = Math.fround(base[i * dim + 3] * (1 + 2 ** -23));
    }
    const queries = base.slice(0, 70 * dim);
    for (const metric of METRICS) {
      const { fast } = pair(dim, metric, base);
      expectEqualsOneByOne(fast, queries, 5);
      if (metric !== 'euclidean') continue;
      // Query q is row q; its exact duplicate (odd q) ties at distance 0 and comes second.
      // (Under cosine and inner product a nudged copy may legitimately score closer.)
      const r = fast.search(queries, 2);
      for (let q = 0; q < 70; q++) {
        expect(r.ids[2 * q]).toBe(q);
        if (q % 2 === 1) expect(r.ids[2 * q + 1]).toBe(q + 200);
      }
    }
  });

  it('handles k ≥ n, a single row, dim 1 and 2-query batches', () => {
    for (const [dim, n, nq, k] of [
      [1, 1, 2, 3],
      [1, 50, 9, 7],
      [5, 20, 2, 20],
      [5, 20, 3, 45],
      [4, 33, 5, 33 - CANDIDATE_MARGIN],
    ]) {
      for (const metric of METRICS) {
        const { fast } = pair(dim, metric, seeded(n * dim, n + dim));
        expectEqualsOneByOne(fast, seeded(nq * dim, 7 + nq), k);
      }
    }
  });

  it('equals the one-query scan after serialize/deserialize (norms recomputed on load)', () => {
    const dim = 12;
    const { fast } = pair(dim, 'euclidean', seeded(700 * dim, 41));
    const back = FlatIndex.deserialize(fast.serialize(), { kernels: 'simd' });
    const queries = seeded(30 * dim, 42);
    const a = fast.search(queries, 8);
    const b = back.search(queries, 8);
    expect(Array.from(b.ids)).toEqual(Array.from(a.ids));
    expect(Array.from(b.distances)).toEqual(Array.from(a.distances));
  });

  it('declines (returns −1, writes nothing) without a SIMD store or past the norm limit', () => {
    const dim = 4;
    const js = new FlatIndex({ dim, kernels: 'js' });
    js.add(seeded(10 * dim, 1));
    const ids = new Int32Array(6);
    const dist = new Float32Array(6);
    const q = seeded(2 * dim, 2);
    const norms = new Float64Array(10);
    const internals = js as unknown as { policy: never; dc: never };
    expect(searchBlas(js.store, internals.policy, internals.dc, norms, 0, js, q, 2, 3, ids, dist)).toBe(-1);
    const { fast } = pair(dim, 'euclidean', seeded(10 * dim, 1));
    const f = fast as unknown as { policy: never; dc: never };
    expect(searchBlas(fast.store, f.policy, f.dc, norms, NORM_LIMIT, fast, q, 2, 3, ids, dist)).toBe(-1);
    expect(Array.from(ids)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('keeps k + max(k, margin) candidates', () => {
    expect(candidatesFor(1)).toBe(1 + CANDIDATE_MARGIN);
    expect(candidatesFor(100)).toBe(200);
  });
});

describe.runIf(simd)('FlatIndex SIMD batch (properties)', () => {
  it('equals the one-query scan bit for bit: random rows, offsets, duplicates, zero rows, k > n', () => {
    const dataset = fc
      .record({
        dim: fc.integer({ min: 1, max: 20 }),
        n: fc.integer({ min: 1, max: 120 }),
        nq: fc.integer({ min: 2, max: 12 }),
        k: fc.integer({ min: 1, max: 40 }),
        metric: fc.constantFrom<Metric>(...METRICS),
        offset: fc.constantFrom(0, 1, 1000, 1e6),
        scale: fc.constantFrom(1e-3, 1, 1e3),
        dupOf: fc.array(fc.nat(), { maxLength: 20 }),
        zeroRows: fc.array(fc.nat(), { maxLength: 3 }),
      })
      .chain((s) =>
        fc.record({
          spec: fc.constant(s),
          base: fc.float32Array({ minLength: s.n * s.dim, maxLength: s.n * s.dim, min: -1, max: 1, noNaN: true, noDefaultInfinity: true }),
          queries: fc.float32Array({
            minLength: s.nq * s.dim,
            maxLength: s.nq * s.dim,
            min: -1,
            max: 1,
            noNaN: true,
            noDefaultInfinity: true,
          }),
        }),
      );
    fc.assert(
      fc.property(dataset, ({ spec, base, queries }) => {
        const { dim, n, k, metric, offset, scale, dupOf, zeroRows } = spec;
        // Values below 1e-3 become 0: the range check refuses rows whose largest value is tiny.
        const b = base.map((v) => Math.fround(offset + scale * (Math.abs(v) < 1e-3 ? 0 : v)));
        const q = queries.map((v) => Math.fround(offset + scale * (Math.abs(v) < 1e-3 ? 0 : v)));
        for (let t = 0; t + 1 < dupOf.length; t += 2) {
          const src = dupOf[t] % n;
          b.copyWithin((dupOf[t + 1] % n) * dim, src * dim, (src + 1) * dim);
        }
        for (const z of zeroRows) b.fill(0, (z % n) * dim, ((z % n) + 1) * dim);
        const index = new FlatIndex({ dim, metric, kernels: 'simd' });
        index.add(b);
        expectEqualsOneByOne(index, q, k);
      }),
      { seed: 20240611, numRuns: 200 },
    );
  });
});
