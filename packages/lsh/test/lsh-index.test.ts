import { describe, expect, it } from 'vitest';
import { BinaryReader, BinaryWriter, SearchStats, type IndexClass, type Metric } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { LshIndex, LshSearchStats, bucketKey, type LshExplanation } from '@annlab/lsh';
import { clustered, clusteredSplit, describeIndexContract, expectCode, recallAgainstFlat } from '@annlab/test-kit';

// The class is a loader registries can hold (compile-time check).
const _asClass: IndexClass<LshIndex> = LshIndex;
void _asClass;

const METRICS: Metric[] = ['euclidean', 'cosine'];
const SPREAD = { spread: 0.3 };

function expectValid(ix: LshIndex): void {
  const r = ix.checkInvariants();
  expect(r.errors).toEqual([]);
  expect(r.ok).toBe(true);
}

/** Exhaustive settings: every bucket of every table is probed. */
function exhaustive(metric: Metric): { build: { K: number; w?: number }; probes: number } {
  // SimHash: 2^K buckets per table. E2LSH: a width far above the data's scale puts every
  // point within one slot of the query on each function, and 3^K probes cover those.
  return metric === 'cosine' ? { build: { K: 4 }, probes: 16 } : { build: { K: 3, w: 1e6 }, probes: 27 };
}

describe('LshIndex basics', () => {
  it('defaults: 16 tables of 12 hashes, seed 42, width derived at the first add', () => {
    const ix = new LshIndex({ dim: 8 });
    expect(ix.L).toBe(16);
    expect(ix.K).toBe(12);
    expect(ix.seed).toBe(42);
    expect(ix.metric).toBe('euclidean');
    expect(ix.familyKind).toBe('e2lsh');
    expect(ix.w).toBeNull();
    expect(ix.hashFunctions()).toBeNull();
    ix.add(clustered(200, 8, 4, 1, SPREAD));
    expect(ix.w).toBeGreaterThan(0);
    expect(new LshIndex({ dim: 8, metric: 'cosine' }).familyKind).toBe('simhash');
    expect(new LshIndex({ dim: 8, w: 2.5 }).w).toBe(2.5);
  });

  it('finds the exact neighbours on a tiny set and pads with -1/+Infinity', () => {
    const ix = new LshIndex({ dim: 2, L: 2, K: 1, w: 100 });
    ix.add(new Float32Array([0, 0, 1, 0, 5, 5]));
    const r = ix.search(new Float32Array([0.9, 0]), 5, { probes: 3 });
    expect(Array.from(r.ids)).toEqual([1, 0, 2, -1, -1]);
    expect(r.distances[0]).toBeCloseTo(0.1, 5);
    expect(r.distances[1]).toBeCloseTo(0.9, 5);
    expect(r.distances[3]).toBe(Infinity);
  });

  it('searching an empty index returns padding (search, searchInto, explain)', () => {
    const ix = new LshIndex({ dim: 3 });
    expect(Array.from(ix.search(new Float32Array(6), 2).ids)).toEqual([-1, -1, -1, -1]);
    const ids = new Int32Array(2).fill(5);
    const dist = new Float32Array(2);
    ix.searchInto(new Float32Array(3), 0, 2, ids, dist, 0);
    expect(Array.from(ids)).toEqual([-1, -1]);
    expect(ix.explain(new Float32Array(3), 2).probes).toEqual([]);
    expectValid(ix);
  });

  it('breaks distance ties by the smaller id', () => {
    const ix = new LshIndex({ dim: 2, L: 1, K: 2, w: 1000 });
    ix.add(new Float32Array([1, 0, -1, 0, 0, 1, 0, -1, 1, 0]));
    const r = ix.search(new Float32Array([0, 0]), 5, { probes: 9 });
    expect(Array.from(r.ids)).toEqual([0, 1, 2, 3, 4]);
  });

  it('duplicates and all-zero rows share buckets and are all found', () => {
    const dim = 4;
    for (const metric of METRICS) {
      const ix = new LshIndex({ dim, metric, L: 3, K: 6 });
      ix.add(new Float32Array(40 * dim));
      expectValid(ix);
      expect(ix.checkInvariants().buckets).toBe(3);
      const r = ix.search(new Float32Array(dim), 40);
      expect(new Set(r.ids).size).toBe(40);
    }
  });

  it('bucket keys mix every code (a change in any position changes the key)', () => {
    const codes = Int32Array.from([3, -1, 0, 7]);
    const k0 = bucketKey(codes, 0, 4);
    for (let i = 0; i < 4; i++) {
      const c = codes.slice();
      c[i]++;
      expect(bucketKey(c, 0, 4)).not.toBe(k0);
    }
    expect(bucketKey(codes, 0, 3)).not.toBe(k0);
    expect(k0).toBeGreaterThanOrEqual(0);
    expect(k0).toBeLessThan(2 ** 32);
  });
});

