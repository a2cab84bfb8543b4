import { describe, expect, it } from 'vitest';
import { BinaryReader, BinaryWriter, METRICS, SearchStats, reportedDistance, simdSupported } from '@annlab/core';
import { HnswIndex, bitsetFromIds } from '@annlab/hnsw';
import { clusteredSplit, expectCode, recallAgainstFlat } from '@annlab/test-kit';

const DIM = 40; // not a multiple of 16, odd half (4-bit tail) exercised by DIM 41 below

function build(options: Partial<ConstructorParameters<typeof HnswIndex>[0]>, n = 2000, dim = DIM) {
  const { base, queries } = clusteredSplit(n, 100, dim, 10, 3);
  const ix = new HnswIndex({ dim, M: 12, efConstruction: 80, ...options });
  ix.add(base);
  return { ix, base, queries };
}

describe('HnswIndex quantizer: sq8 / sq4 walks with exact re-ranking', () => {
  it('sq8 keeps the float recall (observed at ef 64: euclidean 1.0, cosine 1.0, inner product 0.992, as float)', () => {
    for (const metric of METRICS) {
      const { ix, base, queries } = build({ metric, quantizer: 'sq8' });
      expect(ix.quantizer).toBe('sq8');
      const r = recallAgainstFlat(base, queries, DIM, 10, ix.search(queries, 10, { efSearch: 64 }).ids, metric);
      expect(r).toBeGreaterThan(0.97);
    }
  });

  it('sq4 with a larger re-rank stays close (observed 0.998 at ef 96, rerank 8)', () => {
    const { ix, base, queries } = build({ quantizer: 'sq4' });
    const r = recallAgainstFlat(base, queries, DIM, 10, ix.search(queries, 10, { efSearch: 96, rerank: 8 }).ids);
    expect(r).toBeGreaterThan(0.97);
  });

  it('re-ranked results carry exact distances, ascending; rerank 0 returns the quantized ones', () => {
    for (const metric of METRICS) {
      const { ix, base, queries } = build({ metric, quantizer: 'sq8' }, 800);
      const r = ix.search(queries, 10, { efSearch: 64 });
      const raw = ix.search(queries, 10, { efSearch: 64, rerank: 0 });
      let differs = 0;
      for (let q = 0; q < 100; q++) {
        for (let j = 0; j < 10; j++) {
          const id = r.ids[q * 10 + j];
          const exact = reportedDistance(metric, queries, q * DIM, ix.reconstruct(id), 0, DIM);
          expect(r.distances[q * 10 + j]).toBeCloseTo(exact, 4);
          if (j > 0) expect(r.distances[q * 10 + j]).toBeGreaterThanOrEqual(r.distances[q * 10 + j - 1]);
          if (Math.abs(raw.distances[q * 10 + j] - r.distances[q * 10 + j]) > 1e-4) differs++;
        }
      }
      expect(differs).toBeGreaterThan(0);
      void base;
    }
  });

  it.skipIf(!simdSupported())('the SIMD and TypeScript kernels give the same answers (ids equal, distances to rounding)', () => {
    for (const metric of METRICS) {
      for (const quantizer of ['sq8', 'sq4'] as const) {
        const a = build({ metric, quantizer, kernels: 'js' }, 1000, 41);
        const b = build({ metric, quantizer, kernels: 'simd' }, 1000, 41);
        // The graph is built on float32 on both backends: identical files.
        expect(Buffer.from(a.ix.serialize()).equals(Buffer.from(b.ix.serialize()))).toBe(true);
        for (const rerank of [0, 4]) {
          const ra = a.ix.search(a.queries, 10, { efSearch: 48, rerank });
          const rb = b.ix.search(a.queries, 10, { efSearch: 48, rerank });
          // Code distances are bit-identical on both backends, so the walks are the same;
          // the exact re-rank runs on the float kernels (float32 lanes against float64 sums).
          expect(Array.from(rb.ids)).toEqual(Array.from(ra.ids));
          if (rerank === 0) expect(Array.from(rb.distances)).toEqual(Array.from(ra.distances));
          for (let i = 0; i < ra.distances.length; i++) expect(rb.distances[i]).toBeCloseTo(ra.distances[i], 3);
        }
      }
    }
  });

  it('filters, deletions and stats run on codes too, and count the re-rank', () => {
    const { ix, queries } = build({ quantizer: 'sq8' }, 1000);
    const allowed = Array.from({ length: 500 }, (_, i) => 2 * i);
    const r = ix.search(queries, 10, { filter: bitsetFromIds(allowed, ix.idCount) });
    for (const id of r.ids) expect(id % 2).toBe(0);
    const stats = new SearchStats();
    ix.search(queries.subarray(0, DIM), 10, { efSearch: 64, stats });
    expect(stats.queries).toBe(1);
    expect(stats.distanceComputations).toBeGreaterThan(40);
    ix.delete([0, 1, 2]);
    for (const id of ix.search(queries, 10).ids) expect([0, 1, 2]).not.toContain(id);
  });

  it('codes do not depend on how the vectors were split into add calls; seeded builds are byte-identical', () => {
    const { base } = clusteredSplit(700, 1, DIM, 10, 5);
    const one = new HnswIndex({ dim: DIM, quantizer: 'sq8', seed: 9 });
    one.add(base);
    const parts = new HnswIndex({ dim: DIM, quantizer: 'sq8', seed: 9 });
    parts.add(base.subarray(0, 3 * DIM));
    parts.add(base.subarray(3 * DIM, 300 * DIM));
    parts.add(base.subarray(300 * DIM));
    expect(Buffer.from(parts.serialize()).equals(Buffer.from(one.serialize()))).toBe(true);
  });

  it('a progress callback that throws leaves codes for exactly the inserted rows', () => {
    const { base } = clusteredSplit(5000, 1, 8, 10, 6);
    const ix = new HnswIndex({ dim: 8, quantizer: 'sq8', efConstruction: 16 });
    expect(() =>
      ix.add(base, {
        onProgress: () => {
          throw new Error('stop');
        },
      }),
    ).toThrow('stop');
    const n = ix.idCount;
    const ref = new HnswIndex({ dim: 8, quantizer: 'sq8', efConstruction: 16 });
    ref.add(base.subarray(0, n * 8));
    expect(Buffer.from(ix.serialize()).equals(Buffer.from(ref.serialize()))).toBe(true);
  });

  it('update re-encodes the row: the new vector is found by its own query', () => {
    const { ix, base } = build({ quantizer: 'sq8' }, 500);
    const v = base.slice(7 * DIM, 8 * DIM);
    ix.update(3, v);
    const r = ix.search(v, 2, { efSearch: 64 });
    expect([...r.ids].sort()).toEqual([3, 7]);
  });

  it('usedBytes counts the code rows (dim bytes per vector for sq8, ⌈dim/2⌉ for sq4, rounded up to 4, and a norm)', () => {
    const f = build({}, 600).ix.usedBytes();
    const s8 = build({ quantizer: 'sq8' }, 600).ix.usedBytes();
    const s4 = build({ quantizer: 'sq4' }, 600).ix.usedBytes();
    expect(s8 - f).toBe(600 * (DIM + 4) + 12 * DIM);
    expect(s4 - f).toBe(600 * (DIM / 2 + 4) + 12 * DIM);
  });
});

