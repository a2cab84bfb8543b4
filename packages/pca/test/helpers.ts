/** Seeded synthetic data and small linear-algebra checks shared by the PCA tests. */
import { Rng } from '@annlab/core';
import { jacobiEigenRef } from '../src/internal/eigen.js';

/**
 * n × dim vectors: mean `offset`, a random orthonormal basis, variance scales[i]² along
 * direction i (0 beyond scales.length), plus isotropic noise of standard deviation `noise`.
 */
export function anisotropic(n: number, dim: number, scales: number[], seed: number, noise = 0, offset = 3): Float32Array {
  const rng = new Rng(seed);
  const basis = randomOrthonormal(scales.length, dim, rng);
  const x = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) x[i * dim + j] = offset * (1 + (j % 3)) + noise * rng.nextGaussian();
    for (let c = 0; c < scales.length; c++) {
      const g = scales[c] * rng.nextGaussian();
      for (let j = 0; j < dim; j++) x[i * dim + j] += g * basis[c * dim + j];
    }
  }
  return x;
}

/** rows × dim orthonormal rows (Gram–Schmidt on Gaussian rows). */
export function randomOrthonormal(rows: number, dim: number, rng: Rng): Float64Array {
  const q = new Float64Array(rows * dim);
  for (let i = 0; i < q.length; i++) q[i] = rng.nextGaussian();
  for (let i = 0; i < rows; i++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < i; p++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += q[i * dim + j] * q[p * dim + j];
        for (let j = 0; j < dim; j++) q[i * dim + j] -= s * q[p * dim + j];
      }
    }
    let nn = 0;
    for (let j = 0; j < dim; j++) nn += q[i * dim + j] ** 2;
    for (let j = 0; j < dim; j++) q[i * dim + j] /= Math.sqrt(nn);
  }
  return q;
}

/** Largest |⟨row a, row b⟩ − δ_ab| over all pairs: 0 for orthonormal rows. */
export function orthonormalityError(rows: Float64Array, k: number, dim: number): number {
  let worst = 0;
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += rows[a * dim + j] * rows[b * dim + j];
      worst = Math.max(worst, Math.abs(s - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

/** Cosines of the principal angles between the row spaces of two k × dim orthonormal matrices, ascending. */
export function principalCosines(u: Float64Array, v: Float64Array, k: number, dim: number): number[] {
  const m = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += u[a * dim + j] * v[b * dim + j];
      m[a * k + b] = s;
    }
  const mtm = new Float64Array(k * k);
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += m[t * k + a] * m[t * k + b];
      mtm[a * k + b] = s;
    }
  const eig = jacobiEigenRef(mtm, k);
  return Array.from(eig.values, (x) => Math.sqrt(Math.max(0, Math.min(1, x)))).sort((a, b) => a - b);
}

/** Sample variance (divisor n − 1) of the data projected on a unit direction. */
export function varianceAlong(x: Float32Array, n: number, dim: number, w: Float64Array, wOff: number): number {
  const proj = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += x[i * dim + j] * w[wOff + j];
    proj[i] = s;
    mean += s;
  }
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (proj[i] - mean) ** 2;
  return v / (n - 1);
}

/** ann-benchmarks recall: a returned id counts when its true distance ≤ the true k-th distance + 1e-3. */
export function thresholdRecall(
  gtDist: Float32Array,
  returned: Int32Array,
  k: number,
  nq: number,
  trueDistance: (q: number, id: number) => number,
): number {
  let hits = 0;
  for (let q = 0; q < nq; q++) {
    const limit = gtDist[q * k + k - 1] + 1e-3;
    for (let i = 0; i < k; i++) {
      const id = returned[q * k + i];
      if (id >= 0 && trueDistance(q, id) <= limit) hits++;
    }
  }
  return hits / (nq * k);
}
