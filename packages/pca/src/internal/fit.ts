/**
 * The two PCA fitting procedures, as plain functions over a row-major `n × dim` float32
 * batch: the exact one (blocked covariance, then a dense symmetric eigensolver) and the
 * randomized one (Halko, Martinsson & Tropp 2011). `Pca.train` picks one and stores the
 * result; see `pca.ts` for the module documentation and citations.
 *
 * Each procedure is written once, as a generator ({@link exactSteps},
 * {@link randomizedSteps}) that yields every pass over the data it needs (`row-pass.ts`: the
 * means, the covariance / Gram matrix, the streaming products) and continues once its driver
 * has filled the pass's output. {@link fitExact} and {@link fitRandomized} drive it in the
 * calling thread ({@link runFitInline}); `Pca.trainAsync` drives it on a worker pool
 * (`parallel-pass.ts`). Everything between the passes (orthonormalization, the small
 * eigenproblems) runs on the calling thread either way, so both drivers give the same bits.
 *
 * @module
 */
import { AnnlabError, type KernelBackend, type Rng } from '@annlab/core';
import { matrixBackend } from './matrix-kernels.js';
import { symmetricEigen } from './eigen.js';
import { PASS_BLOCK } from './blocks.js';
import { EMPTY, FLOAT32_MIN_WORK, meanFromSums, streamPassKind } from './data-pass.js';
import { gemmNT } from './gemm.js';
import { GramPass, gramIsCheaper, gramPassKind } from './gram.js';
import { type RowPass, rowPass, runRowPassInline } from './row-pass.js';

/** A fit as a generator: it yields each pass over the data and returns the fit. */
export type FitSteps = Generator<RowPass, PcaFit, void>;

/** Drive a fit in the calling thread: each pass chunk by chunk ({@link runRowPassInline}). */
export function runFitInline(steps: FitSteps, x: Float32Array, n: number): PcaFit {
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done === true) return r.value;
    runRowPassInline(x, n, r.value);
  }
}

/** The per-feature mean: one `sums` pass. */
function* meanStep(n: number, dim: number): Generator<RowPass, Float64Array, void> {
  const pass = rowPass('sums', 'js', dim, 0, EMPTY, EMPTY);
  yield pass;
  return meanFromSums(pass.out, n);
}

/** Which way the randomized solver multiplies by Xcᵀ Xc: see {@link fitRandomized}. */
export type RandomizedRoute = 'auto' | 'gram' | 'stream';

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
export const FIT_BLOCK: number = PASS_BLOCK;

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
 * of C's upper triangle; the `gram64` pass), then the dense symmetric eigensolver.
 */
export function fitExact(x: Float32Array, n: number, dim: number, components: number, kernels: KernelBackend): PcaFit {
  return runFitInline(exactSteps(n, dim, components, kernels), x, n);
}

/** {@link fitExact} as a generator of its two passes (means, covariance). */
export function* exactSteps(n: number, dim: number, components: number, kernels: KernelBackend): FitSteps {
  const mean = yield* meanStep(n, dim);
  const backend = matrixBackend(kernels, dim * dim + dim * FIT_BLOCK, 2);
  const pass = rowPass('gram64', backend, dim, 0, mean, EMPTY);
  yield pass;
  const cov = pass.out.subarray(0, dim * dim);
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
  return { mean, components: eig.vectors, eigenvalues, totalVariance: trace, backend };
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
 * power iterations with re-orthonormalization, then the small eigenproblem on the subspace.
 *
 * Each pass over the data computes Z = Xcᵀ (Xc Q) for the current basis Q (l rows of length
 * dim), block by block, without forming Xc (`data-pass.ts`: float64 TypeScript or float32
 * WebAssembly SIMD). Between passes Q ← orth(Z) (Alg. 4.4 normalizes after each product with
 * A and with Aᵀ; here it is after each product with AᵀA, which only loses directions whose
 * variance is below ε·λ₁ and saves one orthonormalization of an n × l matrix per pass).
 * After the last pass, {@link ritzFromPass} solves the l × l problem (Alg. 5.1) from Q and Z
 * alone. `float32MinWork` is the product size from which the float32 pass runs (see
 * `dataPass`; tests lower it to exercise that pass on small data).
 *
 * `route` picks how the products with Xcᵀ Xc are taken: `'stream'` streams the batch once per
 * pass (`data-pass.ts`), `'gram'` forms C = Xcᵀ Xc once and multiplies by it (`gram.ts`),
 * `'auto'` takes the one with fewer multiply-adds ({@link gramIsCheaper}). Both run the same
 * iteration from the same seeded test matrix.
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
  float32MinWork: number = FLOAT32_MIN_WORK,
  route: RandomizedRoute = 'auto',
): PcaFit {
  return runFitInline(randomizedSteps(n, dim, components, l, powerIterations, rng, kernels, float32MinWork, route), x, n);
}

