import {
  DistanceComputer,
  MaxHeap,
  Refiner,
  Rng,
  VectorStore,
  drainToRow,
  metricPolicy,
  SearchStats,
  simdSupported,
  type Metric,
} from '@annlab/core';
import { describe, expect, it } from 'vitest';
import { IvfFlatIndex, IvfPqIndex } from '../src/index.js';
import { scanProbedLists } from '../src/ivf-flat-index.js';
import { selectProbes } from '../src/internal/assign.js';
import { IVF_SOURCE_SHA256 } from '../src/internal/ivf-wasm.generated.js';
import { sourceHash } from '../scripts/build-wasm.mjs';

/**
 * The WebAssembly IVF search (`assembly/ivf.ts`, one call per query) against the TypeScript
 * loops. Two kinds of check:
 *
 * - **exact**, on the SIMD backend: the kernels use core's SIMD distance kernels and the
 *   TypeScript reference's float64 table arithmetic in the same order, so ids and float64
 *   distances must be identical to the TypeScript steps run over SIMD stores;
 * - **`kernels: 'js'` vs `'auto'`**: the plain-TS kernels accumulate in float64, the SIMD
 *   ones in float32 lanes, so there ids and distance counts are equal and distances differ
 *   only by that rounding (relative 1e-5).
 */

const METRICS: Metric[] = ['euclidean', 'cosine', 'inner-product'];
const simd = simdSupported();

/** Gaussian clusters: distinct distances (no near-ties for the rounding checks to trip on). */
function clustered(n: number, dim: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const centers = Float32Array.from({ length: 8 * dim }, () => 4 * rng.nextGaussian());
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = rng.nextInt(8);
    for (let t = 0; t < dim; t++) x[i * dim + t] = centers[c * dim + t] + rng.nextGaussian();
  }
  return x;
}

function newStats(): SearchStats {
  return new SearchStats();
}

/** Whether the index searches in WebAssembly. */
function usesWasm(index: IvfFlatIndex | IvfPqIndex): boolean {
  return Reflect.get(index, 'fused') !== null;
}

/** Turn the WebAssembly search off, so `searchInto` runs the TypeScript loops. */
function disableWasm(index: IvfFlatIndex | IvfPqIndex): void {
  Reflect.set(index, 'fused', null);
}

function expectClose(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(b[i])));
  }
}

