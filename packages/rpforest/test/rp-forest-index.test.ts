import { describe, expect, it } from 'vitest';
import { AnnlabError, BinaryReader, BinaryWriter, METRICS, SearchStats, isAnnlabError, type IndexClass, type Metric } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { RpForestIndex, RpForestSearchStats, type RpForestExplanation } from '@annlab/rpforest';
import { clustered, clusteredSplit, describeIndexContract, expectCode, recallAgainstFlat } from '@annlab/test-kit';

// The class is a loader registries can hold (compile-time check).
const _asClass: IndexClass<RpForestIndex> = RpForestIndex;
void _asClass;

/** Data as the package's tests have always drawn it: clusters of spread 0.3 around N(0, 1) centres. */
const SPREAD = { spread: 0.3 };

/** The forest's invariants hold (the report lists no violation). */
function expectValid(ix: RpForestIndex): void {
  expect(ix.checkInvariants()).toEqual({ ok: true, errors: [] });
}

/**
 * recall@k against exact search over the ids that are still live: the oracle sees only the
 * live rows, and returned ids are mapped to their row among them.
 */
function recallOnLive(
  base: Float32Array,
  queries: Float32Array,
  dim: number,
  k: number,
  ids: Int32Array,
  live: (id: number) => boolean,
): number {
  const n = base.length / dim;
  const row = new Int32Array(n).fill(-1);
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (live(i)) {
      row[i] = keep.length;
      keep.push(i);
    }
  }
  const liveBase = new Float32Array(keep.length * dim);
  for (const [r, id] of keep.entries()) liveBase.set(base.subarray(id * dim, (id + 1) * dim), r * dim);
  const mapped = Int32Array.from(ids, (id) => (id >= 0 ? row[id] : -1));
  return recallAgainstFlat(liveBase, queries, dim, k, mapped);
}

describe('RpForestIndex basics', () => {
  it('defaults: 10 trees, leafSize = dim + 2 (Annoy K), seed 42', () => {
    const ix = new RpForestIndex({ dim: 8 });
    expect(ix.nTrees).toBe(10);
    expect(ix.leafSize).toBe(10);
    expect(ix.seed).toBe(42);
    expect(ix.metric).toBe('euclidean');
    expect(ix.size).toBe(0);
  });

  it('finds the exact neighbour on a tiny set and pads with -1/+Infinity', () => {
    const ix = new RpForestIndex({ dim: 2, nTrees: 3, leafSize: 1 });
    ix.add(new Float32Array([0, 0, 1, 0, 5, 5]));
    const r = ix.search(new Float32Array([0.9, 0]), 5, { searchK: 100 });
    expect(Array.from(r.ids)).toEqual([1, 0, 2, -1, -1]);
    expect(r.distances[0]).toBeCloseTo(0.1, 5);
    expect(r.distances[1]).toBeCloseTo(0.9, 5);
    expect(r.distances[3]).toBe(Infinity);
  });

  it('searching an empty index returns padding', () => {
    const ix = new RpForestIndex({ dim: 3 });
    const r = ix.search(new Float32Array(6), 2);
    expect(Array.from(r.ids)).toEqual([-1, -1, -1, -1]);
  });

  it('breaks distance ties by the smaller id', () => {
    const ix = new RpForestIndex({ dim: 2, nTrees: 2, leafSize: 2 });
    ix.add(new Float32Array([1, 0, -1, 0, 0, 1, 0, -1, 1, 0]));
    const r = ix.search(new Float32Array([0, 0]), 5, { searchK: 1000 });
    expect(Array.from(r.ids)).toEqual([0, 1, 2, 3, 4]);
  });

  it('handles duplicates and all-zero rows (random-side fallback) without losing items', () => {
    const dim = 4;
    const x = new Float32Array(50 * dim); // 50 identical zero rows
    for (const metric of METRICS) {
      const ix = new RpForestIndex({ dim, metric, nTrees: 3, leafSize: 3 });
      ix.add(x);
      expectValid(ix);
      const r = ix.search(new Float32Array(dim).fill(1), 50, { searchK: 3 * 50 });
      expect(new Set(r.ids).size).toBe(50);
    }
  });
});

