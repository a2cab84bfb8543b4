/**
 * Eigenvalues and eigenvectors of a dense symmetric matrix: Householder reduction to
 * tridiagonal form, then the implicit QL algorithm with Wilkinson-style shifts on the
 * tridiagonal matrix, then back-transformation of the wanted eigenvectors.
 *
 * Method: Golub & Van Loan, "Matrix Computations" (4th ed., 2013), §8.3.1 (Householder
 * tridiagonalization) and §8.3.5 (implicit symmetric QR step; QL is the same iteration run
 * from the bottom of the matrix); the EISPACK routines tred2/tql2 (Martin, Reinsch &
 * Wilkinson 1968; Bowdler et al. 1968) as presented in Press et al., "Numerical Recipes"
 * §11.2–11.3 (tred2, tqli). This is a fresh implementation, arranged for row-major typed
 * arrays:
 *
 * | step                                   | function                 |
 * |----------------------------------------|--------------------------|
 * | A = Q T Qᵀ, Q = H₀ H₁ … (reflectors)    | `tridiagonalize`         |
 * | eigenvalues of T by implicit QL         | `tridiagonalQl`          |
 * | eigenvectors s of T by inverse iteration | `tridiagonalInverseIteration` |
 * | eigenvector of A = Q s (wanted ones)    | `backTransform`          |
 *
 * Deviations from the textbook versions, all for speed with identical results up to
 * rounding: the reduction works on the upper triangle only (the symmetric matrix–vector
 * product and the rank-2 update each touch m²/2 entries instead of m²); QL computes the
 * eigenvalues only, and the eigenvectors the caller wants are found by inverse iteration on
 * T (LAPACK's dsterf + dstein route, O(n) per vector and iteration, instead of accumulating
 * every rotation, O(n³)); and Q is never formed: only the wanted eigenvectors are multiplied
 * by the stored reflectors, want·n² instead of n³. {@link symmetricEigenQl} keeps the
 * textbook path (rotations accumulated on the rows of Sᵀ) as the reference.
 *
 * @module
 */
import { AnnlabError } from '@annlab/core';

/** Eigen-decomposition result: eigenvalues descending, eigenvectors as rows. */
export interface SymmetricEigen {
  /** All n eigenvalues, descending. */
  values: Float64Array;
  /** The first `want` eigenvectors (of the largest eigenvalues), row-major want × n, unit length. */
  vectors: Float64Array;
}

/** Maximum QL iterations per eigenvalue; convergence is cubic, 2–3 is typical. */
const MAX_QL_ITERATIONS = 60;

/**
 * Householder tridiagonalization of the symmetric matrix `a` (n × n, row-major; only the
 * upper triangle is read). On return `diag` and `off` hold T's diagonal and super-diagonal
 * (`off[i]` couples i and i+1), row k of `a` holds reflector vector v_k in columns k+1..n−1,
 * and `beta[k]` its scale, so that H_k = I − β_k v_k v_kᵀ acting on coordinates k+1..n−1.
 */
