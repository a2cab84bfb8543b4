import { type AnnIndex, isAnnlabError, type KernelBackend, SearchStats } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { HnswIndex, HnswSearchStats } from '@annlab/hnsw';
import { IvfFlatIndex, IvfPqIndex } from '@annlab/ivfpq';
import { LshIndex } from '@annlab/lsh';
import { NnDescentIndex } from '@annlab/nndescent';
import { PreTransformIndex } from '@annlab/pca';
import { RpForestIndex, RpForestSearchStats } from '@annlab/rpforest';
import { clusteredSplit } from '@annlab/test-kit';
import { VamanaIndex } from '@annlab/vamana';
import { afterAll, describe, expect, it } from 'vitest';
import { createThreadPool, searchBatch, shareIndex } from '../src/index.js';
import { loadIndex } from '../src/replicas.js';
import { sliceBounds } from '../src/search.js';
import { expectThreadsBackTo, osThreads } from './helpers.js';

const DIM = 16;
const N = 1500;
const NQ = 257; // five 64-query units, the last one a single query (joined to the slice before)
const K = 10;
const { base, queries } = clusteredSplit(N, NQ, DIM, 12, 101);

interface Case {
  name: string;
  build: (kernels: KernelBackend) => AnnIndex;
  params?: Record<string, unknown>;
}

const CASES: Case[] = [
  { name: 'flat', build: (kernels) => new FlatIndex({ dim: DIM, kernels }) },
  { name: 'hnsw', build: (kernels) => new HnswIndex({ dim: DIM, M: 8, efConstruction: 40, seed: 3, kernels }), params: { efSearch: 24 } },
  { name: 'ivfflat', build: (kernels) => new IvfFlatIndex({ dim: DIM, nlist: 16, seed: 3, kernels }), params: { nprobe: 3 } },
  { name: 'ivfpq', build: (kernels) => new IvfPqIndex({ dim: DIM, nlist: 8, m: 4, nbits: 6, seed: 3, kernels }), params: { nprobe: 2 } },
  {
    name: 'rpforest',
    build: (kernels) => new RpForestIndex({ dim: DIM, metric: 'cosine', nTrees: 6, seed: 3, kernels }),
    params: { searchK: 120 },
  },
  { name: 'lsh', build: (kernels) => new LshIndex({ dim: DIM, L: 4, K: 6, seed: 3, kernels }) },
  { name: 'nndescent', build: (kernels) => new NnDescentIndex({ dim: DIM, seed: 3, kernels }) },
  { name: 'vamana', build: (kernels) => new VamanaIndex({ dim: DIM, metric: 'inner-product', seed: 3, kernels }) },
  {
    name: 'pca-pretransform',
    build: (kernels) => new PreTransformIndex({ dim: DIM, components: 8, seed: 3, kernels, inner: (o) => new HnswIndex({ ...o, M: 8 }) }),
  },
];

const pool = createThreadPool({ threads: 2 });
afterAll(() => pool.close());

describe('searchBatch equals index.search', () => {
  for (const kernels of ['auto', 'js'] as const) {
    for (const c of CASES) {
      it(`${c.name} (kernels: '${kernels}')`, async () => {
        const index = c.build(kernels);
        index.add(base);
        const expected = index.search(queries, K, c.params);
        const got = await searchBatch(index, queries, K, { pool, params: c.params, kernels });
        expect(got.nq).toBe(NQ);
        expect(got.k).toBe(K);
        expect(got.ids).toEqual(expected.ids);
        expect(got.distances).toEqual(expected.distances);
        // A second call reuses the shared bytes (and the workers' replicas).
        expect(shareIndex(index)).toBe(shareIndex(index));
      });
    }
  }
});

describe('sliceBounds', () => {
  it('cuts at multiples of 64 queries, never leaving a one-query slice', () => {
    expect(sliceBounds(1, 8)).toEqual([0, 1]);
    expect(sliceBounds(64, 8)).toEqual([0, 64]);
    expect(sliceBounds(65, 8)).toEqual([0, 65]);
    expect(sliceBounds(66, 8)).toEqual([0, 64, 66]);
    expect(sliceBounds(257, 8)).toEqual([0, 64, 128, 192, 257]);
    expect(sliceBounds(1000, 2)).toEqual([0, 512, 1000]);
    expect(sliceBounds(10_000, 8)).toEqual([0, 1216, 2496, 3712, 4992, 6272, 7488, 8768, 10_000]);
  });
});

