import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DistanceComputer,
  GraphSearchContext,
  Rng,
  SearchStats,
  VectorStore,
  drainGraphResults,
  graphSearch,
  graphSearchRecorded,
  internalDistanceRef,
  metricPolicy,
  type Metric,
} from '@annlab/core';

const SEED = 4242;

/** A random graph of `n` nodes with out-degree ≤ `deg`, in the count-first fixed-stride layout. */
function randomGraph(n: number, deg: number, rng: Rng): Int32Array {
  const stride = 1 + deg;
  const adj = new Int32Array(n * stride);
  for (let i = 0; i < n; i++) {
    const cnt = rng.nextInt(deg + 1);
    adj[i * stride] = cnt;
    for (let j = 0; j < cnt; j++) adj[i * stride + 1 + j] = rng.nextInt(n);
  }
  return adj;
}

/** Small integer coordinates, so distance ties are common. */
function gridVectors(n: number, dim: number, rng: Rng): Float32Array {
  const x = new Float32Array(n * dim);
  for (let i = 0; i < x.length; i++) x[i] = rng.nextInt(4) - 1;
  return x;
}

const before = (da: number, ia: number, db: number, ib: number): boolean => da < db || (da === db && ia < ib);

/**
 * The paper's Algorithm 1 as written, with plain arrays: ℒ a list sorted by (distance, id)
 * truncated to L, 𝒱 the expanded set; expand the closest p* ∈ ℒ \ 𝒱 until none is left.
 */
function greedySearchRef(
  x: Float32Array,
  dim: number,
  metric: Metric,
  adj: Int32Array,
  stride: number,
  entries: number[],
  q: Float32Array,
  L: number,
): { list: [number, number][]; expanded: number[] } {
  const policy = metricPolicy(metric);
  const qq = Float32Array.from(q);
  if (policy.normalize) {
    let s = 0;
    for (const v of qq) s += v * v;
    if (s > 0) for (let i = 0; i < dim; i++) qq[i] /= Math.sqrt(s);
  }
  const dist = (id: number): number => internalDistanceRef(policy, qq, 0, x, id * dim, dim);
  const seen = new Set<number>();
  let list: [number, number][] = [];
  for (const e of entries) {
    if (seen.has(e)) continue;
    seen.add(e);
    list.push([dist(e), e]);
  }
  const sortTrim = (): void => {
    list.sort((a, b) => (before(a[0], a[1], b[0], b[1]) ? -1 : before(b[0], b[1], a[0], a[1]) ? 1 : 0));
    list = list.slice(0, L);
  };
  sortTrim();
  const expanded: number[] = [];
  const done = new Set<number>();
  for (;;) {
    const next = list.find((p) => !done.has(p[1]));
    if (next === undefined) break;
    done.add(next[1]);
    expanded.push(next[1]);
    const base = next[1] * stride;
    for (let j = 1; j <= adj[base]; j++) {
      const nb = adj[base + j];
      if (seen.has(nb)) continue;
      seen.add(nb);
      list.push([dist(nb), nb]);
    }
    sortTrim();
  }
  return { list, expanded };
}