export function tridiagonalize(a: Float64Array, n: number, diag: Float64Array, off: Float64Array, beta: Float64Array): void {
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const rk = k * n;
    // x = A[k, k+1..n-1] (= column k below the diagonal, by symmetry).
    let sq = 0;
    for (let j = k + 1; j < n; j++) sq += a[rk + j] * a[rk + j];
    const x0 = a[rk + k + 1];
    if (sq === 0) {
      beta[k] = 0;
      off[k] = 0;
      continue;
    }
    const normX = Math.sqrt(sq);
    // Reflect x onto alpha·e1 with alpha of the opposite sign to x0 (no cancellation in v0).
    const alpha = x0 > 0 ? -normX : normX;
    const b = 1 / (sq - alpha * x0);
    a[rk + k + 1] = x0 - alpha; // row k now holds v
    beta[k] = b;
    off[k] = alpha;
    // p = β S v over the trailing block S = A[k+1.., k+1..], from its upper triangle.
    for (let i = k + 1; i < n; i++) p[i] = 0;
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const vi = a[rk + i];
      let s = a[ri + i] * vi;
      for (let j = i + 1; j < n; j++) {
        const sij = a[ri + j];
        s += sij * a[rk + j];
        p[j] += sij * vi;
      }
      p[i] += s;
    }
    let pv = 0;
    for (let i = k + 1; i < n; i++) {
      p[i] *= b;
      pv += p[i] * a[rk + i];
    }
    // w = p − (β/2)(pᵀv) v;  S ← S − v wᵀ − w vᵀ (upper triangle only). w overwrites p.
    const half = 0.5 * b * pv;
    for (let i = k + 1; i < n; i++) p[i] -= half * a[rk + i];
    for (let i = k + 1; i < n; i++) {
      const ri = i * n;
      const vi = a[rk + i];
      const wi = p[i];
      for (let j = i; j < n; j++) a[ri + j] -= vi * p[j] + wi * a[rk + j];
    }
  }
  for (let i = 0; i < n; i++) diag[i] = a[i * n + i];
  if (n >= 2) {
    off[n - 2] = a[(n - 2) * n + n - 1];
    beta[n - 2] = 0;
  }
  off[n - 1] = 0;
  if (n >= 1) beta[n - 1] = 0;
}

function pythag(a: number, b: number): number {
  const aa = Math.abs(a);
  const ab = Math.abs(b);
  if (aa > ab) {
    const r = ab / aa;
    return aa * Math.sqrt(1 + r * r);
  }
  if (ab === 0) return 0;
  const r = aa / ab;
  return ab * Math.sqrt(1 + r * r);
}

/**
 * Implicit QL on the symmetric tridiagonal matrix (`diag`, `off`; `off[i]` couples i and
 * i+1, `off[n−1]` = 0). On return `diag` holds the eigenvalues (unsorted) and row j of `zt`
 * (n × n, row-major, initially the identity) the eigenvector of `diag[j]`; with `zt` null
 * only the eigenvalues are computed (O(n²) instead of O(n³)).
 */
export function tridiagonalQl(diag: Float64Array, off: Float64Array, n: number, zt: Float64Array | null): void {
  const d = diag;
  const e = off;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m = l;
    do {
      // Find a negligible off-diagonal element: it splits the matrix.
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m === l) break;
      if (iter++ === MAX_QL_ITERATIONS) {
        throw new AnnlabError(
          'INVALID_PARAMETER',
          `the symmetric eigensolver did not converge in ${MAX_QL_ITERATIONS} QL iterations; the input matrix is not finite-valued or badly scaled.`,
        );
      }
      // Shift from the leading 2×2 block (Wilkinson), folded into g.
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = pythag(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = pythag(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // Recover from underflow: deflate and restart from l.
          d[i + 1] -= p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (zt === null) continue;
        // Rotate eigenvector rows i and i+1.
        const ri = i * n;
        const rj = ri + n;
        for (let k = 0; k < n; k++) {
          const zi = zt[ri + k];
          const zj = zt[rj + k];
          zt[rj + k] = s * zi + c * zj;
          zt[ri + k] = c * zi - s * zj;
        }
      }
      if (underflow) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    } while (m !== l);
  }
}

/**
 * Eigenvectors of the symmetric tridiagonal matrix (`diag`, `off`) for the given (accurate)
 * eigenvalues `lambdas` (descending), by inverse iteration (Golub & Van Loan §8.2.2; LAPACK's
 * dstein): solve (T − λI) x = b by Gaussian elimination with partial pivoting, normalise,
 * repeat. Eigenvalues closer than 1e-3·‖T‖ form a cluster and each new vector is
 * re-orthogonalized against the earlier vectors of its cluster (modified Gram–Schmidt) in
 * every iteration, so repeated eigenvalues get orthogonal eigenvectors. Start vectors come
 * from a fixed linear congruential sequence (deterministic). Rows of `out` (count × n).
 */
