/**
 * NnDescentIndex against the flat oracle: the k-NN graph's recall against the exact graph,
 * search recall, exhaustive search, seeded byte-identity, the serialize round trip, typed
 * errors and refused files.
 */
import { type IndexClass, type Metric, SearchStats } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { clustered, clusteredSplit, describeIndexContract, expectCode, recallAgainstFlat } from '@annlab/test-kit';
import { describe, expect, it } from 'vitest';
import { NnDescentIndex } from '../src/index.js';

/** Byte-for-byte equality of two files (no Node Buffer, so the file also runs in a browser). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
const _check: IndexClass<NnDescentIndex> = NnDescentIndex;
void _check;

const DIM = 16;

function built(
  n = 2000,
  options: Partial<ConstructorParameters<typeof NnDescentIndex>[0]> = {},
  seed = 3,
): { ix: NnDescentIndex; base: Float32Array } {
  const base = clustered(n, DIM, 12, seed);
  const ix = new NnDescentIndex({ dim: DIM, nNeighbors: 15, seed: 5, ...options });
  ix.add(base);
  return { ix, base };
}

/** Fraction of the exact k nearest other points (distance rule, +1e-3) found in each k-NN row. */
function graphRecall(
  base: Float32Array,
  dim: number,
  ids: Int32Array,
  dist: Float32Array,
  K: number,
  k: number,
  metric: Metric = 'euclidean',
): number {
  const flat = new FlatIndex({ dim, metric });
  flat.add(base);
  const n = base.length / dim;
  const exact = flat.search(base, k + 1, { oneByOne: true });
  let hits = 0;
  for (let i = 0; i < n; i++) {
    let seen = 0;
    let thr = Infinity;
    let skipped = false;
    for (let j = 0; j < k + 1; j++) {
      if (exact.ids[i * (k + 1) + j] === i && !skipped) {
        skipped = true;
        continue;
      }
      if (seen < k) {
        thr = exact.distances[i * (k + 1) + j];
        seen++;
      }
    }
    for (let j = 0; j < k; j++) if (ids[i * K + j] >= 0 && dist[i * K + j] <= thr + 1e-3) hits++;
  }
  return hits / (n * k);
}

describe('NnDescentIndex: the k-NN graph', () => {
  it('has recall ≥ 0.97 at k = 10 against the exact graph from FlatIndex', () => {
    const { ix, base } = built();
    const g = ix.knnGraph();
    expect(g.k).toBe(15);
    expect(g.n).toBe(2000);
    expect(graphRecall(base, DIM, g.ids, g.distances, 15, 10)).toBeGreaterThan(0.97);
    const info = ix.buildInfo()!;
    expect(info.exact).toBe(false);
    expect(info.iterations).toBeGreaterThan(0);
    expect(info.updatesPerIteration.length).toBe(info.iterations);
  });

  it('reports true distances in ascending rows, without self-links', () => {
    const { ix, base } = built(300);
    const g = ix.knnGraph();
    for (let i = 0; i < 300; i++) {
      for (let j = 0; j < 15; j++) {
        const id = g.ids[i * 15 + j];
        expect(id).not.toBe(i);
        let s = 0;
        for (let z = 0; z < DIM; z++) s += (base[i * DIM + z] - base[id * DIM + z]) ** 2;
        expect(g.distances[i * 15 + j]).toBeCloseTo(Math.sqrt(s), 4);
        if (j > 0) expect(g.distances[i * 15 + j]).toBeGreaterThanOrEqual(g.distances[i * 15 + j - 1]);
      }
    }
  });

  it('is exact for a set of at most K + 1 points, padded beyond n − 1', () => {
    const base = clustered(8, DIM, 2, 1);
    const ix = new NnDescentIndex({ dim: DIM, nNeighbors: 10 });
    ix.add(base);
    const g = ix.knnGraph();
    expect(ix.buildInfo()!.exact).toBe(true);
    expect(graphRecall(base, DIM, g.ids, g.distances, 10, 7)).toBe(1);
    for (let i = 0; i < 8; i++) {
      expect(g.ids[i * 10 + 7]).toBe(-1);
      expect(g.distances[i * 10 + 9]).toBe(Infinity);
    }
  });

  it.each(['cosine', 'inner-product'] as const)('builds a good graph for %s', (metric) => {
    const base = clustered(1000, DIM, 10, 9);
    const ix = new NnDescentIndex({ dim: DIM, metric, nNeighbors: 15 });
    ix.add(base);
    expect(ix.checkInvariants()).toEqual({ ok: true, errors: [] });
    const g = ix.knnGraph();
    expect(graphRecall(base, DIM, g.ids, g.distances, 15, 10, metric)).toBeGreaterThan(0.95);
  });
});