describe('LshIndex exhaustive probing equals exact search', () => {
  for (const metric of METRICS) {
    it(`${metric}: probing every bucket gives the flat answer`, () => {
      const dim = 12;
      const { base, queries } = clusteredSplit(600, 40, dim, 8, 3, SPREAD);
      const { build, probes } = exhaustive(metric);
      const ix = new LshIndex({ dim, metric, L: 2, ...build });
      ix.add(base);
      const flat = new FlatIndex({ dim, metric });
      flat.add(base);
      const r = ix.search(queries, 10, { probes });
      const exact = flat.search(queries, 10, { oneByOne: true });
      expect(Array.from(r.ids)).toEqual(Array.from(exact.ids));
      expect(recallAgainstFlat(base, queries, dim, 10, r.ids, metric)).toBe(1);
      // More probes than the table has buckets are simply all of them.
      expect(ix.search(queries, 10, { probes: 65536 }).ids).toEqual(r.ids);
    });
  }
});

describe('LshIndex recall (seeded clustered data, k = 10)', () => {
  const dim = 24;
  const { base, queries } = clusteredSplit(3000, 100, dim, 20, 7, { spread: 1 });
  // Observed (seed 42, L 8, K 10): euclidean 0.533 / 0.996, cosine 0.43 / 1.0 at probes 1 / 32.
  const floors: Record<string, [number, number]> = { euclidean: [0.48, 0.98], cosine: [0.38, 0.98] };
  for (const metric of METRICS) {
    it(`${metric}: multi-probe raises recall over classic LSH`, () => {
      const ix = new LshIndex({ dim, metric, L: 8, K: 10 });
      ix.add(base);
      const low = recallAgainstFlat(base, queries, dim, 10, ix.search(queries, 10, { probes: 1 }).ids, metric);
      const high = recallAgainstFlat(base, queries, dim, 10, ix.search(queries, 10, { probes: 32 }).ids, metric);
      expect(low).toBeGreaterThan(floors[metric][0]);
      expect(high).toBeGreaterThan(floors[metric][1]);
      expect(high).toBeGreaterThan(low);
    });
  }

  it('more tables at the same probes do not lose recall; maxCandidates caps the work', () => {
    const few = new LshIndex({ dim, L: 2, K: 10 });
    few.add(base);
    const many = new LshIndex({ dim, L: 16, K: 10 });
    many.add(base);
    const rf = recallAgainstFlat(base, queries, dim, 10, few.search(queries, 10, { probes: 4 }).ids);
    const rm = recallAgainstFlat(base, queries, dim, 10, many.search(queries, 10, { probes: 4 }).ids);
    expect(rm).toBeGreaterThan(rf);
    const stats = new LshSearchStats();
    many.search(queries, 10, { probes: 4, maxCandidates: 50, stats });
    expect(stats.distanceComputations).toBeLessThanOrEqual(50 * 100);
    expect(stats.projections).toBe(16 * 10 * 100);
  });
});

