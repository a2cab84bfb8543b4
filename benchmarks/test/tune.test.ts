import { beforeAll, describe, expect, it } from 'vitest';
import {
  createAdapter,
  defaultTuneSpace,
  kthDistances,
  noLargerThan,
  renderSvg,
  resolveDataset,
  rowDistances,
  selectQueries,
  smallestReaching,
  spaceConfigurations,
  splitQueries,
  thresholdRecall,
  tune,
  tunePlotSpec,
  tuneUsage,
  type BenchDataset,
  type BuiltIndex,
  type Params,
  type TuneSpace,
} from '@annlab/bench';
import { isAnnlabError } from '@annlab/core';

const K = 10;
let ds: BenchDataset;

beforeAll(async () => {
  ds = await resolveDataset('synthetic:n=1500,dim=16,clusters=8,queries=160,seed=3', { k: K });
});

/** Recall@K of a built index on some query rows, scored independently of tune's own path. */
function recallOf(built: BuiltIndex, data: BenchDataset, params: Params): number {
  const nq = data.queries.length / data.dim;
  const ids = new Int32Array(nq * K);
  built.searcher(data.queries, nq, K, params).batch(ids);
  const kth = kthDistances(data.groundTruth!, data.groundTruthK, nq, K, data.queries, data.base, data.dim, data.metric);
  return thresholdRecall(ids, rowDistances(ids, nq, K, data.queries, data.base, data.dim, data.metric), nq, K, kth).mean;
}

describe('smallestReaching', () => {
  it('finds the smallest value of a monotone step curve', async () => {
    for (const threshold of [1, 2, 7, 33, 64, 100]) {
      const calls: number[] = [];
      const r = await smallestReaching(
        'x',
        (v) => {
          calls.push(v);
          return v >= threshold ? 1 : v / 1000;
        },
        1,
        100,
        0.5,
      );
      expect(r.value).toBe(threshold);
      expect(r.notes).toEqual([]);
      expect(calls.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(100)) + 1);
    }
  });

  it('reports an unreachable target with the ceiling at the most exhaustive value', async () => {
    const r = await smallestReaching('x', (v) => v / 200, 1, 100, 0.9);
    expect(r.value).toBeNull();
    expect(r.reachedMax).toBe(true);
    expect(r.ceiling).toBeCloseTo(0.5);
  });

  it('notes a curve that is not monotone', async () => {
    // Reaches at 4, dips below at 8: galloping stops at 4, but the later check sees the dip.
    const curve = (v: number): number => (v === 4 ? 0.95 : v === 3 ? 0.96 : v === 2 ? 0.5 : v === 1 ? 0.4 : 0.9);
    const r = await smallestReaching('efSearch', curve, 1, 16, 0.95);
    expect(r.value).toBe(3);
    expect(r.notes.some((n) => n.includes('not monotone in efSearch'))).toBe(true);
  });

  it('stops when asked and says so', async () => {
    const r = await smallestReaching(
      'x',
      (v) => v / 100,
      1,
      100,
      0.9,
      () => true,
    );
    expect(r.value).toBeNull();
    expect(r.stopped).toBe(true);
    expect(r.sweep).toEqual([]);
  });
});

describe('query split', () => {
  it('is seeded, disjoint and complete', () => {
    const a = splitQueries(101, 0.5, 7);
    const b = splitQueries(101, 0.5, 7);
    expect(a).toEqual(b);
    expect(splitQueries(101, 0.5, 8).heldOut).not.toEqual(a.heldOut);
    const all = [...a.tuning, ...a.heldOut].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 101 }, (_, i) => i));
    expect(a.heldOut.length).toBe(51);
  });
});

