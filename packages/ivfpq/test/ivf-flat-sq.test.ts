import { describe, expect, it } from 'vitest';
import { BinaryReader, BinaryWriter, METRICS, SearchStats, reportedDistance, simdSupported } from '@annlab/core';
import { IvfFlatIndex } from '@annlab/ivfpq';
import { clusteredSplit, expectCode, recallAgainstFlat } from '@annlab/test-kit';

const DIM = 33; // a 16-component block, a tail, and an odd 4-bit half-byte

function build(options: Partial<ConstructorParameters<typeof IvfFlatIndex>[0]>, n = 3000) {
  const { base, queries } = clusteredSplit(n, 100, DIM, 16, 4);
  const ix = new IvfFlatIndex({ dim: DIM, nlist: 32, seed: 3, ...options });
  ix.add(base);
  return { ix, base, queries };
}

describe("IvfFlatIndex encoding: 'sq8' / 'sq4' list scans with exact re-ranking", () => {
  it('sq8 keeps the float recall at a given nprobe (observed 1.0 for every metric at nprobe 8, as float32)', () => {
    for (const metric of METRICS) {
      const f = build({ metric });
      const s = build({ metric, encoding: 'sq8' });
      const rf = recallAgainstFlat(f.base, f.queries, DIM, 10, f.ix.search(f.queries, 10, { nprobe: 8 }).ids, metric);
      const rs = recallAgainstFlat(s.base, s.queries, DIM, 10, s.ix.search(s.queries, 10, { nprobe: 8 }).ids, metric);
      expect(rs).toBeGreaterThan(rf - 0.02);
      expect(rs).toBeGreaterThan(0.97);
    }
  });

  it('re-ranked results carry exact distances; rerank 0 returns the code distances', () => {
    for (const encoding of ['sq8', 'sq4'] as const) {
      const { ix, base, queries } = build({ encoding, metric: 'euclidean' }, 1500);
      const r = ix.search(queries, 5, { nprobe: 4, rerank: 8 });
      const raw = ix.search(queries, 5, { nprobe: 4, rerank: 0 });
      let differs = 0;
      for (let i = 0; i < r.ids.length; i++) {
        const exact = reportedDistance('euclidean', queries, Math.floor(i / 5) * DIM, base, r.ids[i] * DIM, DIM);
        expect(r.distances[i]).toBeCloseTo(exact, 4);
        if (Math.abs(raw.distances[i] - r.distances[i]) > 1e-4) differs++;
      }
      expect(differs).toBeGreaterThan(0);
    }
  });

  it.skipIf(!simdSupported())('the SIMD and TypeScript code kernels give the same answers', () => {
    for (const metric of METRICS) {
      for (const encoding of ['sq8', 'sq4'] as const) {
        const a = build({ metric, encoding, kernels: 'js' }, 1500);
        const b = build({ metric, encoding, kernels: 'simd' }, 1500);
        expect(Buffer.from(b.ix.serialize()).equals(Buffer.from(a.ix.serialize()))).toBe(true);
        for (const rerank of [0, 4]) {
          const ra = a.ix.search(a.queries, 10, { nprobe: 4, rerank });
          const rb = b.ix.search(a.queries, 10, { nprobe: 4, rerank });
          // The code distances are bit-identical on both backends (the same integer dot
          // product, the same float64 formula): with rerank 0 everything is equal; the exact
          // re-rank runs on the float kernels, whose float32 lanes (SIMD) and float64 sums (TS)
          // agree to rounding.
          expect(Array.from(rb.ids)).toEqual(Array.from(ra.ids));
          if (rerank === 0) expect(Array.from(rb.distances)).toEqual(Array.from(ra.distances));
          for (let i = 0; i < ra.distances.length; i++) expect(rb.distances[i]).toBeCloseTo(ra.distances[i], 3);
        }
      }
    }
  });

  it('counts the code scan and the re-rank; usedBytes counts the codes', () => {
    const { ix, queries } = build({ encoding: 'sq8' }, 1000);
    const stats = new SearchStats();
    ix.search(queries.subarray(0, DIM), 10, { nprobe: 2, rerank: 3, stats });
    expect(stats.distanceComputations).toBeGreaterThan(32 + 30);
    const f = build({}, 1000).ix.usedBytes();
    // Rows: the code rounded up to 4 bytes, then a float32 norm.
    expect(ix.usedBytes() - f).toBe(1000 * (36 + 4) + 12 * DIM);
    expect(build({ encoding: 'sq4' }, 1000).ix.usedBytes() - f).toBe(1000 * (20 + 4) + 12 * DIM);
  });

  it('saves and loads (format 2), with identical bytes and searches; adds after loading keep codes in step', () => {
    const { ix, queries } = build({ encoding: 'sq4', metric: 'cosine' }, 1000);
    const bytes = ix.serialize();
    expect(BinaryReader.peekHeader(bytes).version).toBe(2);
    for (const kernels of ['js', 'auto'] as const) {
      const back = IvfFlatIndex.deserialize(bytes, { kernels });
      expect(back.encoding).toBe('sq4');
      expect(Buffer.from(back.serialize()).equals(Buffer.from(bytes))).toBe(true);
      expect(Array.from(back.search(queries, 10, { nprobe: 4 }).ids)).toEqual(Array.from(ix.search(queries, 10, { nprobe: 4 }).ids));
      back.add(queries.subarray(0, 3 * DIM));
      expect(back.listCodes?.size).toBe(1003);
      expect(back.search(queries.subarray(0, DIM), 1, { nprobe: 32 }).ids[0]).toBe(1000);
    }
    const untrained = new IvfFlatIndex({ dim: DIM, nlist: 4, encoding: 'sq8' });
    expect(IvfFlatIndex.deserialize(untrained.serialize()).isTrained).toBe(false);
  });

  it('reads format-1 files as float32 and refuses encoded sections that do not fit', () => {
    const f = build({}, 500).ix;
    const r = BinaryReader.open(f.serialize(), 'ivfflat');
    const p = r.json<Record<string, unknown>>();
    const sections = [r.f32array(), r.i32array(), r.i32array(), r.f32array()];
    const write = (version: number, params: Record<string, unknown>, extra: Uint8Array[] = []): Uint8Array => {
      const w = new BinaryWriter('ivfflat', version);
      w.json(params);
      for (const a of sections) w.array(a);
      for (const a of extra) w.array(a);
      return w.finish();
    };
    const { encoding: _, ...v1params } = p;
    const v1 = IvfFlatIndex.deserialize(write(1, v1params));
    expect(v1.encoding).toBe('float32');
    expect(Buffer.from(v1.serialize()).equals(Buffer.from(f.serialize()))).toBe(true);
    expectCode(() => IvfFlatIndex.deserialize(write(2, v1params)), 'CORRUPT_DATA');
    expectCode(() => IvfFlatIndex.deserialize(write(2, { ...p, encoding: 'sq8' })), 'CORRUPT_DATA');
    expectCode(() => IvfFlatIndex.deserialize(write(2, { ...p, encoding: 'pq' })), 'CORRUPT_DATA');
    const e = build({ encoding: 'sq8' }, 500).ix;
    const sq = e.listCodes?.quantizer.serialize() as Uint8Array;
    const codes = e.listCodes?.view() as Uint8Array;
    expectCode(() => IvfFlatIndex.deserialize(write(2, { ...p, encoding: 'sq8' }, [sq, codes.subarray(1)])), 'CORRUPT_DATA');
    expectCode(() => IvfFlatIndex.deserialize(write(2, { ...p, encoding: 'sq4' }, [sq, codes])), 'CORRUPT_DATA');
    expect(IvfFlatIndex.deserialize(write(2, { ...p, encoding: 'sq8' }, [sq, codes])).encoding).toBe('sq8');
  });

  it('validates options and search parameters', () => {
    expectCode(() => new IvfFlatIndex({ dim: 4, encoding: 'sq6' as 'sq8' }), 'INVALID_PARAMETER');
    const f = build({}, 500).ix;
    expectCode(() => f.search(new Float32Array(DIM), 1, { rerank: 2 }), 'INVALID_PARAMETER');
    const e = build({ encoding: 'sq8' }, 500).ix;
    expectCode(() => e.search(new Float32Array(DIM), 1, { rerank: -1 }), 'INVALID_PARAMETER');
    expectCode(() => e.search(new Float32Array(DIM), 1, { rerank: 2, nprob: 2 } as never), 'INVALID_PARAMETER');
  });
});