/**
 * {@link fitRandomized} as a generator of its passes: the means, then either the Gram
 * matrix once (the products with it run here) or one streaming pass per power iteration.
 */
export function* randomizedSteps(
  n: number,
  dim: number,
  components: number,
  l: number,
  powerIterations: number,
  rng: Rng,
  kernels: KernelBackend,
  float32MinWork: number = FLOAT32_MIN_WORK,
  route: RandomizedRoute = 'auto',
): FitSteps {
  const passes = powerIterations + 1;
  const useGram = route === 'gram' || (route === 'auto' && gramIsCheaper(n, dim, l, passes));
  const mean = yield* meanStep(n, dim);
  let gram: GramPass | null = null;
  let stream: { kind: 'project32' | 'project64'; backend: 'js' | 'simd' } = { kind: 'project64', backend: 'js' };
  let sumSquares = 0;
  let backend: 'js' | 'simd';
  if (useGram) {
    const plan = gramPassKind(kernels, n, dim, l, float32MinWork);
    const mk = GramPass.kernelsFor(kernels, dim, l);
    const pass = rowPass(plan.kind, plan.backend, dim, 0, mean, EMPTY, mk.alloc(dim * dim + 1));
    yield pass;
    gram = new GramPass(mk, pass.out, plan.kind, mean, dim, l);
    sumSquares = gram.sumSquares;
    backend = gram.backend;
  } else {
    stream = streamPassKind(kernels, n, dim, l, float32MinWork);
    backend = stream.backend;
  }
  let qt = new Float64Array(l * dim);
  for (let i = 0; i < qt.length; i++) qt[i] = rng.nextGaussian();
  orthonormalizeRows(qt, l, dim, rng);
  let zt = new Float64Array(l * dim);
  for (let p = 0; p < passes; p++) {
    if (gram !== null) {
      gram.multiply(qt, zt);
    } else {
      // The float32 pass multiplies Q rounded to float32: round it here, so the Ritz step
      // below uses exactly the basis whose product it holds.
      if (stream.kind === 'project32') for (let i = 0; i < qt.length; i++) qt[i] = Math.fround(qt[i]);
      const pass = rowPass(stream.kind, stream.backend, dim, l, mean, qt);
      yield pass;
      zt.set(pass.out.subarray(0, l * dim));
      if (p === 0) sumSquares = pass.out[l * dim];
    }
    if (p < passes - 1) {
      const t = qt;
      qt = zt;
      zt = t;
      orthonormalizeRows(qt, l, dim, rng);
    }
  }
  const ritz = ritzFromPass(qt, zt, l, dim, components);
  // Directions are orthonormal up to rounding of the l × l solves (or, on the Rayleigh–Ritz
  // fallback, of the float32-rounded basis); one Gram–Schmidt sweep makes it exact to 1e-15.
  orthonormalizeRows(ritz.vectors, components, dim, rng);
  fixSigns(ritz.vectors, components, dim);
  const inv = 1 / (n - 1);
  const eigenvalues = new Float64Array(components);
  for (let c = 0; c < components; c++) eigenvalues[c] = Math.max(0, ritz.values[c] * inv);
  return { mean, components: ritz.vectors, eigenvalues, totalVariance: sumSquares * inv, backend };
}

/** Cholesky pivots below this fraction of the largest diagonal entry mean Xc Q is (nearly) rank-deficient. */
const RANK_TOLERANCE = 1e-10;

/**
 * The small eigenproblem after the last pass, from the basis Q (l × dim rows, not
 * necessarily orthonormal: the float32 pass rounds it) and Z = C Q, C = Xcᵀ Xc. Returns the
 * `components` leading directions (rows) and their values (of C, not yet divided by n − 1).
 *
 * Derivation. scikit-learn finishes with P = orth(Xc Q) (n × l) and the SVD of B = Pᵀ Xc,
 * whose right singular vectors lie in the span of Xcᵀ P = span(C Q): half a power iteration
 * beyond Q, at the price of one more pass over the data. Both small matrices it needs come
 * from Q and Z without touching the data: with M = Qᵀ Z = (Xc Q)ᵀ (Xc Q) = Rᵀ R (Cholesky),
 * P = Xc Q R⁻¹ and B = R⁻ᵀ Zᵀ, so B Bᵀ = R⁻ᵀ (Zᵀ Z) R⁻¹ = W Σ² Wᵀ, and the directions are
 * the rows of Σ⁻¹ Wᵀ B, i.e. v_c = Z R⁻¹ w_c / σ_c, with values σ_c².
 *
 * When Xc Q is rank-deficient (data of lower rank than l: M singular) this falls back to
 * Rayleigh–Ritz on Q (eigen-decompose M = Qᵀ C Q, directions Q w_c), which needs no inverse.
 */