describe('RpForestIndex exhaustive search', () => {
  for (const metric of METRICS) {
    it(`${metric}: searchK ≥ nTrees × n gives the exact answer`, () => {
      const dim = 12;
      const { base, queries } = clusteredSplit(600, 40, dim, 8, 3, SPREAD);
      const ix = new RpForestIndex({ dim, metric, nTrees: 4, leafSize: 16 });
      ix.add(base);
      const flat = new FlatIndex({ dim, metric });
      flat.add(base);
      const r = ix.search(queries, 10, { searchK: 4 * 600 });
      const exact = flat.search(queries, 10, { oneByOne: true });
      expect(recallAgainstFlat(base, queries, dim, 10, r.ids, metric)).toBe(1);
      expect(Array.from(r.ids)).toEqual(Array.from(exact.ids));
      // A huge searchK allocates nothing beyond the id count and is just as exact.
      expect(ix.search(queries, 10, { searchK: Number.MAX_SAFE_INTEGER }).ids).toEqual(r.ids);
    });
  }
});

describe('RpForestIndex recall floors (seeded clustered data, k = 10)', () => {
  // Observed (seed 42, 2000 × 24, 20 clusters of spread 1, 100 queries, 10 trees, leafSize 26):
  // euclidean 0.931 / 0.994, cosine 0.954 / 0.997, inner-product 0.930 / 0.992 at searchK 200 / 800.
  const floors: Record<Metric, [number, number]> = {
    euclidean: [0.9, 0.98],
    cosine: [0.92, 0.98],
    'inner-product': [0.9, 0.975],
  };
  const dim = 24;
  const { base, queries } = clusteredSplit(2000, 100, dim, 20, 7, { spread: 1 });
  for (const metric of METRICS) {
    it(`${metric}`, () => {
      const ix = new RpForestIndex({ dim, metric, nTrees: 10 });
      ix.add(base);
      const low = recallAgainstFlat(base, queries, dim, 10, ix.search(queries, 10, { searchK: 200 }).ids, metric);
      const high = recallAgainstFlat(base, queries, dim, 10, ix.search(queries, 10, { searchK: 800 }).ids, metric);
      expect(low).toBeGreaterThan(floors[metric][0]);
      expect(high).toBeGreaterThan(floors[metric][1]);
      expect(high).toBeGreaterThanOrEqual(low);
    });
  }

  it('more trees at the same searchK do not lose recall; the default searchK is k × nTrees', () => {
    const few = new RpForestIndex({ dim, nTrees: 2 });
    few.add(base);
    const many = new RpForestIndex({ dim, nTrees: 20 });
    many.add(base);
    const rf = recallAgainstFlat(base, queries, dim, 10, few.search(queries, 10, { searchK: 400 }).ids);
    const rm = recallAgainstFlat(base, queries, dim, 10, many.search(queries, 10, { searchK: 400 }).ids);
    expect(rm).toBeGreaterThanOrEqual(rf - 0.01);
    const stats = new RpForestSearchStats();
    many.search(queries, 10, { stats });
    expect(stats.candidates / stats.queries).toBeGreaterThanOrEqual(10 * 20);
    expect(stats.candidates / stats.queries).toBeLessThan(10 * 20 + many.leafSize);
  });
});

describe('RpForestIndex stats and explain', () => {
  const dim = 8;
  const { base, queries } = clusteredSplit(500, 5, dim, 5, 11, SPREAD);
  const ix = new RpForestIndex({ dim, nTrees: 5, leafSize: 12 });
  ix.add(base);

  it('counts candidates, distance computations, leaves and margins', () => {
    const stats = new RpForestSearchStats();
    ix.search(queries, 5, { searchK: 100, stats });
    expect(stats.queries).toBe(5);
    expect(stats.candidates).toBeGreaterThanOrEqual(5 * 100);
    expect(stats.distanceComputations).toBeLessThanOrEqual(stats.candidates);
    expect(stats.distanceComputations).toBeGreaterThan(0);
    expect(stats.leavesVisited).toBeGreaterThan(0);
    expect(stats.hops).toBe(stats.marginComputations);
    stats.reset();
    expect(stats.candidates + stats.distanceComputations + stats.queries).toBe(0);
    const plain = new SearchStats();
    ix.search(queries, 5, { searchK: 100, stats: plain });
    expect(plain.distanceComputations).toBeGreaterThan(0);
  });

  it('explain gives the same answer and lists the leaves visited per tree', () => {
    for (let q = 0; q < 5; q++) {
      const query = queries.subarray(q * dim, (q + 1) * dim);
      const t: RpForestExplanation = ix.explain(query, 5, { searchK: 60 });
      const r = ix.search(query, 5, { searchK: 60 });
      expect(t.result.nq).toBe(1);
      expect(t.result.k).toBe(5);
      expect(Array.from(t.result.ids)).toEqual(Array.from(r.ids));
      expect(Array.from(t.result.distances)).toEqual(Array.from(r.distances));
      expect(t.leavesByTree.length).toBe(5);
      // Every tree's own best leaf comes first: its root is popped with priority +Infinity.
      for (const leaves of t.leavesByTree) expect(leaves.length).toBeGreaterThanOrEqual(1);
      const total = t.visits.reduce((s, v) => s + v.items.length, 0);
      expect(t.candidates).toBe(total);
      expect(t.candidates).toBeGreaterThanOrEqual(60);
      for (let i = 1; i < t.visits.length; i++) expect(t.visits[i].priority).toBeLessThanOrEqual(t.visits[i - 1].priority);
      const stats = new RpForestSearchStats();
      ix.search(query, 5, { searchK: 60, stats });
      expect(stats.distanceComputations).toBe(t.uniqueCandidates);
      expect(stats.leavesVisited).toBe(t.visits.length);
    }
  });

  it('forestInfo describes the shape', () => {
    const info = ix.forestInfo();
    expect(info.trees).toBe(5);
    expect(info.leaves).toBe(info.innerNodes + 5);
    expect(info.meanLeafSize * info.leaves).toBeCloseTo(5 * 500, 6);
    expect(info.maxDepth).toBeGreaterThan(0);
  });
});

