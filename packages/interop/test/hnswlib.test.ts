/**
 * hnswlib files: the fixtures written by hnswlib itself (scripts/make-hnswlib-fixtures.py)
 * load, search like hnswlib and write back byte for byte; annlab indexes survive annlab →
 * hnswlib → annlab; damaged and foreign files are refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BinaryReader, type Metric } from '@annlab/core';
import { HnswIndex } from '@annlab/hnsw';
import { clusteredSplit, expectCode } from '@annlab/test-kit';
import { describe, expect, it } from 'vitest';
import { exportHnswlib, importHnswlib, isHnswlibFile } from '../src/index.js';
import { readAnnlabHnsw } from '../src/hnswlib/annlab-layout.js';
import { parseHnswlib } from '../src/hnswlib/hnswlib-file.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'hnswlib-expected.json'), 'utf8')) as {
  dim: number;
  k: number;
  ef: number;
  queries: number[];
  files: Record<string, { space: string; labels: number[] }>;
};
const METRIC: Record<string, Metric> = { l2: 'euclidean', ip: 'inner-product', cosine: 'cosine' };

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

/** Vectors equal to float32 rounding (a unit vector normalised again). */
function closeVectors(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThan(1e-6);
}

/** Two hnswlib files with the same header, graph and labels, and vectors equal to rounding. */
function sameUpToRenormalisation(a: Uint8Array, b: Uint8Array): void {
  expect(a.length).toBe(b.length);
  const ga = parseHnswlib(a);
  const gb = parseHnswlib(b);
  expect(a.subarray(0, 96)).toEqual(b.subarray(0, 96));
  for (const key of ['labels', 'levels', 'deleted', 'links0', 'upperLinks', 'upperOffset'] as const) expect(ga[key]).toEqual(gb[key]);
  closeVectors(ga.vectors, gb.vectors);
}

describe('hnswlib files written by hnswlib', () => {
  for (const [name, exp] of Object.entries(expected.files)) {
    it(`${name}: same neighbours as hnswlib at ef ${expected.ef}, and writes back byte for byte`, () => {
      const bytes = fixture(name);
      expect(isHnswlibFile(bytes)).toBe(true);
      const { index, labels } = importHnswlib(bytes, { metric: METRIC[exp.space] });
      expect(index.dim).toBe(expected.dim);
      expect(index.checkInvariants().ok).toBe(true);
      const q = new Float32Array(expected.queries);
      const res = index.search(q, expected.k, { efSearch: expected.ef });
      const got = Array.from(res.ids, (id) => (labels === null ? id : labels[id]));
      expect(got).toEqual(exp.labels);
      const back = exportHnswlib(index, labels === null ? {} : { labels });
      if (exp.space === 'cosine') sameUpToRenormalisation(back, bytes);
      else expect(back).toEqual(bytes);
    });
  }

  it('keeps non-dense labels beside dense ids and carries deletions', () => {
    const { index, labels } = importHnswlib(fixture('hnswlib-l2-sparse-deleted.bin'), { metric: 'euclidean' });
    expect(labels).not.toBeNull();
    expect(labels![5]).toBe(1000 + 7 * 5);
    expect(index.idCount).toBe(100);
    expect(index.size).toBe(97);
    expect(index.has(3)).toBe(false);
    expect(index.has(4)).toBe(true);
  });
});

