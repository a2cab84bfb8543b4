/**
 * The two PCA fitting procedures, as plain functions over a row-major `n × dim` float32
 * batch: the exact one (blocked covariance, then a dense symmetric eigensolver) and the
 * randomized one (Halko, Martinsson & Tropp 2011). `Pca.train` picks one and stores the
 * result; see `pca.ts` for the module documentation and citations.
 *
 * @module
 */
import { AnnlabError, type KernelBackend, type Rng } from '@annlab/core';
import { matrixKernels } from './matrix-kernels.js';
import { symmetricEigen } from './eigen.js';

/** What a fit produces. */
export interface PcaFit {
  /** Per-feature mean, length dim. */
  mean: Float64Array;
  /** Principal directions, row-major components × dim, unit length, mutually orthogonal. */
  components: Float64Array;
  /** Variance along each direction (covariance eigenvalue, divisor n − 1), descending. */
  eigenvalues: Float64Array;
  /** Total variance: the covariance trace (divisor n − 1). */
  totalVariance: number;
  /** Which matrix kernels ran. */
  backend: 'js' | 'simd';
}

/** Rows per block in the covariance and randomized passes (measured: 128 beats 64 and 256). */
export const FIT_BLOCK = 128;

/** Per-feature mean in float64 (one pass, sums kept per feature). */
export function columnMeans(x: Float32Array, n: number, dim: number): Float64Array {
  const mean = new Float64Array(dim);
  for (let i = 0, off = 0; i < n; i++, off += dim) {
    for (let j = 0; j < dim; j++) mean[j] += x[off + j];
  }
  for (let j = 0; j < dim; j++) mean[j] /= n;
  return mean;
}

/**
 * Copy rows [r0, r0 + rows) of `x`, centred, into `xc` (rows × dim, row-major) and/or its
 * transpose `xct` (dim × rows, feature-major). Returns the block's sum of squared centred
 * values (its contribution to the total variance).
 */
export function centerBlock(
  x: Float32Array,
  r0: number,
  rows: number,
  dim: number,
  mean: Float64Array,
  xc: Float64Array | null,
  xct: Float64Array | null,
): number {
  let ss = 0;
  for (let r = 0; r < rows; r++) {
    const src = (r0 + r) * dim;
    const dst = r * dim;
    for (let j = 0; j < dim; j++) {
      const v = x[src + j] - mean[j];
      ss += v * v;
      if (xc !== null) xc[dst + j] = v;
      if (xct !== null) xct[j * rows + r] = v;
    }
  }
  return ss;
}

/**
 * Fix each direction's sign so that its largest-magnitude entry is positive (the first such
 * entry on ties). Eigenvectors are defined up to sign; this makes results reproducible and
 * the two solvers comparable.
 */
export function fixSigns(vectors: Float64Array, rows: number, dim: number): void {
  for (let c = 0; c < rows; c++) {
    const off = c * dim;
    let best = 0;
    let bestAbs = -1;
    for (let j = 0; j < dim; j++) {
      const a = Math.abs(vectors[off + j]);
      if (a > bestAbs) {
        bestAbs = a;
        best = j;
      }
    }
    if (vectors[off + best] < 0) for (let j = 0; j < dim; j++) vectors[off + j] = -vectors[off + j];
  }
}

/**
 * Exact PCA: C = Xcᵀ Xc / (n − 1) accumulated block by block (each block of FIT_BLOCK rows
 * centred into a feature-major float64 tile, then a register-blocked symmetric rank-k update
 * of C's upper triangle), then the dense symmetric eigensolver.
 */
export function fitExact(x: Float32Array, n: number, dim: number, components: number, kernels: KernelBackend): PcaFit {
  const mean = columnMeans(x, n, dim);
  const mk = matrixKernels(kernels, dim * dim + dim * FIT_BLOCK, 2);
  const cov = mk.alloc(dim * dim);
  const xct = mk.alloc(dim * FIT_BLOCK);
  for (let r0 = 0; r0 < n; r0 += FIT_BLOCK) {
    const rows = Math.min(FIT_BLOCK, n - r0);
    centerBlock(x, r0, rows, dim, mean, null, xct);
    mk.syrkNT(xct, dim, rows, cov, dim);
  }
  const inv = 1 / (n - 1);
  let trace = 0;
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) cov[i * dim + j] *= inv;
    trace += cov[i * dim + i];
  }
  const eig = symmetricEigen(cov, dim, components);
  const eigenvalues = new Float64Array(components);
  for (let c = 0; c < components; c++) eigenvalues[c] = Math.max(0, eig.values[c]);
  fixSigns(eig.vectors, components, dim);
  return { mean, components: eig.vectors, eigenvalues, totalVariance: trace, backend: mk.backend };
}

/**
 * Orthonormalize the `rows` rows of `q` (each of length `len`) in place: modified
 * Gram–Schmidt, run twice ("twice is enough", Giraud et al. 2005) so orthogonality holds to
 * rounding. A row that vanishes (the data has lower rank than the subspace) is replaced by a
 * fresh Gaussian row from `rng` and orthonormalized again.
 */