describe('RpForestIndex updates beyond Annoy', () => {
  const dim = 10;
  const all = clustered(1200, dim, 10, 21, SPREAD);
  const queries = clustered(50, dim, 10, 22, SPREAD);

  it('adds after build: leaves split, invariants hold, recall stays close to a fresh build', () => {
    const ix = new RpForestIndex({ dim, nTrees: 8, leafSize: 12 });
    ix.add(all.subarray(0, 300 * dim));
    const before = ix.forestInfo().leaves;
    for (let i = 300; i < 1200; i += 100) ix.add(all.subarray(i * dim, (i + 100) * dim));
    expectValid(ix);
    expect(ix.size).toBe(1200);
    expect(ix.forestInfo().leaves).toBeGreaterThan(before);
    const fresh = new RpForestIndex({ dim, nTrees: 8, leafSize: 12 });
    fresh.add(all);
    const ri = recallAgainstFlat(all, queries, dim, 10, ix.search(queries, 10, { searchK: 300 }).ids);
    const rf = recallAgainstFlat(all, queries, dim, 10, fresh.search(queries, 10, { searchK: 300 }).ids);
    // Observed 0.906 incremental vs 0.954 fresh.
    expect(ri).toBeGreaterThan(0.86);
    expect(ri).toBeGreaterThan(rf - 0.08);
    expect(recallAgainstFlat(all, queries, dim, 10, ix.search(queries, 10, { searchK: 8 * 1200 }).ids)).toBe(1);
  });

  it('adding one vector at a time into an empty forest works', () => {
    const ix = new RpForestIndex({ dim, nTrees: 3, leafSize: 4 });
    for (let i = 0; i < 200; i++) ix.add(all.subarray(i * dim, (i + 1) * dim));
    expectValid(ix);
    expect(ix.size).toBe(200);
    const base = all.subarray(0, 200 * dim);
    expect(recallAgainstFlat(base, queries, dim, 10, ix.search(queries, 10, { searchK: 600 }).ids)).toBe(1);
  });

  it('delete removes ids from every tree and from results', () => {
    const ix = new RpForestIndex({ dim, nTrees: 5, leafSize: 10 });
    const base = all.subarray(0, 400 * dim);
    ix.add(base);
    const gone = new Set<number>();
    for (let id = 0; id < 400; id += 3) gone.add(id);
    ix.delete([...gone]);
    expectValid(ix);
    expect(ix.size).toBe(400 - gone.size);
    expect(ix.has(0)).toBe(false);
    expect(ix.has(1)).toBe(true);
    const r = ix.search(queries, 10, { searchK: 5 * 400 });
    for (const id of r.ids) expect(gone.has(id)).toBe(false);
    expect(recallOnLive(base, queries, dim, 10, r.ids, (id) => !gone.has(id))).toBe(1);
    // Ids are not reused: the next add continues after the deleted ones.
    ix.add(all.subarray(400 * dim, 401 * dim));
    expect(ix.idCount).toBe(401);
    expect(ix.has(400)).toBe(true);
    expectValid(ix);
  });

  it('delete refuses unknown, repeated or deleted ids and changes nothing', () => {
    const ix = new RpForestIndex({ dim, nTrees: 2 });
    ix.add(all.subarray(0, 50 * dim));
    const bytes = ix.serialize();
    expectCode(() => ix.delete(50), 'NOT_FOUND');
    expectCode(() => ix.delete([1, 2, 1]), 'NOT_FOUND');
    expectCode(() => ix.delete(1.5), 'INVALID_PARAMETER');
    expect(ix.serialize()).toEqual(bytes);
    ix.delete(7);
    expectCode(() => ix.delete(7), 'NOT_FOUND');
  });

  it('addTrees grows a built forest deterministically and raises recall at fixed searchK', () => {
    const base = all.subarray(0, 800 * dim);
    const grown = new RpForestIndex({ dim, nTrees: 2, leafSize: 12 });
    grown.add(base);
    const r2 = recallAgainstFlat(base, queries, dim, 10, grown.search(queries, 10, { searchK: 150 }).ids);
    grown.addTrees(10);
    expectValid(grown);
    expect(grown.nTrees).toBe(12);
    const r12 = recallAgainstFlat(base, queries, dim, 10, grown.search(queries, 10, { searchK: 150 }).ids);
    expect(r12).toBeGreaterThanOrEqual(r2);
    const direct = new RpForestIndex({ dim, nTrees: 12, leafSize: 12 });
    direct.add(base);
    // Tree t is seeded by (seed, t) alone, so growing 2 → 12 builds the same trees as 12 at once.
    expect(grown.serialize()).toEqual(direct.serialize());
    const early = new RpForestIndex({ dim, nTrees: 2 });
    early.addTrees(3);
    expect(early.nTrees).toBe(5);
  });
});