describe('annlab → hnswlib → annlab', () => {
  for (const metric of ['euclidean', 'inner-product', 'cosine'] as const) {
    it(`${metric}: the same graph and the same answers`, () => {
      const { base, queries } = clusteredSplit(400, 30, 12, 6, 3, { spread: 0.3, centreScale: 2 });
      const a = new HnswIndex({ dim: 12, metric, M: 8, efConstruction: 60, seed: 5 });
      a.add(base);
      a.delete([7, 100]);
      const file = exportHnswlib(a);
      expect(isHnswlibFile(file)).toBe(true);
      const { index: b, labels } = importHnswlib(file, { metric, seed: 5 });
      expect(labels).toBeNull();
      const la = readAnnlabHnsw(a);
      const lb = readAnnlabHnsw(b);
      for (const key of ['levels', 'deleted', 'links0'] as const) expect(lb[key]).toEqual(la[key]);
      if (metric === 'cosine') closeVectors(lb.vectors, la.vectors);
      else expect(lb.vectors).toEqual(la.vectors);
      expect(lb.entryPoint).toBe(la.entryPoint);
      expect(lb.live).toBe(la.live);
      const ra = a.search(queries, 10, { efSearch: 40 });
      const rb = b.search(queries, 10, { efSearch: 40 });
      expect(rb.ids).toEqual(ra.ids);
      expect(rb.distances).toEqual(ra.distances);
      // hnswlib → annlab → hnswlib is exact (cosine: annlab's loader normalises the unit
      // vectors once more, which can move their last bit).
      if (metric === 'cosine') sameUpToRenormalisation(exportHnswlib(b), file);
      else expect(exportHnswlib(b)).toEqual(file);
    });
  }

  it('writes the given labels', () => {
    const { base } = clusteredSplit(50, 1, 4, 2, 9);
    const a = new HnswIndex({ dim: 4, M: 4, seed: 1 });
    a.add(base);
    const labels = Array.from({ length: 50 }, (_, i) => 10 * i + 3);
    const { labels: back } = importHnswlib(exportHnswlib(a, { labels }), { metric: 'euclidean' });
    expect(Array.from(back!)).toEqual(labels);
    expectCode(() => exportHnswlib(a, { labels: labels.slice(1) }), 'INVALID_PARAMETER');
    expectCode(() => exportHnswlib(a, { labels: labels.map(() => 1) }), 'INVALID_PARAMETER');
  });

  it('exports a quantized index as its float32 graph (the codes have no place in hnswlib files)', () => {
    const { base } = clusteredSplit(300, 1, 16, 5, 4, { spread: 0.3, centreScale: 2 });
    const q = new HnswIndex({ dim: 16, M: 8, efConstruction: 60, seed: 3, quantizer: 'sq8' });
    const f = new HnswIndex({ dim: 16, M: 8, efConstruction: 60, seed: 3 });
    q.add(base);
    f.add(base);
    expect(exportHnswlib(q)).toEqual(exportHnswlib(f));
    const lq = readAnnlabHnsw(q);
    expect(lq.links0).toEqual(readAnnlabHnsw(f).links0);
  });

  it('exports an empty index', () => {
    const a = new HnswIndex({ dim: 3 });
    const { index } = importHnswlib(exportHnswlib(a), { metric: 'euclidean' });
    expect(index.idCount).toBe(0);
    expect(index.search(new Float32Array(3), 2).ids).toEqual(new Int32Array([-1, -1]));
  });
});

describe('damaged and foreign files', () => {
  const good = fixture('hnswlib-l2.bin');

  it('needs the metric and checks dim', () => {
    expectCode(() => importHnswlib(good, undefined as never), 'INVALID_PARAMETER');
    expectCode(() => importHnswlib(good, { metric: 'hamming' as never }), 'INVALID_PARAMETER');
    expectCode(() => importHnswlib(good, { metric: 'euclidean', dim: 9 }), 'DIMENSION_MISMATCH');
  });

  it('refuses truncated, extended and altered files', () => {
    expectCode(() => importHnswlib(good.subarray(0, 50), { metric: 'euclidean' }), 'CORRUPT_DATA');
    expectCode(() => importHnswlib(good.subarray(0, good.length - 1), { metric: 'euclidean' }), 'CORRUPT_DATA');
    const longer = new Uint8Array(good.length + 4);
    longer.set(good);
    expectCode(() => importHnswlib(longer, { metric: 'euclidean' }), 'CORRUPT_DATA');
    for (const off of [0, 24, 40, 48, 52, 56, 64]) {
      const bad = good.slice();
      bad[off] ^= 0x41;
      expectCode(() => importHnswlib(bad, { metric: 'euclidean' }), 'CORRUPT_DATA');
    }
    // A link to an element that does not exist.
    const bad = good.slice();
    new DataView(bad.buffer).setUint32(96 + 4, 5000, true);
    expectCode(() => importHnswlib(bad, { metric: 'euclidean' }), 'CORRUPT_DATA');
    // A link count above maxM0_.
    const bad2 = good.slice();
    new DataView(bad2.buffer).setUint16(96, 60, true);
    expectCode(() => importHnswlib(bad2, { metric: 'euclidean' }), 'CORRUPT_DATA');
  });

  it('refuses an annlab file and random bytes', () => {
    const a = new HnswIndex({ dim: 8 });
    const own = a.serialize();
    expect(BinaryReader.peekHeader(own).tag).toBe('hnsw');
    expect(isHnswlibFile(own)).toBe(false);
    expectCode(() => importHnswlib(own, { metric: 'euclidean' }), 'CORRUPT_DATA');
    const noise = new Uint8Array(4096);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    expect(isHnswlibFile(noise)).toBe(false);
    expectCode(() => importHnswlib(noise, { metric: 'euclidean' }), 'CORRUPT_DATA');
  });
});