describe('searchBatch', () => {
  it('sums every worker’s counters into params.stats, like one search does', async () => {
    const index = new HnswIndex({ dim: DIM, M: 8, seed: 3 });
    index.add(base);
    const one = new HnswSearchStats();
    index.search(queries, K, { efSearch: 32, stats: one });
    const many = new HnswSearchStats();
    await searchBatch(index, queries, K, { pool, params: { efSearch: 32, stats: many } });
    expect(many.queries).toBe(one.queries);
    expect(many.distanceComputations).toBe(one.distanceComputations);
    expect(many.hops).toBe(one.hops);
    expect(many.hopsPerLayer).toEqual(one.hopsPerLayer);

    const forest = new RpForestIndex({ dim: DIM, nTrees: 4, seed: 5 });
    forest.add(base);
    const f1 = new RpForestSearchStats();
    forest.search(queries, K, { stats: f1 });
    const f2 = new RpForestSearchStats();
    await searchBatch(forest, queries, K, { pool, params: { stats: f2 } });
    expect({ ...f2 }).toEqual({ ...f1 });
  });

  it('sees changes to the index: a new version is shared after add', async () => {
    const index = new FlatIndex({ dim: DIM });
    index.add(base.subarray(0, 500 * DIM));
    const first = shareIndex(index);
    const a = await searchBatch(index, queries, K, { pool });
    expect(a.ids).toEqual(index.search(queries, K).ids);
    index.add(base.subarray(500 * DIM));
    const b = await searchBatch(index, queries, K, { pool });
    expect(shareIndex(index)).not.toBe(first);
    expect(b.ids).toEqual(index.search(queries, K).ids);
    // A SharedIndex taken before the add keeps answering from its version (documented).
    const old = await searchBatch(first, queries, K, { pool });
    expect(old.ids).toEqual(a.ids);
  });

  it('threads: 1, one query, and a per-call pool give index.search', async () => {
    const index = new FlatIndex({ dim: DIM });
    index.add(base);
    const expected = index.search(queries, K);
    const before = osThreads();
    expect((await searchBatch(index, queries, K, { threads: 1 })).ids).toEqual(expected.ids);
    expect(osThreads()).toBe(before);
    const single = await searchBatch(index, queries.subarray(0, DIM), K, { threads: 2 });
    expect(single.ids).toEqual(index.search(queries.subarray(0, DIM), K).ids);
    const own = await searchBatch(index, queries, K, { threads: 2 });
    expect(own.ids).toEqual(expected.ids);
    expect(own.distances).toEqual(expected.distances);
    // The call's own pool was closed: no worker left.
    expect(await expectThreadsBackTo(before)).toBeLessThanOrEqual(before);
  });

  it('refuses bad input on the calling thread, before any worker sees it', async () => {
    const index = new HnswIndex({ dim: DIM });
    index.add(base.subarray(0, 100 * DIM));
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [() => searchBatch(index, new Float32Array(DIM + 1), K, { pool }), 'DIMENSION_MISMATCH', /queries/],
      [() => searchBatch(index, queries, 0, { pool }), 'INVALID_PARAMETER', /k/],
      [() => searchBatch(index, queries, K, { pool, params: { efSerch: 3 } as never }), 'INVALID_PARAMETER', /efSerch/],
      [() => searchBatch(index, queries, K, { pool, thread: 2 } as never), 'INVALID_PARAMETER', /unknown option 'thread'/],
      [() => searchBatch(index, queries, K, { pool, threads: 2 }), 'INVALID_PARAMETER', /either threads/],
      [() => searchBatch(index, queries, K, { pool, kernels: 'gpu' as never }), 'INVALID_PARAMETER', /gpu/],
      [() => searchBatch(index, queries, K, { pool, params: { filter: () => true } }), 'INVALID_PARAMETER', /cannot be sent/],
    ];
    for (const [call, code, message] of cases) {
      let err: unknown;
      try {
        await call();
      } catch (e) {
        err = e;
      }
      expect(isAnnlabError(err, code as never), `${String(err)}`).toBe(true);
      expect((err as Error).message).toMatch(message);
    }
    // None of these closed the shared pool.
    expect(pool.closed).toBe(false);
    const stats = new SearchStats();
    await searchBatch(index, queries, K, { pool, params: { stats } });
    expect(stats.queries).toBe(NQ);
  });
});

/** Bytes of the typed arrays reachable from `root`: views of a SharedArrayBuffer, and the rest. */
function arrayBytes(root: unknown): { shared: number; own: number } {
  const acc = { shared: 0, own: 0 };
  const seen = new Set<unknown>();
  const walk = (o: unknown): void => {
    if (o === null || typeof o !== 'object' || seen.has(o)) return;
    seen.add(o);
    if (ArrayBuffer.isView(o)) {
      if (o.buffer instanceof SharedArrayBuffer) acc.shared += o.byteLength;
      else acc.own += o.byteLength;
      return;
    }
    for (const v of Object.values(o)) walk(v);
  };
  walk(root);
  return acc;
}

describe('replicas', () => {
  // What the README's memory table states: with kernels 'js' these loaders keep their big
  // arrays as views of the shared bytes (no copy per worker).
  for (const name of ['flat', 'ivfflat', 'ivfpq', 'rpforest', 'lsh'] as const) {
    it(`${name} with kernels 'js' views the shared bytes instead of copying them`, () => {
      const index = (CASES.find((c) => c.name === name) as Case).build('js');
      index.add(base);
      const shared = shareIndex(index);
      const replica = loadIndex(shared.bytes, 'js');
      const { shared: viewed } = arrayBytes(replica);
      expect(viewed).toBeGreaterThan(0.9 * shared.bytes.length);
      expect(replica.search(queries, K).ids).toEqual(index.search(queries, K).ids);
    });
  }
});
