/**
 * The forest's WebAssembly query (`assembly/forest.ts` behind `internal/wasm-forest.ts`)
 * against the TypeScript reference (`searchForest` in `search.ts`): identical ids, distances
 * and counters over the same SIMD store, for every metric, odd dimensions, after every kind of
 * update; close distances and identical ids against a `kernels: 'js'` index; and the embedded
 * bytes compiled from the current kernel source.
 */
import { describe, expect, it } from 'vitest';
import { METRICS, simdSupported, type DistanceComputer, type MetricPolicy } from '@annlab/core';
import { RpForestIndex, RpForestSearchStats } from '@annlab/rpforest';
import { clustered, clusteredSplit } from '@annlab/test-kit';
import { FOREST_SOURCE_SHA256 } from '../src/internal/forest-wasm.generated.js';
import type { FlatForest } from '../src/internal/flat-forest.js';
import { SearchScratch, searchForest } from '../src/search.js';
import { sourceHash } from '../scripts/build-wasm.mjs';

/** One query's answer and counters. */
interface Answer {
  ids: number[];
  dist: number[];
  counters: number[];
}

function countersOf(s: RpForestSearchStats): number[] {
  return [s.queries, s.candidates, s.distanceComputations, s.leavesVisited, s.marginComputations, s.hops];
}

/** Every query through the index's own path (WebAssembly on a SIMD store). */
function viaIndex(ix: RpForestIndex, queries: Float32Array, k: number, searchK: number): Answer[] {
  const dim = ix.dim;
  const out: Answer[] = [];
  const ids = new Int32Array(k);
  const dist = new Float32Array(k);
  for (let q = 0; q < queries.length / dim; q++) {
    const stats = new RpForestSearchStats();
    ix.searchInto(queries, q * dim, k, ids, dist, 0, { searchK, stats });
    out.push({ ids: Array.from(ids), dist: Array.from(dist), counters: countersOf(stats) });
  }
  return out;
}

/** Every query through the TypeScript reference over the same index's store and forest. */
function viaReference(ix: RpForestIndex, queries: Float32Array, k: number, searchK: number): Answer[] {
  const forest = Reflect.get(ix, 'forest') as FlatForest;
  const dc = Reflect.get(ix, 'dc') as DistanceComputer;
  const policy = Reflect.get(ix, 'policy') as MetricPolicy;
  const scratch = new SearchScratch();
  const dim = ix.dim;
  const out: Answer[] = [];
  const ids = new Int32Array(k);
  const dist = new Float32Array(k);
  for (let q = 0; q < queries.length / dim; q++) {
    const stats = new RpForestSearchStats();
    searchForest(forest, dc, policy, scratch, queries, q * dim, k, searchK, ids, dist, 0, stats);
    out.push({ ids: Array.from(ids), dist: Array.from(dist), counters: countersOf(stats) });
  }
  return out;
}