describe('NnDescentIndex: search against the flat oracle', () => {
  it('reaches recall ≥ 0.95 at efSearch 40 and rises with efSearch', () => {
    const { base, queries } = clusteredSplit(3000, 200, DIM, 15, 21);
    const ix = new NnDescentIndex({ dim: DIM, nNeighbors: 15, seed: 1 });
    ix.add(base);
    const recalls = [10, 40, 160].map((ef) => recallAgainstFlat(base, queries, DIM, 10, ix.search(queries, 10, { efSearch: ef }).ids));
    expect(recalls[1]).toBeGreaterThan(0.95);
    expect(recalls[2]).toBeGreaterThanOrEqual(recalls[1]);
    expect(recalls[1]).toBeGreaterThanOrEqual(recalls[0]);
  });

  it('is exact with efSearch ≥ size on a connected graph', () => {
    const { base, queries } = clusteredSplit(400, 30, DIM, 4, 2);
    const ix = new NnDescentIndex({ dim: DIM, nNeighbors: 10 });
    ix.add(base);
    const flat = new FlatIndex({ dim: DIM });
    flat.add(base);
    const exact = flat.search(queries, 10, { oneByOne: true });
    const r = ix.search(queries, 10, { efSearch: 400 });
    expect(Array.from(r.ids)).toEqual(Array.from(exact.ids));
    for (let i = 0; i < r.distances.length; i++) expect(r.distances[i]).toBeCloseTo(exact.distances[i], 4);
  });

  it('pads with −1 / +Infinity when k > size, and answers an empty index', () => {
    const ix = new NnDescentIndex({ dim: 2 });
    expect(Array.from(ix.search(new Float32Array([0, 0]), 2).ids)).toEqual([-1, -1]);
    ix.add(new Float32Array([0, 0, 1, 0, 5, 5]));
    const r = ix.search(new Float32Array([0.1, 0]), 5);
    expect(Array.from(r.ids)).toEqual([0, 1, 2, -1, -1]);
    expect(r.distances[4]).toBe(Infinity);
  });

  it('searchInto writes at the given offsets; stats count work only when asked', () => {
    const { ix, base } = built(500);
    const outIds = new Int32Array(30).fill(7);
    const outDist = new Float32Array(30).fill(7);
    ix.searchInto(base, 3 * DIM, 10, outIds, outDist, 10, { efSearch: 20 });
    const r = ix.search(base.subarray(3 * DIM, 4 * DIM), 10, { efSearch: 20 });
    expect(Array.from(outIds.subarray(10, 20))).toEqual(Array.from(r.ids));
    expect(outIds[9]).toBe(7);
    expect(outIds[20]).toBe(7);
    const stats = new SearchStats();
    const r2 = ix.search(base.subarray(0, 2 * DIM), 10, { efSearch: 20, stats });
    expect(stats.queries).toBe(2);
    expect(stats.distanceComputations).toBeGreaterThan(20);
    expect(stats.hops).toBeGreaterThan(0);
    expect(Array.from(r2.ids.subarray(0, 10))).toEqual(Array.from(ix.search(base.subarray(0, DIM), 10, { efSearch: 20 }).ids));
  });

  it('explain returns the same result and the search it ran', () => {
    const { ix, base } = built(500);
    const q = base.slice(5 * DIM, 6 * DIM);
    const e = ix.explain(q, 5, { efSearch: 12 });
    expect(Array.from(e.result.ids)).toEqual(Array.from(ix.search(q, 5, { efSearch: 12 }).ids));
    expect(e.leaf).toBeGreaterThanOrEqual(0);
    expect(e.entries.length).toBeGreaterThan(0);
    expect(e.efSearch).toBe(12);
    expect(e.expanded.length).toBe(e.expandedDistances.length);
    expect(e.expanded.length).toBeGreaterThan(0);
    expect(e.distanceComputations).toBeGreaterThanOrEqual(e.entries.length);
  });

  it('searches from fixed entry points without trees (nTrees = 0; overlapping clusters, so the graph is connected)', () => {
    const { base, queries } = clusteredSplit(1000, 50, DIM, 8, 4, { spread: 0.6 });
    const ix = new NnDescentIndex({ dim: DIM, nNeighbors: 15, nTrees: 0 });
    ix.add(base);
    expect(ix.checkInvariants().ok).toBe(true);
    expect(recallAgainstFlat(base, queries, DIM, 10, ix.search(queries, 10, { efSearch: 60 }).ids)).toBeGreaterThan(0.95);
    expect(ix.explain(queries.subarray(0, DIM), 3).leaf).toBe(-1);
  });
});