describe('LshIndex stats, explain and searchInto', () => {
  const dim = 8;
  const { base, queries } = clusteredSplit(500, 5, dim, 5, 11, SPREAD);
  for (const metric of METRICS) {
    const ix = new LshIndex({ dim, metric, L: 4, K: 6 });
    ix.add(base);

    it(`${metric}: counts buckets, candidates and distance computations`, () => {
      const stats = new LshSearchStats();
      ix.search(queries, 5, { probes: 3, stats });
      expect(stats.queries).toBe(5);
      expect(stats.bucketsProbed).toBe(5 * 4 * 3);
      expect(stats.hops).toBe(stats.bucketsProbed);
      expect(stats.distanceComputations).toBeLessThanOrEqual(stats.candidates);
      expect(stats.distanceComputations).toBeGreaterThan(0);
      stats.reset();
      expect(stats.candidates + stats.distanceComputations + stats.queries + stats.bucketsProbed).toBe(0);
      const plain = new SearchStats();
      ix.search(queries, 5, { probes: 3, stats: plain });
      expect(plain.distanceComputations).toBeGreaterThan(0);
    });

    it(`${metric}: explain gives the same answer and lists probes rank by rank, scores ascending per table`, () => {
      for (let q = 0; q < 5; q++) {
        const query = queries.subarray(q * dim, (q + 1) * dim);
        for (const params of [{ probes: 5 }, { probes: 5, maxCandidates: 30 }]) {
          const t: LshExplanation = ix.explain(query, 5, params);
          const r = ix.search(query, 5, params);
          expect(Array.from(t.result.ids)).toEqual(Array.from(r.ids));
          expect(Array.from(t.result.distances)).toEqual(Array.from(r.distances));
          const stats = new LshSearchStats();
          ix.search(query, 5, { ...params, stats });
          expect(stats.distanceComputations).toBe(t.uniqueCandidates);
          expect(stats.bucketsProbed).toBe(t.probes.length);
          expect(t.probes.reduce((s, p) => s + p.newCandidates, 0)).toBe(t.uniqueCandidates);
        }
        const t = ix.explain(query, 5, { probes: 5 });
        expect(t.family).toBe(metric === 'cosine' ? 'simhash' : 'e2lsh');
        expect(t.queryCodes.length).toBe(4 * 6);
        for (let table = 0; table < 4; table++) {
          const mine = t.probes.filter((p) => p.table === table);
          expect(mine.length).toBe(5);
          expect(mine[0].rank).toBe(0);
          expect(Array.from(mine[0].codes)).toEqual(Array.from(t.queryCodes.subarray(table * 6, table * 6 + 6)));
          expect(mine[0].score).toBe(0);
          for (let i = 1; i < mine.length; i++) expect(mine[i].score).toBeGreaterThanOrEqual(mine[i - 1].score);
          expect(new Set(mine.map((p) => p.key)).size).toBe(5);
          for (const p of mine) expect(p.key).toBe(bucketKey(p.codes, 0, 6));
        }
      }
    });
  }
});

describe('LshIndex adds after the build', () => {
  const dim = 10;
  const all = clustered(1200, dim, 10, 21, SPREAD);
  const queries = clustered(50, dim, 10, 22, SPREAD);

  for (const metric of METRICS) {
    it(`${metric}: adding in batches gives the same index as one add (the functions do not depend on the data)`, () => {
      const w = metric === 'euclidean' ? { w: 2 } : {};
      const grown = new LshIndex({ dim, metric, L: 6, K: 8, ...w });
      grown.add(all.subarray(0, 300 * dim));
      grown.search(queries, 5, { probes: 2 });
      for (let i = 300; i < 1200; i += 300) grown.add(all.subarray(i * dim, (i + 300) * dim));
      expectValid(grown);
      const fresh = new LshIndex({ dim, metric, L: 6, K: 8, ...w });
      fresh.add(all);
      expect(grown.serialize()).toEqual(fresh.serialize());
      expect(grown.search(queries, 10, { probes: 8 })).toEqual(fresh.search(queries, 10, { probes: 8 }));
    });
  }

  it('adding one vector at a time works; the buckets are rebuilt before each search', () => {
    const ix = new LshIndex({ dim, L: 3, K: 2, w: 1e6 });
    for (let i = 0; i < 100; i++) {
      ix.add(all.subarray(i * dim, (i + 1) * dim));
      if (i % 10 === 9) {
        const base = all.subarray(0, (i + 1) * dim);
        expect(recallAgainstFlat(base, queries, dim, 5, ix.search(queries, 5, { probes: 9 }).ids)).toBe(1);
      }
    }
    expectValid(ix);
    expect(ix.size).toBe(100);
  });
});

