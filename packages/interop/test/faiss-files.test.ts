/**
 * FAISS files both ways without FAISS installed: the fixtures FAISS wrote
 * (scripts/make-faiss-fixtures.py) load as the matching annlab index and answer FAISS's own
 * queries with FAISS's neighbours (expected.json holds what FAISS returned); annlab writes
 * those same files back byte for byte; annlab → FAISS → annlab round trips keep the bytes
 * (or, where FAISS carries less, the search results); what FAISS cannot carry is refused.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BinaryReader, type AnnIndex, type IndexClass } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { HnswIndex } from '@annlab/hnsw';
import { IvfFlatIndex, IvfPqIndex } from '@annlab/ivfpq';
import { PreTransformIndex } from '@annlab/pca';
import { RpForestIndex } from '@annlab/rpforest';
import { clustered, expectCode } from '@annlab/test-kit';
import { exportFaiss, importFaiss, isFaissFile, readFaiss } from '../src/index.js';
import { packCodes, unpackCodes } from '../src/faiss/annlab-layout.js';
import { readFaissFile, type FaissHnsw } from '../src/faiss/faiss-format.js';

const _classes: IndexClass<FlatIndex | IvfFlatIndex | IvfPqIndex | HnswIndex>[] = [FlatIndex, IvfFlatIndex, IvfPqIndex, HnswIndex];
void _classes;

const dir = new URL('./fixtures/faiss/', import.meta.url);
interface Expected {
  dim: number;
  k: number;
  queries: number[];
  base: number[];
  files: Record<string, { ids: number[]; distances: number[] }>;
}
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Expected;
const dim = expected.dim;
const k = expected.k;
const queries = Float32Array.from(expected.queries);
const base = Float32Array.from(expected.base);
const nq = queries.length / dim;

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`${name}.faiss`, dir)));
}

/**
 * Fraction of (query, rank) slots where annlab and FAISS return the same id; with `dist`
 * (FAISS's distances) an exact tie counts as agreement too, since the two libraries order
 * equal distances differently (annlab by smaller id).
 */
function agreement(a: Int32Array, b: number[], dist?: number[], aDist?: number[]): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) same++;
    else if (dist !== undefined && aDist !== undefined && Math.abs(aDist[i] - dist[i]) <= 1e-5 * (1 + Math.abs(dist[i]))) same++;
  }
  return same / a.length;
}

/** FAISS's distance for annlab's: squared L2, or ⟨q, x⟩ = −(annlab's inner-product distance). */
function asFaiss(d: number, metric: string): number {
  return metric === 'euclidean' ? d * d : -d;
}

describe('FAISS files written by FAISS, read by annlab', () => {
  const cases: [string, string, string, number][] = [
    ['flat-l2', 'IndexFlatL2', 'euclidean', 1],
    ['flat-ip', 'IndexFlatIP', 'inner-product', 1],
    ['ivfflat-l2', 'IndexIVFFlat', 'euclidean', 1],
    ['ivfflat-ip', 'IndexIVFFlat', 'inner-product', 1],
    ['ivfpq-l2', 'IndexIVFPQ', 'euclidean', 1],
    ['ivfpq-ip', 'IndexIVFPQ', 'inner-product', 1],
    ['refine-ivfpq-l2', 'IndexRefineFlat(IndexIVFPQ)', 'euclidean', 1],
    ['hnsw-l2', 'IndexHNSWFlat', 'euclidean', 0.98],
    ['hnsw-ip', 'IndexHNSWFlat', 'inner-product', 0.98],
    ['pca-flat-l2', 'IndexPreTransform(IndexFlatL2)', 'euclidean', 1],
  ];
  for (const [name, type, metric, floor] of cases) {
    it(`${name}: loads as ${type} and answers FAISS's queries with FAISS's neighbours`, () => {
      const { index, params, faissType } = readFaiss(fixture(name));
      expect(faissType).toBe(type);
      expect(index.size).toBe(200);
      expect(index.metric).toBe(metric);
      const res = index.search(queries, k, params as Record<string, unknown>);
      const want = expected.files[name];
      const asF = Array.from(res.distances, (d) => asFaiss(d, metric));
      expect(agreement(res.ids, want.ids, want.distances, asF)).toBeGreaterThanOrEqual(floor);
      // Distances agree (float32 rounding apart) wherever the ids do.
      for (let i = 0; i < nq * k; i++) {
        if (res.ids[i] !== want.ids[i]) continue;
        const d = asFaiss(res.distances[i], metric);
        expect(Math.abs(d - want.distances[i])).toBeLessThanOrEqual(1e-3 * (1 + Math.abs(want.distances[i])));
      }
    });
  }

  it('carries the search settings stored in the files', () => {
    expect(readFaiss(fixture('ivfflat-l2')).params).toEqual({ nprobe: 3 });
    expect(readFaiss(fixture('ivfpq-l2')).params).toEqual({ nprobe: 2 });
    expect(readFaiss(fixture('refine-ivfpq-l2')).params).toEqual({ nprobe: 2, rerank: 4 });
    expect(readFaiss(fixture('hnsw-l2')).params).toEqual({ efSearch: 12 });
    const hnsw = importFaiss(fixture('hnsw-l2')) as HnswIndex;
    expect(hnsw).toBeInstanceOf(HnswIndex);
    expect(hnsw.checkInvariants().ok).toBe(true);
    expect(importFaiss(fixture('pca-flat-l2'))).toBeInstanceOf(PreTransformIndex);
  });

  it('flat data is the vectors FAISS stored', () => {
    const flat = importFaiss(fixture('flat-l2')) as FlatIndex;
    expect(flat.store.view()).toEqual(base);
  });
});