// searchInto, reloading onto the default backend, zero-copy loads, seeded bytes (the same seed
// gives byte-identical files, another different ones) and damaged or foreign files refused
// with CORRUPT_DATA or WRONG_FORMAT.
describeIndexContract<NnDescentIndex>({
  name: 'NnDescentIndex',
  load: (bytes, options) => NnDescentIndex.deserialize(bytes, options),
  dim: DIM,
  base: clustered(600, DIM, 12, 3),
  queries: clustered(20, DIM, 12, 4),
  metrics: ['euclidean', 'cosine', 'inner-product'],
  make: (o) => new NnDescentIndex({ dim: DIM, nNeighbors: 15, seed: 5, ...o }),
  params: { efSearch: 20 },
  seeded: 'graph',
});

describe('NnDescentIndex: determinism and files', () => {
  it('add(a); add(b) equals add(a ∪ b), byte for byte', () => {
    const base = clustered(400, DIM, 5, 8);
    const one = new NnDescentIndex({ dim: DIM, nNeighbors: 8 });
    one.add(base);
    const two = new NnDescentIndex({ dim: DIM, nNeighbors: 8 });
    two.add(base.subarray(0, 150 * DIM));
    two.add(base.subarray(150 * DIM));
    expect(sameBytes(one.serialize(), two.serialize())).toBe(true);
  });

  it.each(['euclidean', 'cosine', 'inner-product'] as const)('round-trips (%s): save → load → save identical, same results', (metric) => {
    const base = clustered(500, DIM, 6, 2);
    const ix = new NnDescentIndex({ dim: DIM, metric, nNeighbors: 10 });
    ix.add(base);
    const bytes = ix.serialize();
    for (const kernels of ['js', 'auto'] as const) {
      const back = NnDescentIndex.deserialize(bytes, { kernels });
      expect(sameBytes(back.serialize(), bytes)).toBe(true);
      const q = base.subarray(0, 20 * DIM);
      const r1 = ix.search(q, 5, { efSearch: 20 });
      const r2 = back.search(q, 5, { efSearch: 20 });
      expect(Array.from(r2.ids)).toEqual(Array.from(r1.ids));
      expect(back.buildInfo()).toEqual(ix.buildInfo());
      expect(back.memoryBytes()).toBeGreaterThan(0);
      expect(back.usedBytes()).toBe(ix.usedBytes());
      expect(back.usedBytes()).toBeLessThanOrEqual(back.memoryBytes());
    }
  });

  it('round-trips an empty index', () => {
    const ix = new NnDescentIndex({ dim: 3, nNeighbors: 4 });
    const back = NnDescentIndex.deserialize(ix.serialize());
    expect(back.size).toBe(0);
    expect(back.buildInfo()).toBeNull();
    expect(sameBytes(back.serialize(), ix.serialize())).toBe(true);
  });
});

describe('NnDescentIndex: typed errors', () => {
  it('refuses unknown and out-of-range options', () => {
    expectCode(() => new NnDescentIndex({ dim: 4, nNeigbors: 5 } as never), 'INVALID_PARAMETER');
    expectCode(() => new NnDescentIndex({ dim: 4, nNeighbors: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new NnDescentIndex({ dim: 4, rho: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new NnDescentIndex({ dim: 4, rho: 1.5 }), 'INVALID_PARAMETER');
    expectCode(() => new NnDescentIndex({ dim: 4, delta: -0.1 }), 'INVALID_PARAMETER');
    expectCode(() => new NnDescentIndex({ dim: 4, maxIterations: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new NnDescentIndex({ dim: 4, nTrees: -1 }), 'INVALID_PARAMETER');
    expectCode(() => new NnDescentIndex({ dim: 4, leafSize: 1 }), 'INVALID_PARAMETER');
    expectCode(() => new NnDescentIndex({ dim: 4, pruneDegreeMultiplier: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new NnDescentIndex({ dim: 4, diversifyProb: 2 }), 'INVALID_PARAMETER');
    expectCode(() => new NnDescentIndex({ dim: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new NnDescentIndex({ dim: 4, metric: 'angular' as never }), 'INVALID_PARAMETER');
  });

  it('refuses bad search parameters, wrong dimensions and bad ids', () => {
    const { ix } = built(100);
    const q = new Float32Array(DIM);
    expectCode(() => ix.search(q, 3, { efSearh: 10 } as never), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 3, { efSearch: 0 }), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 3, { efSearch: 2.5 }), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 0), 'INVALID_PARAMETER');
    expectCode(() => ix.search(new Float32Array(DIM + 1), 3), 'DIMENSION_MISMATCH');
    expectCode(() => ix.add(new Float32Array(DIM - 1)), 'DIMENSION_MISMATCH');
    expectCode(() => ix.add(new Float32Array(DIM).fill(NaN)), 'NON_FINITE');
    expectCode(() => ix.explain(new Float32Array(2 * DIM), 3), 'INVALID_PARAMETER');
    expectCode(() => ix.reconstruct(100), 'INVALID_PARAMETER');
    expectCode(() => ix.neighbors(-1), 'INVALID_PARAMETER');
    expect(ix.size).toBe(100);
  });
});