export function orthonormalizeRows(q: Float64Array, rows: number, len: number, rng: Rng): void {
  for (let i = 0; i < rows; i++) {
    const oi = i * len;
    for (let attempt = 0; ; attempt++) {
      let before = 0;
      for (let t = 0; t < len; t++) before += q[oi + t] * q[oi + t];
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < i; p++) {
          const op = p * len;
          let s = 0;
          for (let t = 0; t < len; t++) s += q[oi + t] * q[op + t];
          for (let t = 0; t < len; t++) q[oi + t] -= s * q[op + t];
        }
      }
      let after = 0;
      for (let t = 0; t < len; t++) after += q[oi + t] * q[oi + t];
      if (after > 1e-24 * before && after > 1e-300) {
        const inv = 1 / Math.sqrt(after);
        for (let t = 0; t < len; t++) q[oi + t] *= inv;
        break;
      }
      if (attempt > 8)
        throw new AnnlabError('INVALID_PARAMETER', "randomized PCA could not complete an orthonormal basis; use solver: 'exact'.");
      for (let t = 0; t < len; t++) q[oi + t] = rng.nextGaussian();
    }
  }
}

/**
 * Randomized PCA (Halko, Martinsson & Tropp 2011): a Gaussian test matrix, `passes − 1`
 * power iterations with re-orthonormalization, then Rayleigh–Ritz on the subspace.
 *
 * Each pass over the data computes Z = Xcᵀ (Xc Q) for the current orthonormal basis Q
 * (l rows of length dim), block by block, without forming Xc: a block of rows is centred,
 * multiplied by Qᵀ, and its contribution Xc_blockᵀ Y_block added to Z. Between passes
 * Q ← orth(Z) (Alg. 4.4 normalizes after each product with A and with Aᵀ; here it is after
 * each product with AᵀA, which only loses directions whose variance is below ε·λ₁ and
 * saves one orthonormalization of an n × l matrix per pass). After the last pass the l × l
 * matrix M = Qᵀ Z = Qᵀ Xcᵀ Xc Q is diagonalized (the small eigenproblem of Alg. 5.1/5.3),
 * and the Ritz vectors Q W are the components.
 */
export function fitRandomized(
  x: Float32Array,
  n: number,
  dim: number,
  components: number,
  l: number,
  powerIterations: number,
  rng: Rng,
  kernels: KernelBackend,
): PcaFit {
  const mean = columnMeans(x, n, dim);
  const mk = matrixKernels(kernels, 2 * l * dim + 2 * FIT_BLOCK * dim + 2 * FIT_BLOCK * l + l * l, 7);
  let qt = mk.alloc(l * dim);
  for (let i = 0; i < qt.length; i++) qt[i] = rng.nextGaussian();
  orthonormalizeRows(qt, l, dim, rng);
  let zt = mk.alloc(l * dim);
  const xc = mk.alloc(FIT_BLOCK * dim);
  const xct = mk.alloc(FIT_BLOCK * dim);
  const y = mk.alloc(FIT_BLOCK * l);
  const yt = mk.alloc(FIT_BLOCK * l);
  let sumSquares = 0;
  const passes = powerIterations + 1;
  for (let pass = 0; pass < passes; pass++) {
    zt.fill(0);
    for (let r0 = 0; r0 < n; r0 += FIT_BLOCK) {
      const rows = Math.min(FIT_BLOCK, n - r0);
      const ss = centerBlock(x, r0, rows, dim, mean, xc, xct);
      if (pass === 0) sumSquares += ss;
      // Y = Xc_block Q  (rows × l)
      y.fill(0, 0, rows * l);
      mk.gemmNT(xc, 0, rows, qt, 0, l, dim, y, 0, l);
      for (let r = 0; r < rows; r++) for (let c = 0; c < l; c++) yt[c * rows + r] = y[r * l + c];
      // Zᵀ += Yᵀ Xc_block  (l × dim)
      mk.gemmNT(yt, 0, l, xct, 0, dim, rows, zt, 0, dim);
    }
    if (pass < passes - 1) {
      const t = qt;
      qt = zt;
      zt = t;
      orthonormalizeRows(qt, l, dim, rng);
    }
  }
  // Rayleigh–Ritz: M = Qᵀ Z (l × l, symmetric up to rounding).
  const m = mk.alloc(l * l);
  mk.gemmNT(qt, 0, l, zt, 0, l, dim, m, 0, l);
  for (let i = 0; i < l; i++) {
    for (let j = i + 1; j < l; j++) {
      const v = 0.5 * (m[i * l + j] + m[j * l + i]);
      m[i * l + j] = v;
      m[j * l + i] = v;
    }
  }
  const eig = symmetricEigen(m, l, components);
  const out = new Float64Array(components * dim);
  for (let c = 0; c < components; c++) {
    for (let a = 0; a < l; a++) {
      const w = eig.vectors[c * l + a];
      if (w === 0) continue;
      const qa = a * dim;
      const oc = c * dim;
      for (let j = 0; j < dim; j++) out[oc + j] += w * qt[qa + j];
    }
  }
  fixSigns(out, components, dim);
  const inv = 1 / (n - 1);
  const eigenvalues = new Float64Array(components);
  for (let c = 0; c < components; c++) eigenvalues[c] = Math.max(0, eig.values[c] * inv);
  return { mean, components: out, eigenvalues, totalVariance: sumSquares * inv, backend: mk.backend };
}
