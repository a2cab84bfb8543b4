import { describe, expect, it } from 'vitest';
import { AnnlabError, BinaryReader, BinaryWriter, Rng, normalizeInPlace, type IndexClass } from '@annlab/core';
import { HnswIndex, HnswSearchStats, bitsetFromIds, bitsetCount, createBitset, bitsetAdd, bitsetHas } from '@annlab/hnsw';
import { clustered, clusteredSplit, expectCode, recallAgainstFlat } from '@annlab/test-kit';

// The class has the static side every index class shares (TAG, FORMAT_VERSION, deserialize).
const _indexClass: IndexClass<HnswIndex> = HnswIndex;
void _indexClass;

const DIM = 16;

/** An index over n clustered points, plus 50 held-out queries from the same clusters. */
function build(
  n: number,
  options: Partial<ConstructorParameters<typeof HnswIndex>[0]> = {},
  seed = 1,
): { ix: HnswIndex; base: Float32Array; queries: Float32Array } {
  const { base, queries } = clusteredSplit(n, 50, DIM, 12, seed);
  const ix = new HnswIndex({ dim: DIM, M: 8, efConstruction: 64, ...options });
  ix.add(base);
  return { ix, base, queries };
}

describe('HnswIndex: recall against FlatIndex', () => {
  const { base, queries } = clusteredSplit(3000, 200, DIM, 12, 1);
  const ix = new HnswIndex({ dim: DIM, M: 8, efConstruction: 64 });
  ix.add(base);

  it('has a clean graph', () => {
    const r = ix.checkInvariants();
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.unreachable).toBe(0);
    expect(ix.size).toBe(3000);
  });

  it('reaches the recall floors (observed 0.971 at ef 16, 1.0 at ef 64)', () => {
    const r16 = recallAgainstFlat(base, queries, DIM, 10, ix.search(queries, 10, { efSearch: 16 }).ids);
    const r64 = recallAgainstFlat(base, queries, DIM, 10, ix.search(queries, 10, { efSearch: 64 }).ids);
    expect(r16).toBeGreaterThan(0.95);
    expect(r64).toBeGreaterThan(0.995);
    expect(r64).toBeGreaterThanOrEqual(r16);
  });

  it('the heuristic beats the simple selection on clustered data', () => {
    const simple = new HnswIndex({ dim: DIM, M: 4, efConstruction: 32, neighborSelection: 'simple' });
    const heur = new HnswIndex({ dim: DIM, M: 4, efConstruction: 32 });
    const { base: data, queries: q } = clusteredSplit(3000, 200, DIM, 40, 5, { spread: 0.05 });
    simple.add(data);
    heur.add(data);
    const rs = recallAgainstFlat(data, q, DIM, 10, simple.search(q, 10, { efSearch: 10 }).ids);
    const rh = recallAgainstFlat(data, q, DIM, 10, heur.search(q, 10, { efSearch: 10 }).ids);
    expect(rh).toBeGreaterThan(rs);
  });

  it('results are ascending, distances match the stored vectors', () => {
    const r = ix.search(queries.subarray(0, 5 * DIM), 10);
    for (let q = 0; q < 5; q++) {
      for (let i = 1; i < 10; i++) expect(r.distances[q * 10 + i]).toBeGreaterThanOrEqual(r.distances[q * 10 + i - 1]);
      const id = r.ids[q * 10];
      let s = 0;
      for (let j = 0; j < DIM; j++) s += (queries[q * DIM + j] - base[id * DIM + j]) ** 2;
      expect(r.distances[q * 10]).toBeCloseTo(Math.sqrt(s), 4);
    }
  });
});