describe('bisection against an exhaustive sweep', () => {
  const cases: [string, Params, string, number][] = [
    ['hnsw', { M: 4, efConstruction: 16 }, 'efSearch', 0.97],
    ['rpforest', { nTrees: 3, leafSize: 12 }, 'searchK', 0.95],
    ['ivfflat', { nlist: 32 }, 'nprobe', 0.95],
  ];
  for (const [algorithm, build, param, target] of cases) {
    it(`finds the smallest ${param} reaching ${target} (${algorithm})`, async () => {
      const built = await createAdapter(algorithm).build(
        { base: ds.base, n: ds.base.length / ds.dim, dim: ds.dim, metric: ds.metric, seed: 42 },
        build,
      );
      const space = defaultTuneSpace(algorithm, ds.base.length / ds.dim, ds.dim, K).search(build);
      const r = await smallestReaching(param, (v) => recallOf(built, ds, { [param]: v }), space.min, space.max, target);
      // Exhaustive: every value from the minimum up to the first that reaches the target.
      let first = -1;
      for (let v = space.min; v <= space.max; v++) {
        if (recallOf(built, ds, { [param]: v }) >= target) {
          first = v;
          break;
        }
      }
      expect(first).toBeGreaterThan(space.min); // the case is not trivial
      expect(r.value).toBe(first);
      if (first - space.min > 16) expect(r.sweep.length).toBeLessThan(first - space.min + 1);
    });
  }
});