describe.skipIf(!simdSupported())('forest search in WebAssembly', () => {
  it('the embedded bytes were compiled from the current assembly/forest.ts and the loops it imports', () => {
    expect(sourceHash()).toBe(FOREST_SOURCE_SHA256);
  });

  for (const metric of METRICS) {
    for (const dim of [1, 7, 16, 37]) {
      it(`${metric}, dim ${dim}: ids, distances and counters equal the TypeScript reference on the same store`, () => {
        const { base, queries } = clusteredSplit(900, 30, dim, 9, 100 + dim, { spread: 0.4 });
        const ix = new RpForestIndex({ dim, metric, nTrees: 7, leafSize: 10, seed: dim, kernels: 'simd' });
        ix.add(base);
        expect(ix.store.backend).toBe('simd');
        for (const [k, searchK] of [
          [1, 1],
          [10, 40],
          [10, 300],
          [25, 7 * 900],
        ]) {
          const fast = viaIndex(ix, queries, k, searchK);
          expect(fast).toEqual(viaReference(ix, queries, k, searchK));
          // The walk really ran: candidates and margins were counted.
          expect(fast[0].counters[1]).toBeGreaterThanOrEqual(Math.min(searchK, 1));
        }
      });
    }
  }

  it('duplicates, all-zero rows (zero normals: equal priorities) and k beyond the size', () => {
    const dim = 5;
    const rows = clustered(60, dim, 3, 4);
    const base = new Float32Array(200 * dim);
    for (let i = 0; i < 200; i++) if (i % 4 !== 0) base.set(rows.subarray((i % 60) * dim, ((i % 60) + 1) * dim), i * dim);
    for (const metric of METRICS) {
      const ix = new RpForestIndex({ dim, metric, nTrees: 4, leafSize: 3, kernels: 'simd' });
      ix.add(base);
      const queries = base.subarray(0, 40 * dim);
      for (const [k, searchK] of [
        [5, 30],
        [250, 100000],
      ]) {
        expect(viaIndex(ix, queries, k, searchK)).toEqual(viaReference(ix, queries, k, searchK));
      }
    }
  });

  it('after adds (rows and region move), deletes and addTrees, the copy follows the forest', () => {
    const dim = 12;
    const { base, queries } = clusteredSplit(1600, 20, dim, 8, 77, { spread: 0.5 });
    const ix = new RpForestIndex({ dim, nTrees: 5, leafSize: 8, kernels: 'simd' });
    const check = (): void => {
      for (const searchK of [50, 400]) expect(viaIndex(ix, queries, 10, searchK)).toEqual(viaReference(ix, queries, 10, searchK));
    };
    ix.add(base.subarray(0, 300 * dim));
    check();
    ix.add(base.subarray(300 * dim, 1000 * dim));
    check();
    ix.delete([0, 5, 301, 302, 999]);
    check();
    ix.addTrees(2);
    check();
    for (let i = 1000; i < 1010; i++) {
      ix.add(base.subarray(i * dim, (i + 1) * dim));
      check();
    }
    ix.delete(1005);
    check();
    ix.add(base.subarray(1010 * dim));
    check();
    expect(ix.checkInvariants().ok).toBe(true);
    // The copy counts toward the index's memory.
    const loaded = RpForestIndex.deserialize(ix.serialize(), { kernels: 'simd' });
    const before = loaded.memoryBytes();
    loaded.search(queries, 10, { searchK: 50 });
    expect(loaded.memoryBytes()).toBeGreaterThan(before);
    expect(viaIndex(loaded, queries, 10, 400)).toEqual(viaReference(ix, queries, 10, 400));
  });

  it('a self-join and a large k that grows the scratch keep answering the same', () => {
    const dim = 9;
    const base = clustered(700, dim, 6, 8);
    const ix = new RpForestIndex({ dim, nTrees: 4, leafSize: 20, kernels: 'simd' });
    ix.add(base);
    // searchInto straight from the store's rows, on the first query (which hosts the forest,
    // growing the memory the query views) and with a k that grows the scratch.
    const first = new Int32Array(2000);
    const firstDist = new Float32Array(2000);
    ix.searchInto(ix.store.data, 7 * dim, 2000, first, firstDist, 0, { searchK: 4 * 700 });
    const want7 = viaReference(ix, base.subarray(7 * dim, 8 * dim), 2000, 4 * 700)[0];
    expect(Array.from(first)).toEqual(want7.ids);
    expect(Array.from(firstDist)).toEqual(want7.dist);
    const view = ix.store.data.subarray(0, 50 * dim);
    const r = ix.search(view, 3000, { searchK: 4 * 700 });
    const want = viaReference(ix, base.subarray(0, 50 * dim), 3000, 4 * 700);
    for (let q = 0; q < 50; q++) {
      expect(Array.from(r.ids.subarray(q * 3000, (q + 1) * 3000))).toEqual(want[q].ids);
      expect(Array.from(r.distances.subarray(q * 3000, (q + 1) * 3000))).toEqual(want[q].dist);
    }
  });

  it("'js' and SIMD indexes agree: same ids and counters, distances up to float rounding", () => {
    // Distances differ only in rounding: the SIMD kernels sum in float32 lanes, the JS ones in
    // float64. The trees, the margins and so the walk are identical (margins are float64 in both).
    const dim = 24;
    const { base, queries } = clusteredSplit(2000, 40, dim, 12, 5, { spread: 0.5 });
    for (const metric of METRICS) {
      const js = new RpForestIndex({ dim, metric, nTrees: 8, kernels: 'js' });
      const simd = new RpForestIndex({ dim, metric, nTrees: 8, kernels: 'simd' });
      js.add(base);
      simd.add(base);
      expect(simd.serialize()).toEqual(js.serialize());
      const a = viaIndex(js, queries, 10, 200);
      const b = viaIndex(simd, queries, 10, 200);
      for (let q = 0; q < a.length; q++) {
        expect(b[q].ids).toEqual(a[q].ids);
        expect(b[q].counters).toEqual(a[q].counters);
        for (let j = 0; j < 10; j++) expect(b[q].dist[j]).toBeCloseTo(a[q].dist[j], 4);
      }
    }
  });

  it('an emptied index and an index with no items answer with padding', () => {
    const dim = 4;
    const ix = new RpForestIndex({ dim, nTrees: 3, kernels: 'simd' });
    const q = new Float32Array(dim);
    const ids = new Int32Array(3);
    const dist = new Float32Array(3);
    ix.searchInto(q, 0, 3, ids, dist, 0);
    expect(Array.from(ids)).toEqual([-1, -1, -1]);
    ix.add(clustered(10, dim, 2, 1));
    ix.delete([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    ix.searchInto(q, 0, 3, ids, dist, 0, { searchK: 100 });
    expect(Array.from(ids)).toEqual([-1, -1, -1]);
    expect(Array.from(dist)).toEqual([Infinity, Infinity, Infinity]);
  });
});
