import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '@annlab/core';
import { jacobiEigenRef, symmetricEigen, symmetricEigenQl } from '../src/internal/eigen.js';
import { orthonormalityError } from './helpers.js';

function randomSymmetric(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      const v = rng.nextGaussian();
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  return a;
}

/** max_i ‖A v_i − λ_i v_i‖∞ */
function residual(a: Float64Array, n: number, values: Float64Array, vectors: Float64Array, want: number): number {
  let worst = 0;
  for (let c = 0; c < want; c++)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * vectors[c * n + j];
      worst = Math.max(worst, Math.abs(s - values[c] * vectors[c * n + i]));
    }
  return worst;
}

describe('symmetric eigensolver (Householder + implicit QL)', () => {
  it('matches Jacobi rotations on random symmetric matrices (property, seed 7)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const a = randomSymmetric(n, new Rng(seed));
        const ref = jacobiEigenRef(a, n);
        const want = Math.max(1, n >> 1);
        for (const solve of [symmetricEigen, symmetricEigenQl]) {
          const e = solve(Float64Array.from(a), n, want);
          for (let i = 0; i < n; i++) expect(Math.abs(e.values[i] - ref.values[i])).toBeLessThan(1e-10);
          for (let i = 1; i < n; i++) expect(e.values[i]).toBeLessThanOrEqual(e.values[i - 1]);
          expect(residual(a, n, e.values, e.vectors, want)).toBeLessThan(1e-10);
          expect(orthonormalityError(e.vectors, want, n)).toBeLessThan(1e-12);
        }
      }),
      { seed: 7, numRuns: 40 },
    );
  });

  it('inverse iteration separates clusters of (nearly) equal eigenvalues', () => {
    // A random orthogonal similarity of diag(5, 5, 5, 2, 2 + 1e-13, 0, 0, −1): exact clusters
    // and a near-cluster, all eigenvectors wanted.
    const n = 8;
    const lam = [5, 5, 5, 2, 2 + 1e-13, 0, 0, -1];
    const rng = new Rng(11);
    const q = new Float64Array(n * n);
    for (let i = 0; i < q.length; i++) q[i] = rng.nextGaussian();
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < i; p++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += q[i * n + j] * q[p * n + j];
        for (let j = 0; j < n; j++) q[i * n + j] -= s * q[p * n + j];
      }
      let nn = 0;
      for (let j = 0; j < n; j++) nn += q[i * n + j] ** 2;
      for (let j = 0; j < n; j++) q[i * n + j] /= Math.sqrt(nn);
    }
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let c = 0; c < n; c++) s += q[c * n + i] * lam[c] * q[c * n + j];
        a[i * n + j] = s;
      }
    const e = symmetricEigen(Float64Array.from(a), n, n);
    expect(residual(a, n, e.values, e.vectors, n)).toBeLessThan(1e-12);
    expect(orthonormalityError(e.vectors, n, n)).toBeLessThan(1e-12);
    for (let i = 0; i < n; i++) expect(e.values[i]).toBeCloseTo([5, 5, 5, 2, 2, 0, 0, -1][i], 12);
  });

  it('handles diagonal, repeated and zero eigenvalues', () => {
    const n = 6;
    const diag = new Float64Array(n * n);
    for (const [i, v] of [3, 1, 3, 0, -2, 1].entries()) diag[i * n + i] = v;
    const e = symmetricEigen(Float64Array.from(diag), n, n);
    expect(Array.from(e.values)).toEqual([3, 3, 1, 1, 0, -2]);
    expect(residual(diag, n, e.values, e.vectors, n)).toBeLessThan(1e-14);
    expect(orthonormalityError(e.vectors, n, n)).toBeLessThan(1e-14);
    const zero = symmetricEigen(new Float64Array(9), 3, 3);
    expect(Array.from(zero.values)).toEqual([0, 0, 0]);
    expect(orthonormalityError(zero.vectors, 3, 3)).toBeLessThan(1e-15);
  });

  it('Jacobi reference is itself correct on a known 2 × 2 case', () => {
    // [[2, 1], [1, 2]] has eigenvalues 3 (along (1,1)/√2) and 1 (along (1,−1)/√2).
    const ref = jacobiEigenRef(new Float64Array([2, 1, 1, 2]), 2);
    expect(ref.values[0]).toBeCloseTo(3, 14);
    expect(ref.values[1]).toBeCloseTo(1, 14);
    expect(Math.abs(ref.vectors[0])).toBeCloseTo(Math.SQRT1_2, 14);
    expect(ref.vectors[0] * ref.vectors[1]).toBeGreaterThan(0);
  });
});
