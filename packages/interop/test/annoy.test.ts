/**
 * Annoy files: the fixtures written by Annoy itself (scripts/make-annoy-fixtures.mjs,
 * make-annoy-dot-fixture.cpp) load and search like Annoy at the same search_k; annlab forests
 * survive annlab → Annoy → annlab; exports refuse what Annoy cannot carry; damaged files are
 * refused.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Metric } from '@annlab/core';
import { RpForestIndex } from '@annlab/rpforest';
import { clusteredSplit, expectCode } from '@annlab/test-kit';
import { describe, expect, it } from 'vitest';
import { annoyLeafCapacity, exportAnnoy, importAnnoy } from '../src/index.js';
import { readAnnlabForest } from '../src/annoy/annlab-layout.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const expected = JSON.parse(readFileSync(join(FIXTURES, 'annoy-expected.json'), 'utf8')) as {
  dim: number;
  k: number;
  queries: number[];
  files: Record<string, { metric: string; results: Record<string, number[]> }>;
};
const METRIC: Record<string, Metric> = { Angular: 'cosine', Euclidean: 'euclidean', dot: 'inner-product' };
const dotLines = readFileSync(join(FIXTURES, 'annoy-dot-expected.txt'), 'utf8').trim().split('\n');
expected.files['annoy-dot.ann'] = {
  metric: 'dot',
  results: Object.fromEntries(['20', '60', '-1'].map((sk, i) => [sk, dotLines[i].trim().split(/\s+/).map(Number)])),
};

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

/** Fraction of result rows (as sets) that agree. */
function agreement(a: ArrayLike<number>, b: ArrayLike<number>, k: number): number {
  let same = 0;
  const rows = a.length / k;
  for (let r = 0; r < rows; r++) {
    const sa = Array.from(a)
      .slice(r * k, r * k + k)
      .sort((x, y) => x - y);
    const sb = Array.from(b)
      .slice(r * k, r * k + k)
      .sort((x, y) => x - y);
    if (sa.join() === sb.join()) same++;
  }
  return same / rows;
}

describe('Annoy files written by Annoy', () => {
  for (const [name, exp] of Object.entries(expected.files)) {
    it(`${name}: same neighbours as Annoy at the same search_k`, () => {
      const index = importAnnoy(fixture(name), { metric: METRIC[exp.metric], dim: expected.dim });
      expect(index.checkInvariants().ok).toBe(true);
      expect(index.nTrees).toBe(5);
      const q = new Float32Array(expected.queries);
      for (const [sk, ids] of Object.entries(exp.results)) {
        const searchK = Number(sk) === -1 ? expected.k * 5 : Number(sk);
        const res = index.search(q, expected.k, { searchK });
        // Annoy computes dot's margin ⟨v, y⟩ + dot_factor² in float32, annlab in float64: a
        // query within rounding of a plane may take the other side first.
        const floor = exp.metric === 'dot' ? 0.9 : 1;
        expect(agreement(res.ids, ids, expected.k), `search_k ${sk}`).toBeGreaterThanOrEqual(floor);
      }
      if (name === 'annoy-euclidean.ann') expect(exportAnnoy(index)).toEqual(fixture(name));
    });
  }

  it('maps holes to deleted ids', () => {
    const index = importAnnoy(fixture('annoy-euclidean-holes.ann'), { metric: 'euclidean', dim: 8 });
    expect(index.idCount).toBe(100);
    expect(index.size).toBe(98);
    expect(index.has(5)).toBe(false);
    expect(index.has(40)).toBe(false);
    expectCode(() => exportAnnoy(index), 'UNSUPPORTED_OPERATION');
  });

  it('angular: re-export searches like the original', () => {
    const index = importAnnoy(fixture('annoy-angular.ann'), { metric: 'cosine', dim: 8 });
    const again = importAnnoy(exportAnnoy(index), { metric: 'cosine', dim: 8 });
    const q = new Float32Array(expected.queries);
    expect(again.search(q, 5, { searchK: 60 }).ids).toEqual(index.search(q, 5, { searchK: 60 }).ids);
  });
});