describe('HnswIndex: exhaustive efSearch gives recall 1', () => {
  for (const metric of ['euclidean', 'cosine', 'inner-product'] as const) {
    it(`${metric}: efSearch >= n on a connected graph`, () => {
      const n = 300;
      const { base, queries } = clusteredSplit(n, 30, DIM, 5, 11);
      // Inner product: unit rows, so no low-norm point is dominated by its neighbours (MIPS
      // graphs can leave such points without in-links; checkInvariants would count them).
      if (metric === 'inner-product') for (let i = 0; i < n; i++) normalizeInPlace(base, i * DIM, DIM);
      const ix = new HnswIndex({ dim: DIM, metric, M: 6, efConstruction: 40 });
      ix.add(base);
      const inv = ix.checkInvariants();
      expect(inv.ok).toBe(true);
      expect(inv.unreachable).toBe(0);
      const r = ix.search(queries, 10, { efSearch: n });
      expect(recallAgainstFlat(base, queries, DIM, 10, r.ids, metric)).toBe(1);
    });
  }
});

describe('HnswIndex: small cases', () => {
  it('empty index returns padding', () => {
    const ix = new HnswIndex({ dim: 3 });
    const r = ix.search(new Float32Array([1, 2, 3]), 2);
    expect(Array.from(r.ids)).toEqual([-1, -1]);
    expect(Array.from(r.distances)).toEqual([Infinity, Infinity]);
    expect(ix.checkInvariants().ok).toBe(true);
  });

  it('k > size pads, one point, dim 1', () => {
    const ix = new HnswIndex({ dim: 1 });
    ix.add(new Float32Array([5]));
    const r = ix.search(new Float32Array([4]), 3);
    expect(Array.from(r.ids)).toEqual([0, -1, -1]);
    expect(r.distances[0]).toBeCloseTo(1);
    ix.add(new Float32Array([3, 7, 4.5]));
    const r2 = ix.search(new Float32Array([4]), 4);
    expect(Array.from(r2.ids)).toEqual([3, 0, 1, 2]);
  });

  it('incremental adds keep ids dense and grow capacity', () => {
    const ix = new HnswIndex({ dim: DIM, M: 4, efConstruction: 20, capacity: 1 });
    const data = clustered(500, DIM, 4, 3);
    for (let i = 0; i < 500; i += 50) ix.add(data.subarray(i * DIM, (i + 50) * DIM));
    expect(ix.size).toBe(500);
    expect(ix.checkInvariants().ok).toBe(true);
    const r = ix.search(data.subarray(123 * DIM, 124 * DIM), 1, { efSearch: 50 });
    expect(r.ids[0]).toBe(123);
  });
});

