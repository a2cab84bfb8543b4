import { describe, expect, it } from 'vitest';
import { Rng } from '@annlab/core';
import { gemmNT, gemmNTRef, syrkNT, syrkNTRef } from '../src/internal/gemm.js';

function randomArray(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.nextGaussian();
  return a;
}

describe('blocked matrix kernels', () => {
  it('gemmNT equals the triple loop for every edge shape, with offsets and row stride', () => {
    const rng = new Rng(1);
    for (const [m, n, len] of [
      [1, 1, 1],
      [2, 5, 3],
      [3, 3, 7],
      [4, 7, 1],
      [7, 8, 13],
      [9, 10, 64],
    ]) {
      const a = randomArray(5 + m * len, rng);
      const b = randomArray(3 + n * len, rng);
      const ldc = n + 2;
      const c1 = randomArray(1 + m * ldc, rng);
      const c2 = Float64Array.from(c1);
      gemmNT(a, 5, m, b, 3, n, len, c1, 1, ldc);
      gemmNTRef(a, 5, m, b, 3, n, len, c2, 1, ldc);
      for (let i = 0; i < c1.length; i++) expect(c1[i]).toBeCloseTo(c2[i], 10);
    }
  });

  it('syrkNT equals the reference on the upper triangle', () => {
    const rng = new Rng(2);
    for (const [m, len] of [
      [1, 4],
      [2, 3],
      [3, 5],
      [5, 2],
      [8, 9],
      [12, 33],
    ]) {
      const a = randomArray(m * len, rng);
      const c1 = new Float64Array(m * m);
      const c2 = new Float64Array(m * m);
      syrkNT(a, m, len, c1, m);
      syrkNTRef(a, m, len, c2, m);
      for (let i = 0; i < m; i++) for (let j = i; j < m; j++) expect(c1[i * m + j]).toBeCloseTo(c2[i * m + j], 10);
    }
  });
});