/** The sections of a quantized file, to edit and rewrite (CRC recomputed). */
function rewriteQuantized(bytes: Uint8Array, edit: (p: Record<string, unknown>, s: Uint8Array[]) => void): Uint8Array {
  const r = BinaryReader.open(bytes, 'hnsw');
  r.expectVersion(3);
  const p = r.json<Record<string, unknown>>();
  const floats = [r.f32array(), r.u8array(), r.u8array(), r.i32array(), r.i32array(), r.i32array()];
  const q = [r.u8array().slice(), r.u8array().slice()];
  r.finish();
  edit(p, q);
  const w = new BinaryWriter('hnsw', 3);
  w.json(p);
  for (const a of floats) w.array(a);
  for (const a of q) w.array(a);
  return w.finish();
}

describe('HnswIndex quantizer: files', () => {
  const { ix, queries } = build({ quantizer: 'sq4', metric: 'cosine' }, 600, 41);
  const bytes = ix.serialize();

  it('round-trips: same searches, same bytes, on either backend', () => {
    const want = ix.search(queries, 10, { efSearch: 64 });
    for (const kernels of ['js', 'auto'] as const) {
      const back = HnswIndex.deserialize(bytes, { kernels });
      expect(back.quantizer).toBe('sq4');
      expect(Buffer.from(back.serialize()).equals(Buffer.from(bytes))).toBe(true);
      const got = back.search(queries, 10, { efSearch: 64 });
      expect(Array.from(got.ids)).toEqual(Array.from(want.ids));
      back.add(queries.subarray(0, 5 * 41));
      expect(back.idCount).toBe(605);
    }
    const empty = new HnswIndex({ dim: 3, quantizer: 'sq8' });
    expect(HnswIndex.deserialize(empty.serialize()).search(new Float32Array(3), 2).ids).toEqual(new Int32Array([-1, -1]));
  });

  it('refuses a quantizer or codes that do not fit the index', () => {
    expectCode(() => HnswIndex.deserialize(rewriteQuantized(bytes, (p) => (p.quantizer = 'sq6'))), 'CORRUPT_DATA');
    expectCode(() => HnswIndex.deserialize(rewriteQuantized(bytes, (p) => delete p.quantizer)), 'CORRUPT_DATA');
    expectCode(() => HnswIndex.deserialize(rewriteQuantized(bytes, (p) => (p.quantizer = 'sq8'))), 'CORRUPT_DATA');
    expectCode(() => HnswIndex.deserialize(rewriteQuantized(bytes, (p) => (p.quantizerTrainedRows = 600))), 'CORRUPT_DATA');
    expectCode(() => HnswIndex.deserialize(rewriteQuantized(bytes, (_p, s) => (s[1] = s[1].subarray(0, s[1].length - 1)))), 'CORRUPT_DATA');
    expectCode(() => HnswIndex.deserialize(rewriteQuantized(bytes, (_p, s) => (s[0] = s[0].subarray(0, 20)))), 'CORRUPT_DATA');
    // A float file claiming a quantizer has no quantizer sections.
    const flat = build({}, 100).ix.serialize();
    const r = BinaryReader.open(flat, 'hnsw');
    const p = r.json<Record<string, unknown>>();
    const w = new BinaryWriter('hnsw', 3);
    w.json({ ...p, quantizer: 'sq8', quantizerTrainedRows: 64 });
    for (const a of [r.f32array(), r.u8array(), r.u8array(), r.i32array(), r.i32array(), r.i32array()]) w.array(a);
    expectCode(() => HnswIndex.deserialize(w.finish()), 'CORRUPT_DATA');
  });
});