describe('tune', () => {
  it('returns configurations that reach the target on the held-out queries', async () => {
    const result = await tune(ds, {
      algorithms: ['hnsw', 'ivfflat', 'rpforest'],
      targetRecall: 0.95,
      k: K,
      maxBuilds: 2,
      repeats: 1,
      seed: 5,
    });
    expect(result.split).toEqual({ tuning: 80, heldOut: 80 });
    for (const a of result.algorithms) {
      expect(a.status).toBe('reached');
      const c = a.chosen!;
      expect(c.tuneRecall).toBeGreaterThanOrEqual(0.95);
      expect(c.heldOutRecall).toBeGreaterThanOrEqual(0.95);
      // Independently: rebuild the chosen configuration and score it on the held-out rows.
      const heldOut = selectQueries(ds, splitQueries(160, 0.5, 5).heldOut, 'held-out');
      const built = await createAdapter(a.algorithm).build(
        { base: ds.base, n: ds.base.length / ds.dim, dim: ds.dim, metric: ds.metric, seed: 5 },
        c.build,
      );
      expect(recallOf(built, heldOut, c.search)).toBeCloseTo(c.heldOutRecall, 10);
      // The chosen point is the fastest measured one reaching the target on the tuning half.
      expect(a.pareto.length).toBeGreaterThan(0);
      expect(a.results.every((r) => r.queries === 80)).toBe(true);
      // Every bisected value is the smallest reaching the target among the evaluated values.
      for (const b of a.builds) {
        for (const s of b.sweeps) {
          if (s.value === null) continue;
          const below = s.sweep.filter((p) => p.value < s.value!);
          expect(below.every((p) => p.recall < 0.95)).toBe(true);
        }
      }
    }
  });

  it('stops at once on an exhausted budget and says so', async () => {
    const result = await tune(ds, { algorithms: ['hnsw'], targetRecall: 0.9, k: K, budgetSeconds: 0, repeats: 1 });
    const a = result.algorithms[0];
    expect(a.stoppedBy).toBe('budget');
    expect(a.builds).toEqual([]);
    expect(a.status).toBe('not-reached');
    expect(a.chosen).toBeNull();
    expect(a.message).toMatch(/time budget ran out/);
  });

  it('excludes configurations over the memory limit', async () => {
    const n = ds.base.length / ds.dim;
    // Room for an M = 8 graph (and smaller), not for M = 16 and up.
    const space: TuneSpace = {
      ...defaultTuneSpace('hnsw', n, ds.dim, K),
      build: { M: [4, 8, 16, 32], efConstruction: [32] },
      first: { M: 16, efConstruction: 32 },
    };
    const m8 = await createAdapter('hnsw').build(
      { base: ds.base, n, dim: ds.dim, metric: ds.metric, seed: 42 },
      { M: 8, efConstruction: 32 },
    );
    const limit = m8.memoryBytes()!;
    const result = await tune(ds, {
      algorithms: ['hnsw'],
      targetRecall: 0.9,
      k: K,
      maxMemoryBytes: limit,
      repeats: 1,
      spaces: { hnsw: space },
    });
    const a = result.algorithms[0];
    const over = a.builds.filter((b) => b.status === 'over-memory' || b.status === 'skipped');
    expect(over.map((b) => b.build.M).sort()).toEqual([16, 32]);
    for (const b of a.builds.filter((x) => x.status === 'measured')) expect(b.indexBytes!).toBeLessThanOrEqual(limit);
    expect(a.chosen).not.toBeNull();
    expect(a.chosen!.indexBytes!).toBeLessThanOrEqual(limit);

    const none = await tune(ds, {
      algorithms: ['hnsw'],
      targetRecall: 0.9,
      k: K,
      maxMemoryBytes: 1000,
      repeats: 1,
      spaces: { hnsw: space },
    });
    const b = none.algorithms[0];
    expect(b.status).toBe('not-reached');
    expect(b.builds.every((x) => x.status === 'over-memory' || x.status === 'skipped')).toBe(true);
    expect(b.message).toMatch(/memory limit/);
  });

  it('answers impossible targets clearly', async () => {
    let caught: unknown;
    try {
      await tune(ds, { algorithms: ['hnsw'], targetRecall: 1.01 });
    } catch (e) {
      caught = e;
    }
    expect(isAnnlabError(caught) && caught.code === 'INVALID_PARAMETER' && /\(0, 1\]/.test(caught.message)).toBe(true);

    // PQ with one or two 4-bit sub-quantizers and no re-ranking cannot reach 0.99; the
    // smaller m is skipped once the larger one failed at nprobe = nlist.
    const n = ds.base.length / ds.dim;
    const space: TuneSpace = {
      ...defaultTuneSpace('ivfpq', n, ds.dim, K),
      build: { nlist: [16], m: [1, 2], nbits: [4] },
      first: { nlist: 16, m: 2, nbits: 4 },
      searchExtra: { rerank: [0] },
    };
    const result = await tune(ds, { algorithms: ['ivfpq'], targetRecall: 0.99, k: K, repeats: 1, spaces: { ivfpq: space } });
    const a = result.algorithms[0];
    expect(a.status).toBe('not-reached');
    expect(a.chosen).toBeNull();
    expect(a.best).not.toBeNull();
    expect(a.best!.heldOutRecall).toBeLessThan(0.99);
    expect(a.message).toMatch(/did not reach recall 0.99; best reached/);
    expect(a.builds.map((b) => b.status)).toEqual(['measured', 'skipped']);
    expect(a.builds[0].sweeps[0].reachedMax).toBe(true);
  });

  it('explains the chosen configuration as code, a command line and a marked plot', async () => {
    const result = await tune(ds, { algorithms: ['hnsw'], targetRecall: 0.9, k: K, maxBuilds: 1, repeats: 1 });
    const a = result.algorithms[0];
    const u = tuneUsage('hnsw', a.chosen!, ds.dim, ds.metric, K, 'synthetic:n=1500', undefined);
    expect(u.code).toContain(`new HnswIndex({ dim: 16, metric: 'euclidean', M: 16, efConstruction: 200 })`);
    expect(u.code).toContain(`efSearch: ${String(a.chosen!.search.efSearch)}`);
    expect(u.cli).toBe(
      `annlab build -d synthetic:n=1500 -a hnsw -p M=16 -p efConstruction=200 -o hnsw.annlab && annlab query -i hnsw.annlab -d synthetic:n=1500 -k 10 -p efSearch=${String(a.chosen!.search.efSearch)}`,
    );
    const svg = await renderSvg(tunePlotSpec(a, 0.9));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('chosen point marked');
  });
});

describe('parameter spaces', () => {
  it('put the defaults first and compare configurations by their growing keys', () => {
    const space = defaultTuneSpace('hnsw', 10000, 32, 10);
    const configs = spaceConfigurations(space);
    expect(configs[0]).toEqual({ M: 16, efConstruction: 200 });
    expect(new Set(configs.map((c) => JSON.stringify(c))).size).toBe(configs.length);
    expect(noLargerThan({ M: 8, efConstruction: 100 }, { M: 16, efConstruction: 200 }, space.direction)).toBe(true);
    expect(noLargerThan({ M: 32, efConstruction: 100 }, { M: 16, efConstruction: 200 }, space.direction)).toBe(false);
    const pq = defaultTuneSpace('ivfpq', 60000, 784, 10);
    for (const m of pq.build.m) expect(784 % (m as number)).toBe(0);
    expect(() => defaultTuneSpace('flat', 10, 4, 10)).toThrow(/no parameter space/);
  });
});