describe('RpForestIndex serialization', () => {
  const dim = 9;
  const { base, queries } = clusteredSplit(700, 20, dim, 6, 31, SPREAD);

  // searchInto (without params: the default searchK, k × nTrees), reloading onto the default
  // backend, zero-copy loads, seeded bytes and refused files.
  describeIndexContract<RpForestIndex>({
    name: 'RpForestIndex',
    load: (bytes, options) => RpForestIndex.deserialize(bytes, options),
    dim,
    base,
    queries,
    metrics: METRICS,
    make: (o) => new RpForestIndex({ dim, nTrees: 3, ...o }),
    params: { searchK: 60 },
    seeded: 'trees',
  });

  for (const metric of METRICS) {
    it(`${metric}: round trip searches identically and re-serializes to the same bytes`, () => {
      const ix = new RpForestIndex({ dim, metric, nTrees: 6, leafSize: 15, kernels: 'js' });
      ix.add(base);
      ix.delete([3, 5, 8]);
      const bytes = ix.serialize();
      const back = RpForestIndex.deserialize(bytes, { kernels: 'js' });
      expect(back.size).toBe(ix.size);
      expect(back.metric).toBe(metric);
      expect(back.search(queries, 7, { searchK: 90 })).toEqual(ix.search(queries, 7, { searchK: 90 }));
      expect(back.serialize()).toEqual(bytes);
      // Loaded indexes keep working: adds, deletes, more trees, without touching the input bytes.
      const copy = bytes.slice();
      back.add(queries);
      back.delete(10);
      back.addTrees(1);
      expectValid(back);
      expect(bytes).toEqual(copy);
      ix.add(queries);
      ix.delete(10);
      ix.addTrees(1);
      expect(back.serialize()).toEqual(ix.serialize());
    });
  }

  it('loads onto the default kernel backend when asked', () => {
    const ix = new RpForestIndex({ dim, nTrees: 3 });
    ix.add(base);
    const back = RpForestIndex.deserialize(ix.serialize(), { kernels: 'auto' });
    expect(back.store.backend).toBe(ix.store.backend);
    expect(back.search(queries, 5, { searchK: 50 })).toEqual(ix.search(queries, 5, { searchK: 50 }));
  });

  it('refuses a file whose ranges are valid but whose trees share nodes (invariant report → CORRUPT_DATA)', () => {
    const ix = new RpForestIndex({ dim, nTrees: 2, leafSize: 20 });
    ix.add(base.subarray(0, 100 * dim));
    // Rewrite the file with tree 1 pointing at tree 0's root: every range check passes.
    const r = BinaryReader.open(ix.serialize(), RpForestIndex.TAG);
    r.expectVersion(RpForestIndex.FORMAT_VERSION);
    const w = new BinaryWriter(RpForestIndex.TAG, RpForestIndex.FORMAT_VERSION);
    w.json(r.json());
    w.array(r.f32array());
    w.array(r.u8array());
    w.array(r.f32array());
    w.array(r.f32array());
    w.array(r.f64array());
    w.array(r.i32array());
    w.array(r.i32array());
    w.array(r.i32array());
    w.array(r.i32array());
    const roots = r.i32array().slice();
    r.finish();
    roots[1] = roots[0];
    w.array(roots);
    const err = expectCode(() => RpForestIndex.deserialize(w.finish()), 'CORRUPT_DATA');
    expect(err.message).toMatch(/reached twice/);
  });

  it('checkInvariants reports a damaged structure instead of throwing', () => {
    const ix = new RpForestIndex({ dim, nTrees: 2, leafSize: 20 });
    ix.add(base.subarray(0, 100 * dim));
    expectValid(ix);
    // Wire inner node 0's second child back to itself: a cycle the walk must not follow forever.
    const forest = (ix as unknown as { forest: { children: Int32Array } }).forest;
    forest.children[1] = 0;
    const report = ix.checkInvariants();
    expect(report.ok).toBe(false);
    expect(report.errors.length).toBeGreaterThan(0);
    expect(report.errors.length).toBeLessThanOrEqual(50);
    expect(report.errors.some((e) => e.includes('inner node 0 reached twice'))).toBe(true);
  });

  it('an empty index round-trips and builds on its first add', () => {
    const back = RpForestIndex.deserialize(new RpForestIndex({ dim, nTrees: 3 }).serialize());
    expect(back.size).toBe(0);
    back.add(base);
    expectValid(back);
    expect(back.forestInfo().trees).toBe(3);
  });

  it('memoryBytes sums the typed arrays', () => {
    const ix = new RpForestIndex({ dim, nTrees: 3 });
    const empty = ix.memoryBytes();
    ix.add(base);
    expect(ix.memoryBytes()).toBeGreaterThan(empty + base.byteLength);
  });
});