describe('HnswIndex quantizer: options', () => {
  it('refuses bad quantizers, rerank on a float index, bad rerank values, unknown keys', () => {
    expectCode(() => new HnswIndex({ dim: 4, quantizer: 'pq' as 'sq8' }), 'INVALID_PARAMETER');
    expectCode(() => new HnswIndex({ dim: 4, quantiser: 'sq8' } as never), 'INVALID_PARAMETER');
    const float = new HnswIndex({ dim: 4 });
    float.add(new Float32Array(8).fill(1));
    expectCode(() => float.search(new Float32Array(4), 1, { rerank: 2 }), 'INVALID_PARAMETER');
    const q = new HnswIndex({ dim: 4, quantizer: 'sq8' });
    q.add(new Float32Array(8).fill(1));
    expectCode(() => q.search(new Float32Array(4), 1, { rerank: -1 }), 'INVALID_PARAMETER');
    expectCode(() => q.search(new Float32Array(4), 1, { rerank: Number.NaN }), 'INVALID_PARAMETER');
    expectCode(() => q.search(new Float32Array(4), 1, { reRank: 2 } as never), 'INVALID_PARAMETER');
    // An integer multiple of k, as IVF-PQ's and PreTransformIndex's rerank.
    expectCode(() => q.search(new Float32Array(4), 1, { rerank: 1.5 }), 'INVALID_PARAMETER');
    expect(q.search(new Float32Array(4), 1, { rerank: 2 }).ids[0]).toBeGreaterThanOrEqual(0);
  });
});