describe('LshIndex serialization', () => {
  const dim = 9;
  const { base, queries } = clusteredSplit(700, 20, dim, 6, 31, SPREAD);

  // searchInto, reloading onto the default backend, zero-copy loads, seeded bytes and refused files.
  describeIndexContract<LshIndex>({
    name: 'LshIndex',
    load: (bytes, options) => LshIndex.deserialize(bytes, options),
    dim,
    base,
    queries,
    metrics: METRICS,
    make: (o) => new LshIndex({ dim, L: 4, ...o }),
    params: { probes: 4 },
    seeded: 'functions',
  });

  for (const metric of METRICS) {
    it(`${metric}: round trip searches identically and re-serializes to the same bytes`, () => {
      const ix = new LshIndex({ dim, metric, L: 5, K: 7, kernels: 'js' });
      ix.add(base);
      const bytes = ix.serialize();
      const back = LshIndex.deserialize(bytes, { kernels: 'js' });
      expect(back.size).toBe(ix.size);
      expect(back.metric).toBe(metric);
      expect(back.w).toBe(ix.w);
      expect(back.search(queries, 7, { probes: 6 })).toEqual(ix.search(queries, 7, { probes: 6 }));
      expect(back.serialize()).toEqual(bytes);
      expect(back.hashFunctions()).toEqual(ix.hashFunctions());
      // Loaded indexes keep working, without touching the input bytes.
      const copy = bytes.slice();
      back.add(queries);
      ix.add(queries);
      expectValid(back);
      expect(bytes).toEqual(copy);
      expect(back.serialize()).toEqual(ix.serialize());
    });
  }

  /** Re-write a file with its parameter record and sections passed through `edit` (checksum recomputed). */
  function rewrite(
    bytes: Uint8Array,
    edit: (p: Record<string, unknown>, s: { vectors: Float32Array; proj: Float32Array; offsets: Float64Array; keys: Uint32Array }) => void,
  ): Uint8Array {
    const r = BinaryReader.open(bytes, LshIndex.TAG);
    r.expectVersion(LshIndex.FORMAT_VERSION);
    const p = r.json<Record<string, unknown>>();
    const s = { vectors: r.f32array().slice(), proj: r.f32array().slice(), offsets: r.f64array().slice(), keys: r.u32array().slice() };
    r.finish();
    edit(p, s);
    const w = new BinaryWriter(LshIndex.TAG, LshIndex.FORMAT_VERSION);
    w.json(p);
    w.array(s.vectors);
    w.array(s.proj);
    w.array(s.offsets);
    w.array(s.keys);
    return w.finish();
  }

  it('refuses crafted files whose checksum is intact but whose fields disagree (CORRUPT_DATA)', () => {
    const e2 = new LshIndex({ dim, L: 3, K: 4 });
    e2.add(base.subarray(0, 100 * dim));
    const cos = new LshIndex({ dim, metric: 'cosine', L: 3, K: 4 });
    cos.add(base.subarray(0, 100 * dim));
    const a = e2.serialize();
    const c = cos.serialize();
    // The untouched rewrite loads: the edits below are what is refused.
    expect(LshIndex.deserialize(rewrite(a, () => {})).size).toBe(100);
    const cases: [string, Uint8Array][] = [
      [
        'more tables than key sections',
        rewrite(a, (p) => {
          p.L = 4;
        }),
      ],
      [
        'a count that disagrees with the vectors',
        rewrite(a, (p) => {
          p.count = 99;
        }),
      ],
      [
        'an unknown field',
        rewrite(a, (p) => {
          p.extra = 1;
        }),
      ],
      [
        'a negative width',
        rewrite(a, (p) => {
          p.w = -1;
        }),
      ],
      [
        'no width for a built E2LSH index',
        rewrite(a, (p) => {
          p.w = null;
        }),
      ],
      [
        'a width on a cosine index',
        rewrite(c, (p) => {
          p.w = 3;
        }),
      ],
      [
        'inner product',
        rewrite(a, (p) => {
          p.metric = 'inner-product';
        }),
      ],
      [
        'K out of range',
        rewrite(a, (p) => {
          p.K = 0;
        }),
      ],
      [
        'vectors without hash functions',
        rewrite(a, (p) => {
          p.built = false;
        }),
      ],
      [
        'an offset outside [0, w)',
        rewrite(a, (_p, s) => {
          s.offsets[2] = 1e9;
        }),
      ],
      [
        'a SimHash normal that is not unit length',
        rewrite(c, (_p, s) => {
          s.proj[0] += 5;
        }),
      ],
      [
        'a key section of the wrong length',
        rewrite(a, (_p, s) => {
          s.keys = s.keys.slice(1);
        }),
      ],
      [
        'a vector out of range',
        rewrite(a, (_p, s) => {
          s.vectors[0] = 1e30;
        }),
      ],
    ];
    for (const [what, bytes] of cases) {
      const err = expectCode(() => LshIndex.deserialize(bytes), 'CORRUPT_DATA');
      expect(err.message, what).toMatch(/lsh file|annlab file|vector section/);
    }
  });

  it('an empty index round-trips and builds on its first add', () => {
    const back = LshIndex.deserialize(new LshIndex({ dim, L: 3 }).serialize());
    expect(back.size).toBe(0);
    back.add(base);
    expectValid(back);
    const fresh = new LshIndex({ dim, L: 3 });
    fresh.add(base);
    expect(back.serialize()).toEqual(fresh.serialize());
  });

  it('memoryBytes sums the typed arrays', () => {
    const ix = new LshIndex({ dim, L: 3 });
    const empty = ix.memoryBytes();
    ix.add(base);
    expect(ix.memoryBytes()).toBeGreaterThan(empty + base.byteLength + 2 * 3 * 700 * 4);
  });
});