describe('RpForestIndex typed errors', () => {
  it('bad options', () => {
    expectCode(() => new RpForestIndex({ dim: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new RpForestIndex({ dim: 4, nTrees: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new RpForestIndex({ dim: 4, nTrees: 2.5 }), 'INVALID_PARAMETER');
    expectCode(() => new RpForestIndex({ dim: 4, leafSize: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new RpForestIndex({ dim: 4, metric: 'angular' as Metric }), 'INVALID_PARAMETER');
    expectCode(() => new RpForestIndex({ dim: 4, ntrees: 5 } as never), 'INVALID_PARAMETER');
    expectCode(() => new RpForestIndex(null as never), 'INVALID_PARAMETER');
    expectCode(() => new RpForestIndex({ dim: 4, seed: 0.5 }), 'INVALID_PARAMETER');
  });

  it('bad vectors and queries; a failed add changes nothing', () => {
    const ix = new RpForestIndex({ dim: 3, nTrees: 2 });
    ix.add(new Float32Array([1, 2, 3, 4, 5, 6]));
    const bytes = ix.serialize();
    expectCode(() => ix.add(new Float32Array([1, 2])), 'DIMENSION_MISMATCH');
    expectCode(() => ix.add(new Float32Array([1, NaN, 3])), 'NON_FINITE');
    expectCode(() => ix.add([1, 2, 3] as never), 'INVALID_PARAMETER');
    expect(ix.serialize()).toEqual(bytes);
    expectCode(() => ix.search(new Float32Array([1, 2]), 1), 'DIMENSION_MISMATCH');
    expectCode(() => ix.search(new Float32Array([1, 2, 3]), 0), 'INVALID_PARAMETER');
    expectCode(() => ix.search(new Float32Array([1, 2, 3]), 1, { searchK: 0 }), 'INVALID_PARAMETER');
    expectCode(() => ix.search(new Float32Array([1, 2, 3]), 1, { searchk: 10 } as never), 'INVALID_PARAMETER');
    expectCode(() => ix.explain(new Float32Array(6), 1), 'INVALID_PARAMETER');
    expectCode(() => ix.addTrees(0), 'INVALID_PARAMETER');
    expectCode(() => ix.reconstruct(9), 'INVALID_PARAMETER');
    expect(Array.from(ix.reconstruct(1))).toEqual([4, 5, 6]);
    ix.delete(1);
    expectCode(() => ix.reconstruct(1), 'INVALID_PARAMETER');
    expectCode(() => ix.search(new Float32Array([1, 2, 3]), 1, { stats: {} } as never), 'INVALID_PARAMETER');
    expectCode(() => ix.search(new Float32Array([1, 2, 3]), 1, null as never), 'INVALID_PARAMETER');
    expect(isAnnlabError(new AnnlabError('IO', 'x'))).toBe(true);
  });
});