describe('IVF WebAssembly search', () => {
  it('the embedded bytes were compiled from the current assembly/ivf.ts and the loops it imports', () => {
    expect(sourceHash()).toBe(IVF_SOURCE_SHA256);
  });

  it.runIf(simd)('IVF-Flat: identical ids and distances to the TypeScript steps over SIMD stores', () => {
    const dim = 19; // not a multiple of 4 or 16: every kernel tail runs
    const x = clustered(1500, dim, 1);
    const queries = clustered(40, dim, 2);
    for (const metric of METRICS) {
      const index = new IvfFlatIndex({ dim, metric, nlist: 16, niter: 4, seed: 3 });
      index.add(x);
      expect(usesWasm(index)).toBe(true);
      const policy = metricPolicy(metric);
      // The reference: core's SIMD distance computers over copies of the centroids and lists.
      const cents = new VectorStore(dim, { kernels: 'simd' });
      cents.appendStored(index.centroids.view());
      const rows = new VectorStore(dim, { kernels: 'simd' });
      rows.appendStored(index.listVectors.view());
      const cdc = new DistanceComputer(cents, policy);
      const ldc = new DistanceComputer(rows, policy);
      const cdist = new Float64Array(16);
      const lists = new Int32Array(16);
      const pdist = new Float64Array(16);
      for (const nprobe of [1, 3, 16]) {
        for (const k of [1, 10, 2000]) {
          const stats = newStats();
          const got = index.search(queries, k, { nprobe, stats });
          const want = { ids: new Int32Array(40 * k), distances: new Float32Array(40 * k) };
          let dcs = 0;
          for (let q = 0; q < 40; q++) {
            cdc.setQuery(queries, q * dim);
            cdc.distancesToRange(0, 16, cdist, 0);
            const np = selectProbes(cdist, 16, Math.min(nprobe, 16), new MaxHeap(16), lists, pdist);
            ldc.setQuery(queries, q * dim);
            const heap = new MaxHeap(k);
            dcs += 16 + scanProbedLists(ldc, index.listOffsets, index.listIds, lists, np, k, heap, new Float64Array(1024));
            drainToRow(heap, policy, k, want.ids, want.distances, q * k);
          }
          expect(Array.from(got.ids)).toEqual(Array.from(want.ids));
          expect(Array.from(got.distances)).toEqual(Array.from(want.distances));
          expect(stats.distanceComputations).toBe(dcs);
          expect(stats.hops).toBe(40 * Math.min(nprobe, 16));
        }
      }
    }
  });

  it.runIf(simd)('IVF-PQ: identical ids and distances to the TypeScript loops in every table mode', () => {
    const dim = 24;
    const x = clustered(1200, dim, 4);
    const queries = clustered(30, dim, 5);
    const cases: { metric: Metric; m: number; nlist: number; byResidual?: boolean; precomputedTableMaxBytes?: number }[] = [
      { metric: 'euclidean', m: 8, nlist: 8 }, // precomputed, long lists: one summed table
      { metric: 'euclidean', m: 6, nlist: 128 }, // precomputed, short lists: two lookups
      { metric: 'euclidean', m: 3, nlist: 128 }, // two lookups, odd m
      { metric: 'euclidean', m: 4, nlist: 8, precomputedTableMaxBytes: 0 }, // a table per list
      { metric: 'euclidean', m: 3, nlist: 8, byResidual: false }, // raw vectors
      { metric: 'cosine', m: 4, nlist: 8 },
      { metric: 'inner-product', m: 6, nlist: 8 },
      { metric: 'inner-product', m: 4, nlist: 8, byResidual: false },
    ];
    for (const c of cases) {
      const make = () => new IvfPqIndex({ dim, nbits: 4, niter: 4, pqNiter: 4, keepVectors: true, seed: 6, ...c });
      const a = make();
      const b = make();
      a.add(x);
      b.add(x);
      expect(usesWasm(a)).toBe(true);
      disableWasm(b);
      for (const nprobe of [1, 4, 200]) {
        for (const k of [1, 10]) {
          const sa = newStats();
          const sb = newStats();
          const ra = a.search(queries, k, { nprobe, stats: sa });
          const rb = b.search(queries, k, { nprobe, stats: sb });
          expect(Array.from(ra.ids)).toEqual(Array.from(rb.ids));
          expect(Array.from(ra.distances)).toEqual(Array.from(rb.distances));
          expect(sa).toEqual(sb);
          // Re-ranking: the exact step over a SIMD store, applied to the ADC candidates.
          const rerank = 5;
          const stats = newStats();
          const got = a.search(queries, k, { nprobe, rerank, stats });
          const cand = a.search(queries, k * rerank, { nprobe });
          const kept = new VectorStore(dim, { kernels: 'simd' });
          kept.appendStored((a.vectors as VectorStore).view());
          const refiner = new Refiner(kept, metricPolicy(c.metric));
          const wantIds = new Int32Array(30 * k);
          const wantDist = new Float32Array(30 * k);
          let reranked = 0;
          for (let q = 0; q < 30; q++) {
            reranked += refiner.refineInto(queries, q * dim, cand.ids, q * k * rerank, k * rerank, k, wantIds, wantDist, q * k);
          }
          expect(Array.from(got.ids)).toEqual(Array.from(wantIds));
          expect(Array.from(got.distances)).toEqual(Array.from(wantDist));
          expect(stats.distanceComputations).toBe(sa.distanceComputations + reranked);
        }
      }
    }
  });

  it("kernels 'js' and 'auto' return the same ids and distance counts, distances within float32 rounding", () => {
    const dim = 32;
    const x = clustered(2000, dim, 7);
    const queries = clustered(50, dim, 8);
    for (const metric of METRICS) {
      const flat = (kernels: 'js' | 'auto') => new IvfFlatIndex({ dim, metric, nlist: 16, niter: 4, seed: 9, kernels });
      const pq = (kernels: 'js' | 'auto') =>
        new IvfPqIndex({ dim, metric, nlist: 16, m: 8, nbits: 6, niter: 4, pqNiter: 4, keepVectors: true, seed: 9, kernels });
      for (const make of [flat, pq]) {
        const a = make('js');
        const b = make('auto');
        a.add(x);
        b.add(x);
        expect(usesWasm(a)).toBe(false);
        expect(usesWasm(b)).toBe(simd);
        for (const params of [{ nprobe: 2 }, { nprobe: 16 }, ...(a instanceof IvfPqIndex ? [{ nprobe: 4, rerank: 4 }] : [])]) {
          const sa = newStats();
          const sb = newStats();
          const ra = a.search(queries, 10, { ...params, stats: sa });
          const rb = b.search(queries, 10, { ...params, stats: sb });
          expect(Array.from(rb.ids)).toEqual(Array.from(ra.ids));
          expectClose(rb.distances, ra.distances);
          expect(sb).toEqual(sa);
        }
      }
    }
  });

  it.runIf(simd)('a re-rank list past the initial heap grows the memory; views and answers stay right', () => {
    const dim = 16;
    const x = clustered(3000, dim, 10);
    const a = new IvfPqIndex({ dim, nlist: 8, m: 4, nbits: 4, niter: 3, pqNiter: 3, keepVectors: true, seed: 11 });
    const b = new IvfPqIndex({ dim, nlist: 8, m: 4, nbits: 4, niter: 3, pqNiter: 3, keepVectors: true, seed: 11 });
    a.add(x);
    b.add(x);
    disableWasm(b);
    const before = a.memoryBytes();
    // Queries that view the search memory itself (its kept vectors): copied before it grows.
    const own = (a.vectors as VectorStore).view().subarray(0, 20 * dim);
    const got = a.search(own, 50, { nprobe: 8, rerank: 100 }); // 5000 heap entries > 1024
    expect(a.memoryBytes()).toBeGreaterThan(before);
    const queries = x.slice(0, 20 * dim);
    const again = a.search(queries, 50, { nprobe: 8, rerank: 100 });
    expect(Array.from(got.ids)).toEqual(Array.from(again.ids));
    // The public arrays are views of the grown memory and still hold the lists.
    expect(Array.from(a.listIds)).toEqual(Array.from(b.listIds));
    expect(Array.from(a.listCodes)).toEqual(Array.from(b.listCodes));
    expect(IvfPqIndex.deserialize(a.serialize()).serialize()).toEqual(b.serialize());
    // The ADC ranking (rerank 0) through the grown heap equals the TypeScript loop's.
    const ra = a.search(queries, 2000, { nprobe: 8 });
    const rb = b.search(queries, 2000, { nprobe: 8 });
    expect(Array.from(ra.ids)).toEqual(Array.from(rb.ids));
    expect(Array.from(ra.distances)).toEqual(Array.from(rb.distances));
  });

  it.runIf(simd)('explain and an index trained without vectors work on the WebAssembly search', () => {
    const dim = 8;
    const x = clustered(400, dim, 12);
    const flat = new IvfFlatIndex({ dim, nlist: 8, niter: 3, seed: 1 });
    flat.train(x);
    const empty = flat.search(x.subarray(0, dim), 3, { nprobe: 8 });
    expect(Array.from(empty.ids)).toEqual([-1, -1, -1]);
    flat.add(x);
    const e = flat.explain(x.subarray(0, dim), 5, { nprobe: 3 });
    const ref = new IvfFlatIndex({ dim, nlist: 8, niter: 3, seed: 1, kernels: 'js' });
    ref.train(x);
    ref.add(x);
    const eRef = ref.explain(x.subarray(0, dim), 5, { nprobe: 3 });
    expect(Array.from(e.probes)).toEqual(Array.from(eRef.probes));
    expect(Array.from(e.listSizes)).toEqual(Array.from(eRef.listSizes));
    expectClose(e.probeDistances, eRef.probeDistances);
    expect(e.distanceComputations).toBe(eRef.distanceComputations);
    expect(Array.from(e.result.ids)).toEqual(Array.from(eRef.result.ids));
  });
});