export function ritzFromPass(
  qt: Float64Array,
  zt: Float64Array,
  l: number,
  dim: number,
  components: number,
): { vectors: Float64Array; values: Float64Array } {
  const m = new Float64Array(l * l);
  gemmNT(qt, 0, l, zt, 0, l, dim, m, 0, l);
  for (let i = 0; i < l; i++) {
    for (let j = i + 1; j < l; j++) {
      const v = 0.5 * (m[i * l + j] + m[j * l + i]);
      m[i * l + j] = v;
      m[j * l + i] = v;
    }
  }
  const r = choleskyUpper(m, l);
  if (r === null) return rayleighRitz(qt, m, l, dim, components);
  // H = R⁻ᵀ G R⁻¹ with G = Zᵀ Z.
  const h = new Float64Array(l * l);
  gemmNT(zt, 0, l, zt, 0, l, dim, h, 0, l);
  solveUpperRight(r, l, h); // h ← G R⁻¹
  solveUpperTransposedLeft(r, l, h); // h ← R⁻ᵀ G R⁻¹
  for (let i = 0; i < l; i++) {
    for (let j = i + 1; j < l; j++) {
      const v = 0.5 * (h[i * l + j] + h[j * l + i]);
      h[i * l + j] = v;
      h[j * l + i] = v;
    }
  }
  const eig = symmetricEigen(h, l, components);
  const vectors = new Float64Array(components * dim);
  const u = new Float64Array(l);
  for (let c = 0; c < components; c++) {
    const s2 = eig.values[c];
    if (!(s2 > 0)) return rayleighRitz(qt, m, l, dim, components);
    // u = R⁻¹ w_c (back substitution), then v_c = Z u / σ_c.
    for (let a = l - 1; a >= 0; a--) {
      let s = eig.vectors[c * l + a];
      for (let b = a + 1; b < l; b++) s -= r[a * l + b] * u[b];
      u[a] = s / r[a * l + a];
    }
    const inv = 1 / Math.sqrt(s2);
    const oc = c * dim;
    for (let a = 0; a < l; a++) {
      const w = u[a] * inv;
      const za = a * dim;
      for (let j = 0; j < dim; j++) vectors[oc + j] += w * zt[za + j];
    }
  }
  return { vectors, values: eig.values };
}

/** Rayleigh–Ritz on the rows of Q: eigen-decompose M = Qᵀ C Q (`m`, symmetric), directions Q w_c. */
function rayleighRitz(
  qt: Float64Array,
  m: Float64Array,
  l: number,
  dim: number,
  components: number,
): { vectors: Float64Array; values: Float64Array } {
  const eig = symmetricEigen(Float64Array.from(m), l, components);
  const vectors = new Float64Array(components * dim);
  for (let c = 0; c < components; c++) {
    for (let a = 0; a < l; a++) {
      const w = eig.vectors[c * l + a];
      if (w === 0) continue;
      const qa = a * dim;
      const oc = c * dim;
      for (let j = 0; j < dim; j++) vectors[oc + j] += w * qt[qa + j];
    }
  }
  return { vectors, values: eig.values };
}

/**
 * Upper-triangular R with Rᵀ R = M (M symmetric l × l, row-major), or null when a pivot is
 * at most RANK_TOLERANCE times the largest diagonal entry (M not safely positive definite).
 */
export function choleskyUpper(m: Float64Array, l: number): Float64Array | null {
  let top = 0;
  for (let i = 0; i < l; i++) top = Math.max(top, m[i * l + i]);
  if (!(top > 0)) return null;
  const r = new Float64Array(l * l);
  for (let i = 0; i < l; i++) {
    let d = m[i * l + i];
    for (let p = 0; p < i; p++) d -= r[p * l + i] * r[p * l + i];
    if (!(d > RANK_TOLERANCE * top)) return null;
    const rii = Math.sqrt(d);
    r[i * l + i] = rii;
    for (let j = i + 1; j < l; j++) {
      let s = m[i * l + j];
      for (let p = 0; p < i; p++) s -= r[p * l + i] * r[p * l + j];
      r[i * l + j] = s / rii;
    }
  }
  return r;
}

/** `h ← h R⁻¹` in place (h is l × l, R upper triangular): solve X R = h row by row. */
function solveUpperRight(r: Float64Array, l: number, h: Float64Array): void {
  for (let i = 0; i < l; i++) {
    const hi = i * l;
    for (let j = 0; j < l; j++) {
      let s = h[hi + j];
      for (let p = 0; p < j; p++) s -= h[hi + p] * r[p * l + j];
      h[hi + j] = s / r[j * l + j];
    }
  }
}

/** `h ← R⁻ᵀ h` in place (h is l × l, R upper triangular): solve Rᵀ X = h column by column. */
function solveUpperTransposedLeft(r: Float64Array, l: number, h: Float64Array): void {
  for (let j = 0; j < l; j++) {
    for (let i = 0; i < l; i++) {
      let s = h[i * l + j];
      for (let p = 0; p < i; p++) s -= r[p * l + i] * h[p * l + j];
      h[i * l + j] = s / r[i * l + i];
    }
  }
}
