import { describe, expect, it } from 'vitest';
import { BinaryReader, BinaryWriter, METRICS, SearchStats, type IndexClass, type Metric } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { VamanaIndex } from '@annlab/vamana';
import { clustered, clusteredSplit, describeIndexContract, expectCode, recallAgainstFlat } from '@annlab/test-kit';

// The class is a loader registries can hold (compile-time check).
const _asClass: IndexClass<VamanaIndex> = VamanaIndex;
void _asClass;

const DIM = 16;

function built(
  metric: Metric = 'euclidean',
  n = 600,
  opts: { R?: number; L?: number; alpha?: number; seed?: number } = {},
): { ix: VamanaIndex; base: Float32Array } {
  const base = clustered(n, DIM, 8, 3, { spread: 0.3 });
  const ix = new VamanaIndex({ dim: DIM, metric, R: 16, L: 40, ...opts });
  ix.add(base);
  return { ix, base };
}

function expectValid(ix: VamanaIndex): void {
  expect(ix.checkInvariants()).toEqual({ ok: true, errors: [] });
}

describe('VamanaIndex build and search', () => {
  it.each(METRICS)('reaches recall ≥ 0.95 against the flat oracle (%s)', (metric) => {
    const { base, queries } = clusteredSplit(3000, 100, DIM, 12, 5, { spread: 0.3 });
    const ix = new VamanaIndex({ dim: DIM, metric, R: 24, L: 64 });
    ix.add(base);
    expectValid(ix);
    const r = ix.search(queries, 10, { searchL: 64 });
    expect(recallAgainstFlat(base, queries, DIM, 10, r.ids, metric)).toBeGreaterThanOrEqual(0.95);
  });

  it.each(METRICS)('with searchL ≥ n on a graph reachable from the start node, equals exact search (%s)', (metric) => {
    const { ix, base } = built(metric, 400);
    expect(ix.graphInfo().reachable).toBe(400);
    const queries = clustered(30, DIM, 8, 9, { spread: 0.3 });
    const flat = new FlatIndex({ dim: DIM, metric });
    flat.add(base);
    const want = flat.search(queries, 7);
    const got = ix.search(queries, 7, { searchL: 400 });
    expect(Array.from(got.ids)).toEqual(Array.from(want.ids));
    for (let i = 0; i < got.distances.length; i++) expect(got.distances[i]).toBeCloseTo(want.distances[i], 4);
  });

  it('keeps degrees ≤ R and a start node; graphInfo describes the graph', () => {
    const { ix } = built('euclidean', 500, { R: 8 });
    expectValid(ix);
    const info = ix.graphInfo();
    expect(info.nodes).toBe(500);
    expect(info.maxDegree).toBeLessThanOrEqual(8);
    expect(info.medoid).toBeGreaterThanOrEqual(0);
    expect(info.meanDegree).toBeGreaterThan(1);
    for (let i = 0; i < 500; i += 50) {
      const nb = ix.neighbors(i);
      expect(nb.length).toBeLessThanOrEqual(8);
      expect(nb.includes(i)).toBe(false);
    }
  });

  it('pads with −1/+Infinity when k exceeds the size, and handles n = 1 and n = 2', () => {
    for (const n of [1, 2, 5]) {
      const ix = new VamanaIndex({ dim: 3, R: 4, L: 4 });
      const x = new Float32Array(n * 3).map((_, i) => i);
      ix.add(x);
      expectValid(ix);
      const r = ix.search(new Float32Array([0, 1, 2]), n + 3);
      expect(Array.from(r.ids.subarray(0, n)).sort()).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(r.ids[n]).toBe(-1);
      expect(r.distances[n + 2]).toBe(Infinity);
    }
    const empty = new VamanaIndex({ dim: 3 });
    const r = empty.search(new Float32Array(3), 2);
    expect(Array.from(r.ids)).toEqual([-1, -1]);
  });

  it('adds after the build (FreshDiskANN insert) and finds the new points', () => {
    const { base, queries } = clusteredSplit(2000, 50, DIM, 10, 8, { spread: 0.3 });
    const ix = new VamanaIndex({ dim: DIM, R: 20, L: 50 });
    ix.add(base.subarray(0, 1000 * DIM));
    ix.add(base.subarray(1000 * DIM));
    expect(ix.size).toBe(2000);
    expectValid(ix);
    const r = ix.search(queries, 10, { searchL: 60 });
    expect(recallAgainstFlat(base, queries, DIM, 10, r.ids)).toBeGreaterThanOrEqual(0.9);
    // Every added point finds itself.
    const self = ix.search(base.subarray(1500 * DIM, 1510 * DIM), 1, { searchL: 40 });
    for (let i = 0; i < 10; i++) expect(self.distances[i]).toBe(0);
  });

  it('searchInto writes at the given offsets and equals search', () => {
    const { ix } = built();
    const queries = clustered(5, DIM, 8, 11, { spread: 0.3 });
    const want = ix.search(queries, 4, { searchL: 20 });
    const ids = new Int32Array(4 + 3).fill(7);
    const dist = new Float32Array(4 + 3).fill(7);
    ix.searchInto(queries, 2 * DIM, 4, ids, dist, 3, { searchL: 20 });
    expect(Array.from(ids.subarray(0, 3))).toEqual([7, 7, 7]);
    expect(Array.from(ids.subarray(3))).toEqual(Array.from(want.ids.subarray(8, 12)));
    expect(Array.from(dist.subarray(3))).toEqual(Array.from(want.distances.subarray(8, 12)));
  });

  it('stats count distances and expansions without changing the answer; explain equals search', () => {
    const { ix } = built();
    const queries = clustered(10, DIM, 8, 12, { spread: 0.3 });
    const plain = ix.search(queries, 5, { searchL: 30 });
    const stats = new SearchStats();
    const counted = ix.search(queries, 5, { searchL: 30, stats });
    expect(Array.from(counted.ids)).toEqual(Array.from(plain.ids));
    expect(stats.queries).toBe(10);
    expect(stats.hops).toBeGreaterThanOrEqual(10 * 30);
    expect(stats.distanceComputations).toBeGreaterThan(stats.hops);
    const ex = ix.explain(queries.subarray(0, DIM), 5, { searchL: 30 });
    expect(Array.from(ex.result.ids)).toEqual(Array.from(plain.ids.subarray(0, 5)));
    expect(ex.entry).toBe(ix.graphInfo().medoid);
    expect(ex.expanded[0]).toBe(ex.entry);
    expect(ex.expanded.length).toBeGreaterThanOrEqual(30);
    expect(ex.searchL).toBe(30);
    expect(ex.expandedDistances.length).toBe(ex.expanded.length);
    expect(ex.distanceComputations).toBeGreaterThan(ex.expanded.length);
  });

  it('reconstruct returns the stored row (normalised for cosine)', () => {
    const { ix, base } = built();
    expect(Array.from(ix.reconstruct(3))).toEqual(Array.from(base.subarray(3 * DIM, 4 * DIM)));
    const { ix: cos } = built('cosine');
    const v = cos.reconstruct(3);
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    expectCode(() => ix.reconstruct(600), 'INVALID_PARAMETER');
  });
});