describe('FAISS files written by annlab', () => {
  const settings: Record<string, { nprobe?: number; efSearch?: number; rerank?: number }> = {
    'flat-l2': {},
    'flat-ip': {},
    'ivfflat-l2': { nprobe: 3 },
    'ivfflat-ip': { nprobe: 3 },
    'ivfpq-l2': { nprobe: 2 },
    'ivfpq-ip': { nprobe: 2 },
    'refine-ivfpq-l2': { nprobe: 2, rerank: 4 },
  };
  for (const [name, opts] of Object.entries(settings)) {
    it(`${name}: an imported FAISS file exports back to FAISS's bytes exactly`, () => {
      const bytes = fixture(name);
      expect(exportFaiss(importFaiss(bytes), opts)).toEqual(bytes);
    });
  }

  for (const name of ['hnsw-l2', 'hnsw-ip']) {
    it(`${name}: an imported FAISS file exports back to FAISS's graph exactly`, () => {
      const bytes = fixture(name);
      const tree = readFaissFile(bytes) as FaissHnsw;
      const again = readFaissFile(exportFaiss(importFaiss(bytes), { efSearch: 12 })) as FaissHnsw;
      // assign_probas is FAISS's float32 arithmetic through the C library's exp(): its last
      // bits vary by platform, and it only steers FAISS's own later level draws.
      for (let i = 0; i < tree.assignProbas.length; i++) expect(again.assignProbas[i]).toBeCloseTo(tree.assignProbas[i], 6);
      expect({ ...again, assignProbas: null }).toEqual({ ...tree, assignProbas: null });
    });
  }

  it('pca-flat-l2: exports back to a file that reads as the same index', () => {
    const index = importFaiss(fixture('pca-flat-l2')) as PreTransformIndex;
    const again = importFaiss(exportFaiss(index)) as PreTransformIndex;
    const a = index.search(queries, k);
    const b = again.search(queries, k);
    expect(b.ids).toEqual(a.ids);
    expect(b.distances).toEqual(a.distances);
    // The PCA travels as FAISS stores it (float32 A, mean, eigenvalues; PCAMat with the kept
    // rows only); the eigenvalues of the dropped directions are not carried back.
    expect(again.pca.mean).toEqual(index.pca.mean);
  });

  it('isFaissFile tells FAISS files from annlab files and anything else', () => {
    expect(isFaissFile(fixture('hnsw-l2'))).toBe(true);
    expect(isFaissFile(new FlatIndex({ dim: 2 }).serialize())).toBe(false);
    expect(isFaissFile(new Uint8Array([1, 2]))).toBe(false);
  });
});

/** The sections of an annlab HNSW file after its parameter record. */
function hnswSections(bytes: Uint8Array): unknown[] {
  const r = BinaryReader.open(bytes, 'hnsw');
  const p = r.json<{ M: number }>();
  const vectors = r.f32array();
  const levels = r.u8array();
  const deleted = r.u8array();
  const links0 = Int32Array.from(r.i32array());
  const upperOffset = r.i32array();
  const upperLinks = Int32Array.from(r.i32array());
  // Slots past a list's count hold whatever was there before (never read): clear them.
  const s0 = 1 + 2 * p.M;
  for (let i = 0; i < levels.length; i++) {
    links0.fill(0, i * s0 + 1 + links0[i * s0], (i + 1) * s0);
    for (let l = 1; l <= levels[i]; l++) {
      const b = upperOffset[i] + (l - 1) * (1 + p.M);
      upperLinks.fill(0, b + 1 + upperLinks[b], b + 1 + p.M);
    }
  }
  return [vectors, levels, deleted, links0, upperOffset, upperLinks];
}