describe('LshIndex typed errors', () => {
  it('bad options', () => {
    expectCode(() => new LshIndex({ dim: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new LshIndex({ dim: 4, L: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new LshIndex({ dim: 4, L: 1025 }), 'INVALID_PARAMETER');
    expectCode(() => new LshIndex({ dim: 4, K: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new LshIndex({ dim: 4, K: 65 }), 'INVALID_PARAMETER');
    expectCode(() => new LshIndex({ dim: 4, K: 2.5 }), 'INVALID_PARAMETER');
    expectCode(() => new LshIndex({ dim: 4, w: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new LshIndex({ dim: 4, w: Infinity }), 'INVALID_PARAMETER');
    expectCode(() => new LshIndex({ dim: 4, metric: 'cosine', w: 1 }), 'INVALID_PARAMETER');
    expectCode(() => new LshIndex({ dim: 4, metric: 'angular' as Metric }), 'INVALID_PARAMETER');
    expectCode(() => new LshIndex({ dim: 4, l: 5 } as never), 'INVALID_PARAMETER');
    expectCode(() => new LshIndex(null as never), 'INVALID_PARAMETER');
    expectCode(() => new LshIndex({ dim: 4, seed: 0.5 }), 'INVALID_PARAMETER');
    expectCode(() => new LshIndex({ dim: 4, kernels: 'gpu' as never }), 'INVALID_PARAMETER');
  });

  it('inner product is refused with a message naming the supported metrics and the alternatives', () => {
    const err = expectCode(() => new LshIndex({ dim: 4, metric: 'inner-product' }), 'INVALID_PARAMETER');
    expect(err.message).toMatch(/'euclidean'/);
    expect(err.message).toMatch(/'cosine'/);
    expect(err.message).toMatch(/HnswIndex/);
  });

  it('bad vectors, queries and search parameters; a failed add changes nothing', () => {
    const ix = new LshIndex({ dim: 3, L: 2 });
    ix.add(new Float32Array([1, 2, 3, 4, 5, 6]));
    const bytes = ix.serialize();
    expectCode(() => ix.add(new Float32Array([1, 2])), 'DIMENSION_MISMATCH');
    expectCode(() => ix.add(new Float32Array([1, NaN, 3])), 'NON_FINITE');
    expectCode(() => ix.add([1, 2, 3] as never), 'INVALID_PARAMETER');
    expect(ix.serialize()).toEqual(bytes);
    const q = new Float32Array([1, 2, 3]);
    expectCode(() => ix.search(new Float32Array([1, 2]), 1), 'DIMENSION_MISMATCH');
    expectCode(() => ix.search(q, 0), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 1, { probes: 0 }), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 1, { probes: 65537 }), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 1, { probes: 1.5 }), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 1, { maxCandidates: 0 }), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 1, { probe: 3 } as never), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 1, { stats: {} } as never), 'INVALID_PARAMETER');
    expectCode(() => ix.search(q, 1, null as never), 'INVALID_PARAMETER');
    expectCode(() => ix.explain(new Float32Array(6), 1), 'INVALID_PARAMETER');
    expectCode(() => ix.explain(q, 1, { probes: -1 }), 'INVALID_PARAMETER');
    expectCode(() => ix.reconstruct(9), 'INVALID_PARAMETER');
    expect(Array.from(ix.reconstruct(1))).toEqual([4, 5, 6]);
  });
});