export function tridiagonalInverseIteration(
  diag: Float64Array,
  off: Float64Array,
  n: number,
  lambdas: Float64Array,
  count: number,
  out: Float64Array,
): void {
  let tnorm = 0;
  for (let i = 0; i < n; i++) tnorm = Math.max(tnorm, Math.abs(diag[i]) + Math.abs(off[i]) + (i > 0 ? Math.abs(off[i - 1]) : 0));
  const tiny = tnorm > 0 ? tnorm * Number.EPSILON : 1e-300;
  const clusterGap = 1e-3 * tnorm;
  // LU factors of T − σI with row interchanges: U has diagonal u0, super-diagonals u1, u2;
  // multipliers l; swap flags.
  const u0 = new Float64Array(n);
  const u1 = new Float64Array(n);
  const u2 = new Float64Array(n);
  const mult = new Float64Array(n);
  const swap = new Uint8Array(n);
  const x = new Float64Array(n);
  let seed = 0x9e3779b9;
  let clusterStart = 0;
  for (let c = 0; c < count; c++) {
    if (c > 0 && lambdas[c - 1] - lambdas[c] > clusterGap) clusterStart = c;
    // Perturb equal eigenvalues apart slightly so their systems differ (dstein does the same).
    let sigma = lambdas[c];
    if (c > clusterStart && sigma >= lambdas[c - 1] - 10 * tiny) sigma = lambdas[c - 1] - 10 * tiny;
    // Factor T − σI = P L U.
    let a = diag[0] - sigma; // current diagonal candidate
    let b = n > 1 ? off[0] : 0; // current super-diagonal candidate
    for (let i = 0; i < n - 1; i++) {
      const sub = off[i]; // T[i+1][i]
      const nextDiag = diag[i + 1] - sigma;
      const nextSup = i + 1 < n - 1 ? off[i + 1] : 0;
      if (Math.abs(a) >= Math.abs(sub)) {
        swap[i] = 0;
        const piv = a === 0 ? tiny : a;
        const m = sub / piv;
        u0[i] = piv;
        u1[i] = b;
        u2[i] = 0;
        mult[i] = m;
        a = nextDiag - m * b;
        b = nextSup;
      } else {
        swap[i] = 1;
        const m = a / sub;
        u0[i] = sub;
        u1[i] = nextDiag;
        u2[i] = nextSup;
        mult[i] = m;
        a = b - m * nextDiag;
        b = -m * nextSup;
      }
    }
    u0[n - 1] = a === 0 ? tiny : a;
    // Start vector.
    for (let i = 0; i < n; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      x[i] = seed / 4294967296 - 0.5;
    }
    const off0 = c * n;
    for (let iter = 0; iter < 5; iter++) {
      // Solve L: apply the row operations to x.
      for (let i = 0; i < n - 1; i++) {
        if (swap[i] === 1) {
          const t = x[i];
          x[i] = x[i + 1];
          x[i + 1] = t - mult[i] * x[i];
        } else {
          x[i + 1] -= mult[i] * x[i];
        }
      }
      // Back substitution with U (diagonal and two super-diagonals).
      for (let i = n - 1; i >= 0; i--) {
        let s = x[i];
        if (i + 1 < n) s -= u1[i] * x[i + 1];
        if (i + 2 < n) s -= u2[i] * x[i + 2];
        const piv = Math.abs(u0[i]) < tiny ? (u0[i] < 0 ? -tiny : tiny) : u0[i];
        x[i] = s / piv;
      }
      // Re-orthogonalize against the cluster, then normalise.
      for (let p = clusterStart; p < c; p++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += x[i] * out[p * n + i];
        for (let i = 0; i < n; i++) x[i] -= d * out[p * n + i];
      }
      // Scale by the largest entry first (the solve can return values near overflow).
      let big = 0;
      for (let i = 0; i < n; i++) big = Math.max(big, Math.abs(x[i]));
      if (big === 0 || !Number.isFinite(big)) {
        throw new AnnlabError(
          'INVALID_PARAMETER',
          'the symmetric eigensolver could not complete an eigenvector (inverse iteration broke down); the input matrix is not finite-valued.',
        );
      }
      let nn = 0;
      for (let i = 0; i < n; i++) {
        x[i] /= big;
        nn += x[i] * x[i];
      }
      const scale = 1 / Math.sqrt(nn);
      for (let i = 0; i < n; i++) x[i] *= scale;
    }
    for (let i = 0; i < n; i++) out[off0 + i] = x[i];
  }
}