describe('annlab → FAISS → annlab', () => {
  const x = clustered(300, dim, 5, 7, { spread: 0.3, centreScale: 2 });
  const q = clustered(20, dim, 5, 8, { spread: 0.3, centreScale: 2 });

  function same(a: AnnIndex, b: AnnIndex, params: Record<string, unknown> = {}): void {
    const ra = a.search(q, 10, params);
    const rb = b.search(q, 10, params);
    expect(rb.ids).toEqual(ra.ids);
    expect(rb.distances).toEqual(ra.distances);
  }

  for (const metric of ['euclidean', 'inner-product', 'cosine'] as const) {
    it(`FlatIndex (${metric}) keeps its bytes`, () => {
      const index = new FlatIndex({ dim, metric });
      index.add(x);
      const back = importFaiss(exportFaiss(index), { metric });
      expect(back.serialize()).toEqual(index.serialize());
    });

    it(`IvfFlatIndex (${metric}) keeps its bytes (default seed and training options)`, () => {
      const index = new IvfFlatIndex({ dim, metric, nlist: 6 });
      index.add(x);
      const back = importFaiss(exportFaiss(index, { nprobe: 2 }), { metric });
      expect(back.serialize()).toEqual(index.serialize());
    });

    it(`HnswIndex (${metric}) keeps its graph and answers alike`, () => {
      const index = new HnswIndex({ dim, metric, M: 5, efConstruction: 40 });
      index.add(x);
      const { index: back, params } = readFaiss(exportFaiss(index, { efSearch: 20 }), { metric });
      expect(params).toEqual({ efSearch: 20 });
      same(index, back, { efSearch: 20 });
      // Every section but the parameter record (seed and level generator: FAISS has neither).
      // (Compared with annlab's own reload: HnswIndex's loader re-normalises cosine rows,
      // which can move their last bit, so even serialize → deserialize is not byte-stable.)
      const own = HnswIndex.deserialize(index.serialize());
      expect(hnswSections(back.serialize())).toEqual(hnswSections(own.serialize()));
      expect((back as HnswIndex).checkInvariants().ok).toBe(true);
    });
  }

  for (const nbits of [8, 5, 3]) {
    it(`IvfPqIndex (nbits ${nbits}) keeps its bytes`, () => {
      const index = new IvfPqIndex({ dim, nlist: 4, m: 4, nbits });
      index.add(clustered(600, dim, 5, 9, { spread: 0.3, centreScale: 2 }));
      const back = importFaiss(exportFaiss(index, { nprobe: 3 }));
      expect(back.serialize()).toEqual(index.serialize());
    });
  }

  it('IvfPqIndex without residuals, inner product, keeps its bytes', () => {
    const index = new IvfPqIndex({ dim, metric: 'inner-product', nlist: 4, m: 2, nbits: 4, byResidual: false });
    index.add(x);
    expect(importFaiss(exportFaiss(index)).serialize()).toEqual(index.serialize());
  });

  it('IvfPqIndex with kept vectors travels as IndexRefineFlat with k_factor = rerank', () => {
    const index = new IvfPqIndex({ dim, nlist: 4, m: 4, nbits: 4, keepVectors: true });
    index.add(x);
    const { index: back, params, faissType } = readFaiss(exportFaiss(index, { nprobe: 2, rerank: 3 }));
    expect(faissType).toBe('IndexRefineFlat(IndexIVFPQ)');
    expect(params).toEqual({ nprobe: 2, rerank: 3 });
    expect(back.serialize()).toEqual(index.serialize());
    // rerank: 0 writes the IVF-PQ alone.
    expect(readFaiss(exportFaiss(index, { rerank: 0 })).faissType).toBe('IndexIVFPQ');
  });

  for (const metric of ['euclidean', 'cosine'] as const) {
    for (const inner of ['flat', 'hnsw', 'ivfpq'] as const) {
      it(`PreTransformIndex (${metric}, inner ${inner}) answers alike after the trip`, () => {
        const index = new PreTransformIndex({
          dim,
          metric,
          components: 4,
          keepVectors: false,
          inner: (o) =>
            inner === 'flat'
              ? new FlatIndex(o)
              : inner === 'hnsw'
                ? new HnswIndex({ ...o, M: 6 })
                : new IvfPqIndex({ ...o, nlist: 4, m: 2, nbits: 4 }),
        });
        index.add(x);
        const { index: back, faissType } = readFaiss(exportFaiss(index, { nprobe: 4 }));
        expect(faissType.startsWith('IndexPreTransform(')).toBe(true);
        expect(back.metric).toBe(metric);
        // The PCA travels as float32 (annlab keeps float64): query projections differ in
        // the last bits, so ids agree and distances agree to float32 precision.
        const params: Record<string, unknown> = inner === 'ivfpq' ? { nprobe: 4 } : inner === 'hnsw' ? { efSearch: 64 } : {};
        const ra = index.search(q, 10, params);
        const rb = back.search(q, 10, params);
        expect(agreement(rb.ids, Array.from(ra.ids))).toBeGreaterThanOrEqual(0.98);
        for (let i = 0; i < ra.distances.length; i++) expect(rb.distances[i]).toBeCloseTo(ra.distances[i], 3);
      });
    }
  }

  it('PreTransformIndex with kept vectors travels as IndexRefineFlat(IndexPreTransform)', () => {
    const index = new PreTransformIndex({ dim, components: 4, inner: (o) => new FlatIndex(o) });
    index.add(x);
    const { index: back, params, faissType } = readFaiss(exportFaiss(index, { rerank: 5 }));
    expect(faissType).toBe('IndexRefineFlat(IndexPreTransform(IndexFlatL2))');
    expect(params).toEqual({ rerank: 5 });
    same(index, back, { rerank: 5 });
  });
});

