import { describe, expect, it } from 'vitest';
import { Rng } from '@annlab/core';
import { createSplitInto, marginOf, twoMeans } from '@annlab/rpforest';

const NONE = new Float32Array(0);

describe('two-means split', () => {
  it('separates two well-separated clusters with a plane through the middle', () => {
    const dim = 3;
    const rng = new Rng(1);
    const n = 200;
    const data = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const c = i < n / 2 ? -5 : 5;
      for (let j = 0; j < dim; j++) data[i * dim + j] = c + 0.3 * rng.nextGaussian();
    }
    const items = Int32Array.from({ length: n }, (_, i) => i);
    const p = new Float64Array(dim);
    const q = new Float64Array(dim);
    twoMeans(data, dim, NONE, items, 0, n, new Rng(2), false, p, q);
    const normals = new Float32Array(dim);
    const offset = createSplitInto(p, q, dim, false, normals, 0);
    let norm2 = 0;
    for (let j = 0; j < dim; j++) norm2 += normals[j] * normals[j];
    expect(norm2).toBeCloseTo(1, 5);
    const firstSide = Math.sign(marginOf(normals, 0, offset, data, dim, NONE, 0));
    for (let i = 0; i < n; i++) {
      const side = Math.sign(marginOf(normals, 0, offset, data, dim, NONE, i));
      expect(side).toBe(i < n / 2 ? firstSide : -firstSide);
    }
  });

  it('the Euclidean plane passes through the midpoint of the centroids; cosine planes through the origin', () => {
    const dim = 4;
    const p = Float64Array.from([1, 2, 3, 4]);
    const q = Float64Array.from([-1, 0, 3, 2]);
    const normals = new Float32Array(dim);
    const offset = createSplitInto(p, q, dim, false, normals, 0);
    const mid = Float32Array.from([0, 1, 3, 3]);
    expect(marginOf(normals, 0, offset, mid, dim, NONE, 0)).toBeCloseTo(0, 6);
    expect(marginOf(normals, 0, offset, Float32Array.from(p), dim, NONE, 0)).toBeGreaterThan(0);
    expect(createSplitInto(p, q, dim, true, normals, 0)).toBe(0);
  });

  it('equal centroids give an all-zero normal (every margin 0)', () => {
    const p = Float64Array.from([1, 1]);
    const normals = new Float32Array(2).fill(9);
    expect(createSplitInto(p, p.slice(), 2, false, normals, 0)).toBe(0);
    expect(Array.from(normals)).toEqual([0, 0]);
  });

  it('uses the augmented component when one is given', () => {
    const dim = 2;
    const data = Float32Array.from([1, 0, 1, 0]);
    const extra = Float32Array.from([0, 3]);
    const normals = Float32Array.from([0, 0, 1]);
    expect(marginOf(normals, 0, 0, data, dim, extra, 0)).toBe(0);
    expect(marginOf(normals, 0, 0.5, data, dim, extra, 1)).toBe(3.5);
  });
});