describe('graphSearch (DiskANN Algorithm 1 GreedySearch)', () => {
  it('expands the same nodes in the same order and keeps the same list as the plain reference', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom<Metric>('euclidean', 'cosine', 'inner-product'),
        fc.integer({ min: 0, max: 1e6 }),
        (n, dim, deg, L, nEntries, metric, seed) => {
          const rng = new Rng(seed);
          const x = gridVectors(n, dim, rng);
          const policy = metricPolicy(metric);
          const store = new VectorStore(dim, { normalize: policy.normalize, kernels: 'js' });
          store.append(x);
          const stride = 1 + deg;
          const adj = randomGraph(n, deg, rng);
          const entries = new Int32Array(nEntries + 1);
          for (let j = 0; j < nEntries; j++) entries[1 + j] = rng.nextInt(n);
          const q = gridVectors(1, dim, rng);
          const ref = greedySearchRef(store.data, dim, metric, adj, stride, Array.from(entries.subarray(1)), q, L);

          const ctx = new GraphSearchContext(1, deg);
          ctx.ensureCapacity(n);
          const dc = new DistanceComputer(store, policy);
          dc.setQuery(q, 0);
          const stats = new SearchStats();
          graphSearchRecorded(ctx, dc, adj, stride, entries, 1, nEntries, L, true, stats);
          expect(Array.from(ctx.expandedIds.subarray(0, ctx.expandedCount))).toEqual(ref.expanded);
          expect(stats.hops).toBe(ref.expanded.length);
          const k = Math.max(1, L - 1);
          const ids = new Int32Array(k + 2);
          const dist = new Float32Array(k + 2);
          const got = drainGraphResults(ctx, policy, k, ids, dist, 1);
          const want = ref.list.slice(0, k);
          expect(got).toBe(want.length);
          expect(Array.from(ids.subarray(1, 1 + got))).toEqual(want.map((p) => p[1]));
          for (let i = got; i < k; i++) {
            expect(ids[1 + i]).toBe(-1);
            expect(dist[1 + i]).toBe(Infinity);
          }

          // The fast path reaches the same list.
          graphSearch(ctx, dc, adj, stride, entries, 1, nEntries, L);
          const ids2 = new Int32Array(k);
          const dist2 = new Float32Array(k);
          drainGraphResults(ctx, policy, k, ids2, dist2, 0);
          expect(Array.from(ids2)).toEqual(Array.from(ids.subarray(1, 1 + k)));
          expect(Array.from(dist2)).toEqual(Array.from(dist.subarray(1, 1 + k)));
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('on a complete graph with L ≥ n it returns the exact k nearest, ties by smaller id', () => {
    const n = 30;
    const dim = 3;
    const rng = new Rng(7);
    const x = gridVectors(n, dim, rng);
    const policy = metricPolicy('euclidean');
    const store = new VectorStore(dim, { kernels: 'auto' });
    store.append(x);
    const deg = n - 1;
    const stride = 1 + deg;
    const adj = new Int32Array(n * stride);
    for (let i = 0; i < n; i++) {
      let c = 0;
      for (let j = 0; j < n; j++) if (j !== i) adj[i * stride + 1 + c++] = j;
      adj[i * stride] = c;
    }
    const ctx = new GraphSearchContext(n, deg);
    const dc = new DistanceComputer(store, policy);
    const q = new Float32Array([0.5, 0, -0.5]);
    dc.setQuery(q, 0);
    graphSearch(ctx, dc, adj, stride, new Int32Array([n - 1]), 0, 1, n);
    const k = 8;
    const ids = new Int32Array(k);
    const dist = new Float32Array(k);
    drainGraphResults(ctx, policy, k, ids, dist, 0);
    const all = Array.from({ length: n }, (_, i) => {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (q[j] - x[i * dim + j]) ** 2;
      return [s, i] as [number, number];
    }).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(Array.from(ids)).toEqual(all.slice(0, k).map((p) => p[1]));
    for (let i = 0; i < k; i++) expect(dist[i]).toBeCloseTo(Math.sqrt(all[i][0]), 5);
  });

  it('grows the expanded list and the scratch for many entries', () => {
    const n = 200;
    const rng = new Rng(3);
    const store = new VectorStore(2, { kernels: 'js' });
    store.append(gridVectors(n, 2, rng));
    const adj = randomGraph(n, 4, rng);
    const ctx = new GraphSearchContext(n, 4);
    const dc = new DistanceComputer(store, metricPolicy('euclidean'));
    dc.setQuery(new Float32Array([0, 0]), 0);
    const entries = Int32Array.from({ length: n }, (_, i) => i);
    graphSearchRecorded(ctx, dc, adj, 5, entries, 0, n, n, true, null);
    expect(ctx.expandedCount).toBe(n);
    expect(ctx.results.size).toBe(n);
    expect(ctx.memoryBytes()).toBeGreaterThan(0);
  });
});