describe('what FAISS cannot carry is refused', () => {
  const x = clustered(200, dim, 4, 3, { spread: 0.3, centreScale: 2 });

  it('an HNSW index with deleted ids', () => {
    const index = new HnswIndex({ dim, M: 4 });
    index.add(x);
    index.delete(5);
    expectCode(() => exportFaiss(index), 'UNSUPPORTED_OPERATION');
  });

  it('kept vectors without a rerank decision, and rerank without kept vectors', () => {
    const kept = new IvfPqIndex({ dim, nlist: 2, m: 2, nbits: 4, keepVectors: true });
    kept.add(x);
    expectCode(() => exportFaiss(kept), 'UNSUPPORTED_OPERATION');
    const plain = new IvfPqIndex({ dim, nlist: 2, m: 2, nbits: 4 });
    plain.add(x);
    expectCode(() => exportFaiss(plain, { rerank: 2 }), 'UNSUPPORTED_OPERATION');
  });

  it('an untrained IVF index, an inner-product PCA pre-transform, an index type FAISS lacks', () => {
    expectCode(() => exportFaiss(new IvfFlatIndex({ dim, nlist: 2 })), 'UNSUPPORTED_OPERATION');
    const ip = new PreTransformIndex({ dim, metric: 'inner-product', components: 3, keepVectors: false, inner: (o) => new FlatIndex(o) });
    ip.add(x);
    expectCode(() => exportFaiss(ip), 'UNSUPPORTED_OPERATION');
    const forest = new RpForestIndex({ dim, nTrees: 2 });
    forest.add(x);
    expectCode(() => exportFaiss(forest), 'UNSUPPORTED_OPERATION');
  });

  it('bad options', () => {
    const index = new FlatIndex({ dim });
    expectCode(() => exportFaiss(index, { nprobe: 0 }), 'INVALID_PARAMETER');
    expectCode(() => exportFaiss(index, { efsearch: 3 } as never), 'INVALID_PARAMETER');
    expectCode(() => exportFaiss({} as never), 'INVALID_PARAMETER');
    expectCode(() => importFaiss(fixture('flat-l2'), { metric: 'cosine' }), 'INVALID_PARAMETER');
    expectCode(() => importFaiss(fixture('flat-ip'), { metric: 'cosine' }), 'INVALID_PARAMETER'); // not unit vectors
  });

  it('a FAISS file whose labels are not 0..ntotal−1', () => {
    const bytes = fixture('ivfflat-l2');
    // The last 8 bytes are the last id of the last non-empty list: make it out of range.
    const bad = bytes.slice();
    new DataView(bad.buffer).setUint32(bad.length - 8, 5000, true);
    expectCode(() => importFaiss(bad), 'UNSUPPORTED_OPERATION');
  });
});

describe('PQ code packing', () => {
  it('unpack inverts pack for every nbits', () => {
    for (let nbits = 1; nbits <= 8; nbits++) {
      const m = 6;
      const n = 5;
      const codes = new Uint8Array(n * m);
      for (let i = 0; i < codes.length; i++) codes[i] = (i * 37 + 11) % (1 << nbits);
      const packed = packCodes(codes, n, m, nbits);
      expect(packed.length).toBe(n * Math.ceil((m * nbits) / 8));
      expect(unpackCodes(packed, n, m, nbits)).toEqual(codes);
    }
  });
});