describe('HnswIndex: errors', () => {
  it('rejects bad parameters with typed errors', () => {
    expectCode(() => new HnswIndex({ dim: 4, M: 1 }), 'INVALID_PARAMETER');
    expectCode(() => new HnswIndex({ dim: 4, efConstruction: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new HnswIndex({ dim: 0 }), 'INVALID_PARAMETER');
    expectCode(() => new HnswIndex({ dim: 4, neighborSelection: 'best' as 'simple' }), 'INVALID_PARAMETER');
    expectCode(() => new HnswIndex({ dim: 4, efSearch: 3 } as never), 'INVALID_PARAMETER');
    const ix = new HnswIndex({ dim: 4 });
    ix.add(new Float32Array(8));
    expectCode(() => ix.search(new Float32Array(4), 1, { efSearch: 0 }), 'INVALID_PARAMETER');
    expectCode(() => ix.search(new Float32Array(4), 0), 'INVALID_PARAMETER');
    expectCode(() => ix.search(new Float32Array(4), 1, { efsearch: 3 } as never), 'INVALID_PARAMETER');
    expectCode(() => ix.search(new Float32Array(5), 1), 'DIMENSION_MISMATCH');
    expectCode(() => ix.add(new Float32Array(6)), 'DIMENSION_MISMATCH');
    expectCode(() => ix.update(0, new Float32Array(3)), 'DIMENSION_MISMATCH');
    expectCode(() => ix.update(7, new Float32Array(4)), 'INVALID_PARAMETER');
    expectCode(() => ix.delete(-1), 'INVALID_PARAMETER');
    expectCode(() => ix.search(new Float32Array(4), 1, { filter: [1, 2] as never }), 'INVALID_PARAMETER');
  });

  it('a failed add leaves the index unchanged', () => {
    const ix = new HnswIndex({ dim: 2 });
    ix.add(new Float32Array([0, 0, 1, 1]));
    const before = ix.serialize();
    expectCode(() => ix.add(new Float32Array([2, 2, NaN, 3])), 'NON_FINITE');
    expect(ix.size).toBe(2);
    expect(ix.serialize()).toEqual(before);
  });
});

describe('HnswIndex: save/load and determinism', () => {
  it('round-trips: identical bytes and identical results', () => {
    const { ix, queries: q } = build(800);
    ix.delete(5);
    const bytes = ix.serialize();
    const back = HnswIndex.deserialize(bytes);
    expect(back.serialize()).toEqual(bytes);
    expect(back.size).toBe(799);
    expect(back.search(q, 5)).toEqual(ix.search(q, 5));
    // Adding after load continues the same level draws as the original.
    const more = clustered(50, DIM, 12, 8);
    ix.add(more);
    back.add(more);
    expect(back.serialize()).toEqual(ix.serialize());
  });

  it('same seed and insertion order give byte-identical files; another seed does not', () => {
    const a = build(500, { seed: 7 }).ix.serialize();
    const b = build(500, { seed: 7 }).ix.serialize();
    const c = build(500, { seed: 8 }).ix.serialize();
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('refuses damaged and foreign bytes', () => {
    const bytes = build(100).ix.serialize();
    const bad = bytes.slice();
    bad[bad.length >> 1] ^= 0x10;
    expectCode(() => HnswIndex.deserialize(bad), 'CORRUPT_DATA');
    expectCode(() => HnswIndex.deserialize(bytes.subarray(0, bytes.length - 9)), 'CORRUPT_DATA');
    expect(() => HnswIndex.deserialize(new Uint8Array([1, 2, 3]))).toThrow(AnnlabError);
  });
});

/** Rewrite an hnsw file with another format version and an edited parameter record (CRC recomputed). */
function rewrite(bytes: Uint8Array, version: number, edit: (p: Record<string, unknown>) => void): Uint8Array {
  const r = BinaryReader.open(bytes, 'hnsw');
  const p = r.json<Record<string, unknown>>();
  const sections = [r.f32array(), r.u8array(), r.u8array(), r.i32array(), r.i32array(), r.i32array()];
  edit(p);
  const w = new BinaryWriter('hnsw', version);
  w.json(p);
  for (const section of sections) w.array(section);
  return w.finish();
}

/** The same file in format 1: the generator position as a count of level draws (one per id). */
function asVersion1(bytes: Uint8Array, levelDraws: number): Uint8Array {
  return rewrite(bytes, 1, (p) => {
    delete p.rng;
    p.levelDraws = levelDraws;
  });
}

describe('HnswIndex: file format 3 (quantizer), format 2 (generator state) and format 1', () => {
  const { ix } = build(300);
  ix.delete([4, 9]);
  const bytes = ix.serialize();

  it('writes format 3 with the generator state; save → load → save is identical', () => {
    expect(BinaryReader.peekHeader(bytes)).toEqual({ tag: 'hnsw', version: 3 });
    expect(HnswIndex.FORMAT_VERSION).toBe(3);
    const p = BinaryReader.open(bytes, 'hnsw').json<Record<string, unknown>>();
    expect(p.levelDraws).toBeUndefined();
    expect(Object.keys(p.rng as object).sort()).toEqual(['c', 's0', 's1', 's2', 'seed', 'spare']);
    const back = HnswIndex.deserialize(bytes);
    expect(back.serialize()).toEqual(bytes);
    expect(HnswIndex.deserialize(back.serialize()).serialize()).toEqual(bytes);
  });

  it('loads with either kernel backend and returns the same results; refuses bad load options', () => {
    const q = clustered(20, DIM, 12, 77);
    const js = HnswIndex.deserialize(bytes, { kernels: 'js' });
    const auto = HnswIndex.deserialize(bytes, {});
    expect(js.serialize()).toEqual(bytes);
    expect(js.search(q, 5).ids).toEqual(auto.search(q, 5).ids);
    expectCode(() => HnswIndex.deserialize(bytes, { kernels: 'gpu' } as never), 'INVALID_PARAMETER');
    expectCode(() => HnswIndex.deserialize(bytes, { kernel: 'js' } as never), 'INVALID_PARAMETER');
  });

  it('reads format 1 by replaying one draw per id; adding afterwards continues identically', () => {
    const v1 = asVersion1(bytes, ix.idCount);
    const back = HnswIndex.deserialize(v1);
    expect(back.serialize()).toEqual(bytes);
    const more = clustered(40, DIM, 12, 21);
    const a = HnswIndex.deserialize(bytes);
    a.add(more);
    back.add(more);
    expect(back.serialize()).toEqual(a.serialize());
  });

  it('refuses a format-1 file claiming more draws than ids, without replaying them', () => {
    const t = performance.now();
    for (const draws of [ix.idCount + 1, 2 ** 50, Number.MAX_SAFE_INTEGER]) {
      expectCode(() => HnswIndex.deserialize(asVersion1(bytes, draws)), 'CORRUPT_DATA');
    }
    expectCode(() => HnswIndex.deserialize(asVersion1(bytes, -1)), 'CORRUPT_DATA');
    expectCode(() => HnswIndex.deserialize(asVersion1(bytes, 1.5)), 'CORRUPT_DATA');
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it('refuses a format-2 file with a missing, garbage or foreign generator state', () => {
    const t = performance.now();
    const rng = BinaryReader.open(bytes, 'hnsw').json<{ rng: Record<string, unknown> }>().rng;
    const bad: unknown[] = [
      undefined,
      null,
      'state',
      [1, 2, 3],
      { ...rng, c: 1e300 },
      { ...rng, c: -1 },
      { ...rng, s0: 2 ** 40 },
      { ...rng, s1: 'x' },
      { ...rng, spare: 'nan' },
      { ...rng, junk: true },
      { seed: rng.seed, c: 0, s0: 0, s1: 0, s2: 0, spare: null },
      { ...rng, seed: (rng.seed as number) + 1 },
    ];
    for (const state of bad) {
      const file = rewrite(bytes, 2, (p) => {
        p.rng = state;
      });
      expectCode(() => HnswIndex.deserialize(file), 'CORRUPT_DATA');
    }
    expect(performance.now() - t).toBeLessThan(2000);
  });

  it('reads a format-2 file (no quantizer field) as unquantized, with the same searches', () => {
    const v2 = HnswIndex.deserialize(rewrite(bytes, 2, (p) => delete p.quantizer));
    expect(v2.quantizer).toBe('none');
    expect(v2.serialize()).toEqual(bytes);
  });

  it('refuses an unknown format version', () => {
    expectCode(() => HnswIndex.deserialize(rewrite(bytes, 4, () => {})), 'UNSUPPORTED_VERSION');
    expectCode(() => HnswIndex.deserialize(rewrite(bytes, 0, () => {})), 'UNSUPPORTED_VERSION');
  });
});

describe('HnswIndex: deletes, updates, compact', () => {
  it('never returns deleted ids, size counts live items, still finds the rest', () => {
    const { ix, base } = build(1000);
    const rng = new Rng(3);
    const gone = new Set<number>();
    while (gone.size < 300) gone.add(rng.nextInt(1000));
    for (const id of gone) ix.delete(id);
    expect(ix.size).toBe(700);
    expectCode(() => ix.delete([...gone][0]), 'NOT_FOUND');
    const r = ix.search(base, 10, { efSearch: 40 });
    for (let i = 0; i < r.ids.length; i++) expect(gone.has(r.ids[i])).toBe(false);
    for (let q = 0; q < 1000; q++) if (!gone.has(q)) expect(r.ids[q * 10]).toBe(q);
  });

  it('delete() takes many ids; all are checked before any is deleted', () => {
    const { ix, base } = build(200);
    ix.delete([3, 1, 4]);
    ix.delete(Int32Array.from([5, 9]));
    ix.delete([]);
    expect(ix.size).toBe(195);
    for (const id of [1, 3, 4, 5, 9]) expect(ix.has(id)).toBe(false);
    const before = ix.serialize();
    expectCode(() => ix.delete([10, 11, 200]), 'INVALID_PARAMETER');
    expectCode(() => ix.delete([10, 11, 10]), 'INVALID_PARAMETER');
    expectCode(() => ix.delete([10, 2.5]), 'INVALID_PARAMETER');
    expectCode(() => ix.delete([10, 3]), 'NOT_FOUND');
    expectCode(() => ix.delete(null as never), 'INVALID_PARAMETER');
    expectCode(() => ix.delete('7' as never), 'INVALID_PARAMETER');
    expect(ix.size).toBe(195);
    expect(ix.has(10)).toBe(true);
    expect(ix.serialize()).toEqual(before);
    const r = ix.search(base.subarray(0, 20 * DIM), 3, { efSearch: 40 });
    for (let i = 0; i < r.ids.length; i++) expect([1, 3, 4, 5, 9]).not.toContain(r.ids[i]);
  });

  it('reconstruct(), levelOf() and neighbors() read one node', () => {
    const { ix, base } = build(100, { metric: 'euclidean' });
    expect(Array.from(ix.reconstruct(42))).toEqual(Array.from(base.subarray(42 * DIM, 43 * DIM)));
    expect(ix.levelOf(ix.entryPoint)).toBe(ix.maxLevel);
    for (let id = 0; id < 100; id++) {
      expect(ix.levelOf(id)).toBeLessThanOrEqual(ix.maxLevel);
      expect(ix.neighbors(id, ix.levelOf(id) + 1).length).toBe(0);
    }
    ix.delete(42);
    expectCode(() => ix.reconstruct(42), 'INVALID_PARAMETER');
    expectCode(() => ix.reconstruct(100), 'INVALID_PARAMETER');
    expectCode(() => ix.levelOf(-1), 'INVALID_PARAMETER');
    expectCode(() => ix.neighbors(100), 'INVALID_PARAMETER');
  });

  it('compact() unlinks deleted nodes and keeps the graph navigable', () => {
    const { ix, base } = build(1000);
    for (let id = 0; id < 1000; id += 3) ix.delete(id);
    ix.delete(ix.entryPoint);
    ix.compact();
    const inv = ix.checkInvariants();
    expect(inv.errors).toEqual([]);
    expect(inv.unreachable).toBe(0);
    for (let id = 0; id < 1000; id += 3) expect(ix.neighbors(id).length).toBe(0);
    // After compact the plain path runs again; deleted ids stay out of the results.
    const r = ix.search(base, 1, { efSearch: 40 });
    for (let q = 0; q < 1000; q++) {
      expect(ix.has(r.ids[q])).toBe(true);
      if (ix.has(q)) expect(r.ids[q]).toBe(q);
    }
  });

  it('deleting everything returns padding', () => {
    const { ix, base } = build(50);
    for (let id = 0; id < 50; id++) ix.delete(id);
    expect(ix.size).toBe(0);
    expect(Array.from(ix.search(base.subarray(0, DIM), 3).ids)).toEqual([-1, -1, -1]);
    ix.compact();
    expect(ix.checkInvariants().ok).toBe(true);
    ix.add(base.subarray(0, 2 * DIM));
    expect(Array.from(ix.search(base.subarray(0, DIM), 3).ids)).toEqual([50, 51, -1]);
  });

  it('many updates keep recall: moving 40% of the points to new places', () => {
    const { base, queries } = clusteredSplit(2000, 100, DIM, 12, 51);
    const ix = new HnswIndex({ dim: DIM, M: 8, efConstruction: 64 });
    ix.add(base);
    const moved = base.slice();
    // New positions from other clusters (another seed): the moved points leave their old region.
    const fresh = clusteredSplit(800, 0, DIM, 12, 51 + 1000).base;
    const rng = new Rng(52);
    for (let i = 0; i < 800; i++) {
      const id = rng.nextInt(2000);
      moved.set(fresh.subarray(i * DIM, (i + 1) * DIM), id * DIM);
      ix.update(id, fresh.subarray(i * DIM, (i + 1) * DIM));
    }
    const inv = ix.checkInvariants();
    expect(inv.errors).toEqual([]);
    expect(inv.unreachable).toBeLessThanOrEqual(2);
    const mixed = new Float32Array([...queries.subarray(0, 50 * DIM), ...fresh.subarray(0, 50 * DIM)]);
    const r = ix.search(mixed, 10, { efSearch: 64 });
    // Observed 1.0 (0.998 without the neighbour repair of update()).
    expect(recallAgainstFlat(moved, mixed, DIM, 10, r.ids)).toBeGreaterThan(0.99);
  });

  it('update() moves a vector: found at the new place, not the old', () => {
    const { ix, base } = build(1000);
    const target = base.slice(500 * DIM, 501 * DIM);
    ix.update(7, target);
    const r = ix.search(target, 2, { efSearch: 64 });
    expect(new Set(Array.from(r.ids))).toEqual(new Set([7, 500]));
    expect(r.distances[0]).toBe(0);
    expect(ix.checkInvariants().ok).toBe(true);
    ix.update(ix.entryPoint, base.slice(0, DIM));
    expect(ix.checkInvariants().ok).toBe(true);
  });
});

describe('HnswIndex: filtered search', () => {
  const { ix, base, queries: q } = build(2000);

  it('bitset helpers', () => {
    const b = createBitset(20);
    bitsetAdd(b, 3);
    bitsetAdd(b, 17);
    expect(bitsetHas(b, 3)).toBe(true);
    expect(bitsetHas(b, 4)).toBe(false);
    expect(bitsetHas(b, 999)).toBe(false);
    expect(bitsetCount(b, 20)).toBe(2);
    expect(bitsetCount(bitsetFromIds([0, 1, 2, 9, 50], 10), 10)).toBe(4);
  });

  for (const share of [0.5, 0.05, 0.002]) {
    it(`returns k allowed results when ${share * 100}% of ids pass (bitset and predicate)`, () => {
      const rng = new Rng(Math.round(share * 1000));
      const allowed: number[] = [];
      for (let id = 0; id < 2000; id++) if (rng.nextDouble() < share) allowed.push(id);
      const ok = new Set(allowed);
      const k = Math.min(10, allowed.length);
      const bits = bitsetFromIds(allowed, 2000);
      for (const filter of [bits, (id: number) => ok.has(id)]) {
        const r = ix.search(q, k, { filter, efSearch: 32 });
        for (let i = 0; i < r.ids.length; i++) {
          expect(r.ids[i]).toBeGreaterThanOrEqual(0);
          expect(ok.has(r.ids[i])).toBe(true);
        }
        // Compare with exact search restricted to the allowed ids.
        const sub = new Float32Array(allowed.length * DIM);
        for (let i = 0; i < allowed.length; i++) sub.set(base.subarray(allowed[i] * DIM, (allowed[i] + 1) * DIM), i * DIM);
        const mapped = new Int32Array(r.ids.length);
        for (let i = 0; i < r.ids.length; i++) mapped[i] = allowed.indexOf(r.ids[i]);
        expect(recallAgainstFlat(sub, q, DIM, k, mapped)).toBeGreaterThan(0.9);
      }
    });
  }

  it('completes a graph search that falls short with a scan (unreachable nodes)', () => {
    // Inner product on raw clustered data: low-norm points lose their in-links (a known MIPS
    // graph effect), so a graph search alone cannot return every allowed id.
    const { base: data, queries: qs } = clusteredSplit(300, 5, DIM, 5, 11);
    const mips = new HnswIndex({ dim: DIM, metric: 'inner-product', M: 6, efConstruction: 40 });
    mips.add(data);
    expect(mips.checkInvariants().unreachable).toBeGreaterThan(0);
    const plain = mips.search(qs, 300, { efSearch: 300 });
    expect(Array.from(plain.ids).filter((id) => id < 0).length).toBeGreaterThan(0);
    const e = mips.explain(qs.subarray(0, DIM), 300, { filter: () => true, efSearch: 300 });
    expect(e.strategy).toBe('graph+scan');
    expect(new Set(Array.from(e.result.ids)).size).toBe(300);
    expect(e.result.ids.includes(-1)).toBe(false);
  });

  it('filter excluding everything gives padding; filter plus deletes', () => {
    const r = ix.search(q.subarray(0, DIM), 3, { filter: () => false });
    expect(Array.from(r.ids)).toEqual([-1, -1, -1]);
    const { ix: ix2 } = build(300);
    for (let id = 0; id < 300; id += 2) ix2.delete(id);
    const r2 = ix2.search(q, 5, { filter: (id) => id % 3 === 0 });
    for (let i = 0; i < r2.ids.length; i++) {
      expect(r2.ids[i] % 2).toBe(1);
      expect(r2.ids[i] % 3).toBe(0);
    }
  });
});

describe('HnswIndex: stats and explain', () => {
  const { ix, queries } = build(2000);
  const q = queries.subarray(0, 10 * DIM);

  it('stats count work without changing results', () => {
    const stats = new HnswSearchStats();
    const plain = ix.search(q, 10, { efSearch: 40 });
    const counted = ix.search(q, 10, { efSearch: 40, stats });
    expect(counted).toEqual(plain);
    expect(stats.queries).toBe(10);
    expect(stats.distanceComputations).toBeGreaterThan(10 * 40);
    expect(stats.distanceComputations).toBeLessThan(10 * 2000);
    expect(stats.hopsPerLayer.length).toBe(ix.maxLevel + 1);
    expect(stats.hopsPerLayer.reduce((a, b) => a + b, 0)).toBe(stats.hops);
  });

  it('explain returns the path per level from the top down', () => {
    const e = ix.explain(q.subarray(0, DIM), 5, { efSearch: 20 });
    expect(e.strategy).toBe('graph');
    expect(e.result).toEqual(ix.search(q.subarray(0, DIM), 5, { efSearch: 20 }));
    expect(e.layers.map((l) => l.level)).toEqual(Array.from({ length: ix.maxLevel + 1 }, (_, i) => ix.maxLevel - i));
    expect(e.layers[0].entry).toBe(ix.entryPoint);
    for (let i = 1; i < e.layers.length; i++) {
      const prev = e.layers[i - 1];
      expect(e.layers[i].entry).toBe(prev.path[prev.path.length - 1]);
    }
    expect(e.layers[e.layers.length - 1].path.length).toBeGreaterThan(0);
  });

  it('a very selective bitset is answered by a scan', () => {
    const e = ix.explain(q.subarray(0, DIM), 3, { filter: bitsetFromIds([1, 2, 3, 4], 2000) });
    expect(e.strategy).toBe('scan');
    expect(Array.from(e.result.ids).sort()).toEqual([1, 2, 3, 4].filter((id) => e.result.ids.includes(id)).sort());
  });
});

describe('HnswIndex: duplicates (hnswlib #263)', () => {
  it('thousands of identical points keep the graph connected and recall high', () => {
    const n = 2000;
    const dups = 2000;
    const { base: rest, queries } = clusteredSplit(n, 100, DIM, 10, 41);
    const data = new Float32Array((n + dups) * DIM);
    // Interleave: a duplicate after every normal point.
    const point = rest.slice(0, DIM);
    for (let i = 0; i < n; i++) {
      data.set(rest.subarray(i * DIM, (i + 1) * DIM), 2 * i * DIM);
      data.set(point, (2 * i + 1) * DIM);
    }
    const ix = new HnswIndex({ dim: DIM, M: 8, efConstruction: 64 });
    ix.add(data);
    const inv = ix.checkInvariants();
    expect(inv.ok).toBe(true);
    expect(inv.unreachable).toBe(0);
    const r = ix.search(queries, 10, { efSearch: 64 });
    expect(recallAgainstFlat(data, queries, DIM, 10, r.ids)).toBeGreaterThan(0.97);
    const atDup = ix.search(point, 10, { efSearch: 64 });
    for (let i = 0; i < 10; i++) expect(atDup.distances[i]).toBe(0);
  });
});