/**
 * Multiply tridiagonal eigenvector `y` (length n, in place at `off`) by Q = H₀ H₁ … H_{n−3},
 * giving the eigenvector of the original matrix.
 */
export function backTransform(a: Float64Array, beta: Float64Array, n: number, y: Float64Array, yOff: number): void {
  for (let k = n - 3; k >= 0; k--) {
    const b = beta[k];
    if (b === 0) continue;
    const rk = k * n;
    let s = 0;
    for (let j = k + 1; j < n; j++) s += a[rk + j] * y[yOff + j];
    s *= b;
    for (let j = k + 1; j < n; j++) y[yOff + j] -= s * a[rk + j];
  }
}

/**
 * Eigen-decomposition of the symmetric n × n matrix `a` (row-major; only the upper triangle
 * is read, and `a` is overwritten). Returns all eigenvalues descending and the eigenvectors
 * of the `want` largest as rows.
 */
export function symmetricEigen(a: Float64Array, n: number, want: number): SymmetricEigen {
  const diag = new Float64Array(n);
  const off = new Float64Array(n);
  const beta = new Float64Array(n);
  tridiagonalize(a, n, diag, off, beta);
  // Eigenvalues only (O(n²)), then inverse iteration for the wanted eigenvectors of T.
  const d = Float64Array.from(diag);
  const e = Float64Array.from(off);
  tridiagonalQl(d, e, n, null);
  const values = Float64Array.from(d).sort().reverse();
  const vectors = new Float64Array(want * n);
  tridiagonalInverseIteration(diag, off, n, values, want, vectors);
  for (let c = 0; c < want; c++) backTransform(a, beta, n, vectors, c * n);
  return { values, vectors };
}

/**
 * The same decomposition with the eigenvectors accumulated by the QL rotations (O(n³),
 * the textbook tql2 path): the reference {@link symmetricEigen} is tested against.
 */
export function symmetricEigenQl(a: Float64Array, n: number, want: number): SymmetricEigen {
  const diag = new Float64Array(n);
  const off = new Float64Array(n);
  const beta = new Float64Array(n);
  tridiagonalize(a, n, diag, off, beta);
  const zt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) zt[i * n + i] = 1;
  tridiagonalQl(diag, off, n, zt);
  // Order by eigenvalue descending (ties by index, for determinism).
  const sorted = Array.from({ length: n }, (_, i) => i).sort((x, y) => diag[y] - diag[x] || x - y);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = diag[sorted[i]];
  const vectors = new Float64Array(want * n);
  for (let c = 0; c < want; c++) {
    vectors.set(zt.subarray(sorted[c] * n, sorted[c] * n + n), c * n);
    backTransform(a, beta, n, vectors, c * n);
  }
  return { values, vectors };
}

/**
 * Readable reference: cyclic Jacobi rotations (Golub & Van Loan §8.5.2) until every
 * off-diagonal entry is negligible. O(n³) per sweep, for tests on small matrices only.
 * `a` is a full symmetric row-major matrix and is not modified.
 */
export function jacobiEigenRef(a: Float64Array, n: number): SymmetricEigen {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let offNorm = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        total += m[i * n + j] * m[i * n + j];
        if (i !== j) offNorm += m[i * n + j] * m[i * n + j];
      }
    }
    if (offNorm <= 1e-30 * total || offNorm === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const idx = Array.from({ length: n }, (_, i) => i).sort((x, y) => m[y * n + y] - m[x * n + x] || x - y);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    values[c] = m[idx[c] * n + idx[c]];
    for (let k = 0; k < n; k++) vectors[c * n + k] = v[k * n + idx[c]];
  }
  return { values, vectors };
}
