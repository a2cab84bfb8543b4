import { describe, expect, it } from 'vitest';
import { METRICS, SearchStats, type IndexClass } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { IvfFlatIndex } from '@annlab/ivfpq';
import { clustered, expectCode, recallAgainstFlat } from '@annlab/test-kit';

/** The shape of the seeded data these tests were tuned on. */
const DATA = { spread: 0.3, centreScale: 2 };

describe('IvfFlatIndex', () => {
  const dim = 12;
  const base = clustered(1500, dim, 20, 1, DATA);
  const queries = clustered(60, dim, 20, 2, DATA);

  for (const metric of METRICS) {
    it(`nprobe = nlist equals FlatIndex exactly (${metric})`, () => {
      const ivf = new IvfFlatIndex({ dim, metric, nlist: 16, seed: 5 });
      ivf.add(base.subarray(0, 900 * dim));
      ivf.add(base.subarray(900 * dim)); // add after training appends to the lists
      const flat = new FlatIndex({ dim, metric });
      flat.add(base);
      const a = ivf.search(queries, 10, { nprobe: 16 });
      const b = flat.search(queries, 10, { oneByOne: true });
      expect(Array.from(a.ids)).toEqual(Array.from(b.ids));
      expect(Array.from(a.distances)).toEqual(Array.from(b.distances));
    });

    it(`recall rises with nprobe and stays above floors (${metric})`, () => {
      const ivf = new IvfFlatIndex({ dim, metric, nlist: 32 });
      ivf.add(base);
      const r1 = recallAgainstFlat(base, queries, dim, 10, ivf.search(queries, 10, { nprobe: 1 }).ids, metric);
      const r4 = recallAgainstFlat(base, queries, dim, 10, ivf.search(queries, 10, { nprobe: 4 }).ids, metric);
      expect(r4).toBeGreaterThanOrEqual(r1);
      // Observed: euclidean 0.99, cosine 0.923, inner-product 0.85 (seeded data).
      expect(r4).toBeGreaterThan({ euclidean: 0.95, cosine: 0.88, 'inner-product': 0.8 }[metric]);
    });
  }

  it('round-trips and is deterministic (same seed ⇒ same bytes)', () => {
    const make = () => {
      const ix = new IvfFlatIndex({ dim, metric: 'cosine', nlist: 8, seed: 9, init: 'kmeans++' });
      ix.add(base.subarray(0, 500 * dim));
      ix.add(base.subarray(500 * dim, 700 * dim));
      return ix;
    };
    const a = make();
    const bytes = a.serialize();
    expect(Array.from(make().serialize())).toEqual(Array.from(bytes));
    const b = IvfFlatIndex.deserialize(bytes);
    expect(b.size).toBe(700);
    const ra = a.search(queries, 5, { nprobe: 3 });
    const rb = b.search(queries, 5, { nprobe: 3 });
    expect(Array.from(rb.ids)).toEqual(Array.from(ra.ids));
    expect(Array.from(rb.distances)).toEqual(Array.from(ra.distances));
    // Untrained indexes round-trip too, and train on the first add after loading.
    const u = IvfFlatIndex.deserialize(new IvfFlatIndex({ dim, nlist: 4 }).serialize());
    expect(u.isTrained).toBe(false);
    u.add(base.subarray(0, 100 * dim));
    expect(u.size).toBe(100);
    // Damage is refused.
    const bad = bytes.slice();
    bad[bad.length - 7] ^= 0xff;
    expectCode(() => IvfFlatIndex.deserialize(bad), 'CORRUPT_DATA');
  });

  it('reports stats, list sizes and memory, pads short results', () => {
    const ix = new IvfFlatIndex({ dim, nlist: 8 });
    ix.add(base.subarray(0, 200 * dim));
    const sizes = ix.listSizes();
    expect(sizes.reduce((s, x) => s + x, 0)).toBe(200);
    const stats = new SearchStats();
    ix.search(queries.subarray(0, dim), 3, { nprobe: 2, stats });
    expect(stats.queries).toBe(1);
    expect(stats.hops).toBe(2);
    expect(stats.distanceComputations).toBeGreaterThan(8);
    expect(ix.memoryBytes()).toBeGreaterThanOrEqual(200 * dim * 4 + 200 * 4 + 8 * dim * 4);
    const r = ix.search(queries.subarray(0, dim), 300, { nprobe: 8 });
    expect(r.ids[199]).toBeGreaterThanOrEqual(0);
    expect(r.ids[200]).toBe(-1);
    expect(r.distances[299]).toBe(Infinity);
  });

  it('keeps working after distance calls grow the WebAssembly scratch (add, serialize, memory)', () => {
    const d = 256; // 64 queries × 256 floats of tile scratch: more than the initial scratch
    const x = clustered(400, d, 6, 4, DATA);
    for (const kernels of ['auto', 'js'] as const) {
      const ix = new IvfFlatIndex({ dim: d, nlist: 4, kernels });
      ix.add(x.subarray(0, 200 * d));
      ix.search(x.subarray(0, 20 * d), 3, { nprobe: 4 });
      ix.add(x.subarray(200 * d));
      expect(ix.memoryBytes()).toBeGreaterThanOrEqual(400 * d * 4);
      const back = IvfFlatIndex.deserialize(ix.serialize());
      expect(Array.from(back.search(x.subarray(0, 5 * d), 3, { nprobe: 4 }).ids)).toEqual(
        Array.from(ix.search(x.subarray(0, 5 * d), 3, { nprobe: 4 }).ids),
      );
    }
  });

  it('raises typed errors and leaves the index unchanged on a failed add', () => {
    expectCode(() => new IvfFlatIndex({ dim: 4, nlist: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new IvfFlatIndex({ dim: 4, nprobe: 3 } as never), 'INVALID_PARAMETER');
    expectCode(() => new IvfFlatIndex({ dim: 4 }).search(new Float32Array(4), 1), 'NOT_TRAINED');
    const ix = new IvfFlatIndex({ dim: 2, nlist: 10 });
    ix.add(new Float32Array(0)); // an empty add is a no-op, even untrained
    expect(ix.isTrained).toBe(false);
    expectCode(() => ix.add(new Float32Array(10)), 'INVALID_PARAMETER'); // nlist > n
    expect(ix.isTrained).toBe(false);
    ix.add(clustered(50, 2, 3, 1, DATA));
    const before = ix.serialize();
    expectCode(() => ix.add(new Float32Array([1, NaN])), 'NON_FINITE');
    expectCode(() => ix.add(new Float32Array(3)), 'DIMENSION_MISMATCH');
    expect(Array.from(ix.serialize())).toEqual(Array.from(before));
    expectCode(() => ix.search(new Float32Array(2), 1, { nprobe: 0 }), 'INVALID_PARAMETER');
    expectCode(() => ix.train(new Float32Array(40)), 'UNSUPPORTED_OPERATION');
  });

  it('validates search params on one path: typos, non-objects, null, bad stats', () => {
    const ix = new IvfFlatIndex({ dim, nlist: 8 });
    ix.add(base.subarray(0, 300 * dim));
    const q = queries.subarray(0, dim);
    expectCode(() => ix.search(q, 3, { nprob: 8 } as never), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 3, 'nprobe=8' as never), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 3, null as never), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 3, { stats: { queries: 0 } } as never), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 3, { nprobe: 1.5 }), 'INVALID_PARAMETER');
    expectCode(() => ix.explain(q, 3, { nprob: 2 } as never), 'INVALID_PARAMETER');
    expect(expectCode(() => ix.search(q, 3, { nprob: 8 } as never), 'INVALID_PARAMETER').message).toMatch(/nprobe/);
  });

  it('searchInto takes the params object; deserialize takes LoadOptions; the class is an IndexClass', () => {
    const cls: IndexClass<IvfFlatIndex> = IvfFlatIndex;
    const ix = new IvfFlatIndex({ dim, nlist: 8, kernels: 'js' });
    ix.add(base.subarray(0, 400 * dim));
    const back = cls.deserialize(ix.serialize(), { kernels: 'js' });
    expect(back.listVectors.backend).toBe('js');
    const ids = new Int32Array(10);
    const dist = new Float32Array(10);
    back.searchInto(queries, 2 * dim, 5, ids, dist, 5, { nprobe: 3 });
    back.searchInto(queries, 2 * dim, 5, ids, dist, 0); // nprobe defaults to 1
    const want3 = ix.search(queries.subarray(2 * dim, 3 * dim), 5, { nprobe: 3 });
    const want1 = ix.search(queries.subarray(2 * dim, 3 * dim), 5);
    expect(Array.from(ids.subarray(5))).toEqual(Array.from(want3.ids));
    expect(Array.from(ids.subarray(0, 5))).toEqual(Array.from(want1.ids));
  });

  it('explain records the probed cells in order, their distances and sizes, and the work', () => {
    const ix = new IvfFlatIndex({ dim, nlist: 16 });
    ix.add(base);
    const q = queries.subarray(3 * dim, 4 * dim);
    const stats = new SearchStats();
    const e = ix.explain(q, 5, { nprobe: 4, stats });
    expect(Array.from(e.result.ids)).toEqual(Array.from(ix.search(q, 5, { nprobe: 4 }).ids));
    expect(e.probes.length).toBe(4);
    expect(new Set(e.probes).size).toBe(4);
    // The probes are the 4 nearest centroids, nearest first, with their true distances.
    const order = Array.from({ length: 16 }, (_, l) => [Math.sqrt(l2(q, ix.centroids.row(l))), l] as const).sort(
      (a, b) => a[0] - b[0] || a[1] - b[1],
    );
    expect(Array.from(e.probes)).toEqual(order.slice(0, 4).map((x) => x[1]));
    for (let p = 0; p < 4; p++) expect(e.probeDistances[p]).toBeCloseTo(order[p][0], 4);
    const sizes = ix.listSizes();
    expect(Array.from(e.listSizes)).toEqual(Array.from(e.probes, (l) => sizes[l]));
    expect(e.distanceComputations).toBe(16 + e.listSizes.reduce((s, x) => s + x, 0));
    expect(stats.distanceComputations).toBe(e.distanceComputations);
    expect(ix.explain(q, 5, { nprobe: 99 }).probes.length).toBe(16);
    expectCode(() => ix.explain(queries.subarray(0, 2 * dim), 5), 'INVALID_PARAMETER');
    expectCode(() => new IvfFlatIndex({ dim, nlist: 2 }).explain(q, 5), 'NOT_TRAINED');
  });
});

function l2(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return s;
}