describe('annlab → Annoy → annlab', () => {
  for (const metric of ['euclidean', 'cosine'] as const) {
    for (const leafSize of [undefined, 4]) {
      it(`${metric}, leafSize ${leafSize ?? 'default'}: the same trees and the same answers`, () => {
        const { base, queries } = clusteredSplit(600, 40, 10, 6, 4, { spread: 0.3, centreScale: 2 });
        const a = new RpForestIndex({ dim: 10, metric, nTrees: 6, seed: 3, ...(leafSize === undefined ? {} : { leafSize }) });
        a.add(base);
        const b = importAnnoy(exportAnnoy(a), { metric, dim: 10, seed: 3 });
        const la = readAnnlabForest(a);
        const lb = readAnnlabForest(b);
        if (metric === 'euclidean') expect(lb.vectors).toEqual(la.vectors);
        else for (let i = 0; i < la.vectors.length; i++) expect(Math.abs(lb.vectors[i] - la.vectors[i])).toBeLessThan(1e-6);
        expect(lb.roots.length).toBe(la.roots.length);
        for (const searchK of [30, 200, 1000]) {
          const ra = a.search(queries, 10, { searchK });
          const rb = b.search(queries, 10, { searchK });
          expect(agreement(rb.ids, ra.ids, 10), `searchK ${searchK}`).toBe(1);
        }
        if (metric === 'euclidean' && leafSize === undefined) expect(exportAnnoy(b)).toEqual(exportAnnoy(a));
      });
    }
  }

  it('refuses what Annoy cannot carry', () => {
    const { base } = clusteredSplit(300, 1, 6, 3, 2);
    const ip = new RpForestIndex({ dim: 6, metric: 'inner-product', nTrees: 2 });
    ip.add(base);
    expect(expectCode(() => exportAnnoy(ip), 'UNSUPPORTED_OPERATION').message).toMatch(/offset/);
    const big = new RpForestIndex({ dim: 6, nTrees: 2, leafSize: 20 });
    big.add(base);
    expect(annoyLeafCapacity('euclidean', 6)).toBe(8);
    expect(expectCode(() => exportAnnoy(big), 'UNSUPPORTED_OPERATION').message).toMatch(/leafSize ≤ 8/);
    const del = new RpForestIndex({ dim: 6, nTrees: 2 });
    del.add(base);
    del.delete(4);
    expect(expectCode(() => exportAnnoy(del), 'UNSUPPORTED_OPERATION').message).toMatch(/id 4 is deleted/);
    expectCode(() => exportAnnoy(new RpForestIndex({ dim: 6 })), 'UNSUPPORTED_OPERATION');
  });
});

describe('damaged and foreign files', () => {
  const good = fixture('annoy-euclidean.ann');

  it('needs metric and dim, and refuses a mismatched one', () => {
    expectCode(() => importAnnoy(good, { metric: 'euclidean' } as never), 'INVALID_PARAMETER');
    expectCode(() => importAnnoy(good, { metric: 'euclidean', dim: 0 }), 'INVALID_PARAMETER');
    expectCode(() => importAnnoy(good, { metric: 'euclidean', dim: 7 }), 'CORRUPT_DATA');
  });

  it('refuses truncated and altered files', () => {
    // Annoy files carry no checksum: dropping whole nodes is seen only when it breaks the trees.
    expectCode(() => importAnnoy(good.subarray(0, good.length - 20 * 48), { metric: 'euclidean', dim: 8 }), 'CORRUPT_DATA');
    expectCode(() => importAnnoy(good.subarray(0, good.length - 1), { metric: 'euclidean', dim: 8 }), 'CORRUPT_DATA');
    expectCode(() => importAnnoy(new Uint8Array(0), { metric: 'euclidean', dim: 8 }), 'CORRUPT_DATA');
    const s = 16 + 4 * 8;
    const nodes = good.length / s;
    // A split's child pointing past the end, and an item's n_descendants of 7.
    const bad = good.slice();
    new DataView(bad.buffer).setInt32((nodes - 1) * s + 8, 1 << 20, true);
    expectCode(() => importAnnoy(bad, { metric: 'euclidean', dim: 8 }), 'CORRUPT_DATA');
    const bad2 = good.slice();
    new DataView(bad2.buffer).setInt32(3 * s, 7, true);
    expectCode(() => importAnnoy(bad2, { metric: 'euclidean', dim: 8 }), 'CORRUPT_DATA');
  });

  it('refuses an annlab file and random bytes', () => {
    const own = new RpForestIndex({ dim: 8 }).serialize();
    expectCode(() => importAnnoy(own, { metric: 'euclidean', dim: 8 }), 'CORRUPT_DATA');
    const noise = new Uint8Array(48 * 30);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    expectCode(() => importAnnoy(noise, { metric: 'euclidean', dim: 8 }), 'CORRUPT_DATA');
  });
});