// searchInto, reloading onto the default backend, zero-copy loads, seeded bytes (the same
// seed gives byte-identical files, another a different graph) and refused files.
describeIndexContract<VamanaIndex>({
  name: 'VamanaIndex',
  load: (bytes, options) => VamanaIndex.deserialize(bytes, options),
  dim: DIM,
  base: clustered(500, DIM, 8, 3, { spread: 0.3 }),
  queries: clustered(20, DIM, 8, 13, { spread: 0.3 }),
  metrics: METRICS,
  make: (o) => new VamanaIndex({ dim: DIM, R: 16, L: 40, ...o }),
  params: { searchL: 20 },
  seeded: 'graph',
});

describe('VamanaIndex determinism and files', () => {
  it.each(METRICS)('save → load → save is identical and searches the same (%s)', (metric) => {
    const { ix } = built(metric);
    const bytes = ix.serialize();
    for (const kernels of ['js', 'auto'] as const) {
      const back = VamanaIndex.deserialize(bytes, { kernels });
      expect(back.serialize()).toEqual(bytes);
      expect(back.size).toBe(ix.size);
      expect(back.memoryBytes()).toBeGreaterThan(0);
      const q = clustered(20, DIM, 8, 13, { spread: 0.3 });
      expect(Array.from(back.search(q, 5, { searchL: 20 }).ids)).toEqual(Array.from(ix.search(q, 5, { searchL: 20 }).ids));
    }
  });

  it('a loaded index keeps inserting exactly like the original', () => {
    const { ix } = built();
    const more = clustered(50, DIM, 8, 21, { spread: 0.3 });
    const back = VamanaIndex.deserialize(ix.serialize());
    ix.add(more);
    back.add(more);
    expect(back.serialize()).toEqual(ix.serialize());
  });

  it('an empty index round-trips', () => {
    const ix = new VamanaIndex({ dim: 4, R: 8 });
    const back = VamanaIndex.deserialize(ix.serialize());
    expect(back.size).toBe(0);
    expect(back.serialize()).toEqual(ix.serialize());
    back.add(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(back.size).toBe(2);
  });

  /** Re-write a file's sections with a hook that may change them (checksum recomputed). */
  function rewrite(
    bytes: Uint8Array,
    edit: (p: Record<string, unknown>, data: Float32Array, adj: Int32Array) => { data?: Float32Array; adj?: Int32Array },
  ): Uint8Array {
    const r = BinaryReader.open(bytes, VamanaIndex.TAG);
    r.expectVersion(VamanaIndex.FORMAT_VERSION);
    const p = r.json<Record<string, unknown>>();
    const data = r.f32array().slice();
    const adj = r.i32array().slice();
    const out = edit(p, data, adj);
    const w = new BinaryWriter(VamanaIndex.TAG, VamanaIndex.FORMAT_VERSION);
    w.json(p);
    w.array(out.data ?? data);
    w.array(out.adj ?? adj);
    return w.finish();
  }

  it('refuses crafted files whose checksum is right but whose structure is not (CORRUPT_DATA)', () => {
    const { ix } = built('euclidean', 60, { R: 8 });
    const bytes = ix.serialize();
    const stride = 9;
    // The untouched rewrite loads.
    expect(VamanaIndex.deserialize(rewrite(bytes, () => ({}))).size).toBe(60);
    const cases: ((p: Record<string, unknown>, d: Float32Array, a: Int32Array) => { data?: Float32Array; adj?: Int32Array })[] = [
      (_p, _d, a) => {
        a[5 * stride + 1] = 60;
        return {};
      }, // neighbour out of range
      (_p, _d, a) => {
        a[5 * stride + 1] = -3;
        return {};
      },
      (_p, _d, a) => {
        a[5 * stride + 1] = 5;
        return {};
      }, // self-loop
      (_p, _d, a) => {
        a[5 * stride] = 9;
        return {};
      }, // degree > R
      (_p, _d, a) => {
        a[5 * stride] = -1;
        return {};
      },
      (_p, _d, a) => {
        a[5 * stride] = 2;
        a[5 * stride + 1] = 7;
        a[5 * stride + 2] = 7;
        return {};
      }, // repeated link
      (p) => {
        p.medoid = 60;
        return {};
      },
      (p) => {
        p.medoid = -1;
        return {};
      },
      (p) => {
        p.medoid = 1.5;
        return {};
      },
      (p) => {
        p.nodes = 61;
        return {};
      },
      (p) => {
        p.nodes = -1;
        return {};
      },
      (p) => {
        p.R = 9;
        return {};
      }, // stride no longer matches the adjacency
      (p) => {
        p.R = 1;
        return {};
      }, // out of range
      (p) => {
        p.alpha = 0.5;
        return {};
      },
      (p) => {
        p.dim = 7;
        return {};
      },
      (p) => {
        p.metric = 'hamming';
        return {};
      },
      (_p, d) => ({ data: d.subarray(0, d.length - DIM) }),
      (_p, _d, a) => ({ adj: a.subarray(0, a.length - 1) }),
      (_p, d) => {
        d[3] = NaN;
        return {};
      },
      (_p, d) => {
        d[3] = 1e30;
        return {};
      },
    ];
    for (const edit of cases) expectCode(() => VamanaIndex.deserialize(rewrite(bytes, edit)), 'CORRUPT_DATA');
    const notObject = new BinaryWriter(VamanaIndex.TAG, VamanaIndex.FORMAT_VERSION);
    notObject.json([1, 2]);
    expectCode(() => VamanaIndex.deserialize(notObject.finish()), 'CORRUPT_DATA');
  });
});

describe('VamanaIndex typed errors', () => {
  it('refuses bad and unknown options', () => {
    expectCode(() => new VamanaIndex({ dim: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new VamanaIndex({ dim: 4, R: 1 }), 'INVALID_PARAMETER');
    expectCode(() => new VamanaIndex({ dim: 4, R: 513 }), 'INVALID_PARAMETER');
    expectCode(() => new VamanaIndex({ dim: 4, R: 2.5 }), 'INVALID_PARAMETER');
    expectCode(() => new VamanaIndex({ dim: 4, L: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new VamanaIndex({ dim: 4, alpha: 0.9 }), 'INVALID_PARAMETER');
    expectCode(() => new VamanaIndex({ dim: 4, alpha: NaN }), 'INVALID_PARAMETER');
    expectCode(() => new VamanaIndex({ dim: 4, alpha: 5 }), 'INVALID_PARAMETER');
    expectCode(() => new VamanaIndex({ dim: 4, metric: 'angular' as Metric }), 'INVALID_PARAMETER');
    expectCode(() => new VamanaIndex({ dim: 4, efConstruction: 10 } as never), 'INVALID_PARAMETER');
    expectCode(() => new VamanaIndex(null as never), 'INVALID_PARAMETER');
    expectCode(() => new VamanaIndex({ dim: 4, kernels: 'gpu' as never }), 'INVALID_PARAMETER');
  });

  it('refuses bad vectors, k and search parameters; a failed add changes nothing', () => {
    const { ix } = built('euclidean', 100);
    const before = ix.serialize();
    expectCode(() => ix.add(new Float32Array(DIM + 1)), 'DIMENSION_MISMATCH');
    const bad = new Float32Array(2 * DIM);
    bad[DIM + 3] = NaN;
    expectCode(() => ix.add(bad), 'NON_FINITE');
    expect(ix.serialize()).toEqual(before);
    const q = new Float32Array(DIM);
    expectCode(() => ix.search(new Float32Array(DIM - 1), 3), 'DIMENSION_MISMATCH');
    expectCode(() => ix.search(q, 0), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 3, { searchL: 0 }), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 3, { searchL: 2.5 }), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 3, { efSearch: 10 } as never), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 3, { stats: {} } as never), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 3, null as never), 'INVALID_PARAMETER');
    expectCode(() => ix.explain(new Float32Array(2 * DIM), 3), 'INVALID_PARAMETER');
    expectCode(() => ix.explain(q, 3, { searchK: 4 } as never), 'INVALID_PARAMETER');
    expectCode(() => ix.neighbors(100), 'INVALID_PARAMETER');
    expectCode(() => ix.neighbors(-1), 'INVALID_PARAMETER');
    expectCode(() => VamanaIndex.deserialize(before, { kernels: 'gpu' as never }), 'INVALID_PARAMETER');
    expect(ix.serialize()).toEqual(before);
  });
});
