/**
 * Dense float64 matrix products for PCA: the two loops that dominate fitting.
 *
 * Both kernels compute dot products between *rows* of two row-major matrices
 * ("NT" in BLAS terms: `C += A · Bᵀ`), so every inner loop walks memory with stride 1:
 *
 * - {@link gemmNT}: `C[i][j] += Σ_t A[i][t] · B[j][t]` for all i < m, j < n.
 * - {@link syrkNT}: the same with `B = A`, computing only the upper triangle (j ≥ i) of the
 *   symmetric result; the covariance `Xcᵀ Xc` of a block of rows is this product with the
 *   block stored feature-major (row = feature, column = sample).
 *
 * Speed comes from register blocking: a 3 × 3 tile of C lives in nine local accumulators
 * while the loop over t reads three values of A and three of B, so each loaded value is used
 * three times (18 flops per 6 loads instead of 2 per 2). V8 keeps the nine accumulators and
 * six operands in the sixteen float registers; 4 × 4 spills and measured slower (about 1.9
 * against 2.4 GFLOP-pairs/s on the development machine). Edges that do not fill a tile use
 * the plain loop. Callers keep the shared dimension `len` modest (a block of 128 samples, or
 * one vector's `dim`) so the rows a tile touches stay in the L1/L2 caches.
 *
 * `gemmNTRef` and `syrkNTRef` are the readable definitions; the tests hold the blocked
 * kernels to them.
 *
 * @module
 */

/** Reference for {@link gemmNT}: the triple loop. */
export function gemmNTRef(
  a: Float64Array,
  aOff: number,
  m: number,
  b: Float64Array,
  bOff: number,
  n: number,
  len: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < len; t++) s += a[aOff + i * len + t] * b[bOff + j * len + t];
      c[cOff + i * ldc + j] += s;
    }
  }
}

/** Reference for {@link syrkNT}: upper triangle (j ≥ i) of `C += A · Aᵀ`. */
export function syrkNTRef(a: Float64Array, m: number, len: number, c: Float64Array, ldc: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      let s = 0;
      for (let t = 0; t < len; t++) s += a[i * len + t] * a[j * len + t];
      c[i * ldc + j] += s;
    }
  }
}

/** One dot product of two rows (edge handling for the blocked kernels). */
function dotRows(a: Float64Array, ai: number, b: Float64Array, bj: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  const end2 = len & ~1;
  let t = 0;
  for (; t < end2; t += 2) {
    s0 += a[ai + t] * b[bj + t];
    s1 += a[ai + t + 1] * b[bj + t + 1];
  }
  if (t < len) s0 += a[ai + t] * b[bj + t];
  return s0 + s1;
}

/**
 * A 3 × 3 tile: `C[i0+u][j0+v] += Σ_t A[i0+u][t] · B[j0+v][t]` for u, v in 0..2.
 * `a0`/`b0` are the offsets of rows i0 and j0.
 */
function tile33(a: Float64Array, a0: number, b: Float64Array, b0: number, len: number, c: Float64Array, c0: number, ldc: number): void {
  const a1 = a0 + len;
  const a2 = a1 + len;
  const b1 = b0 + len;
  const b2 = b1 + len;
  let s00 = 0,
    s01 = 0,
    s02 = 0,
    s10 = 0,
    s11 = 0,
    s12 = 0,
    s20 = 0,
    s21 = 0,
    s22 = 0;
  for (let t = 0; t < len; t++) {
    const x0 = a[a0 + t];
    const x1 = a[a1 + t];
    const x2 = a[a2 + t];
    const y0 = b[b0 + t];
    const y1 = b[b1 + t];
    const y2 = b[b2 + t];
    s00 += x0 * y0;
    s01 += x0 * y1;
    s02 += x0 * y2;
    s10 += x1 * y0;
    s11 += x1 * y1;
    s12 += x1 * y2;
    s20 += x2 * y0;
    s21 += x2 * y1;
    s22 += x2 * y2;
  }
  let o = c0;
  c[o] += s00;
  c[o + 1] += s01;
  c[o + 2] += s02;
  o += ldc;
  c[o] += s10;
  c[o + 1] += s11;
  c[o + 2] += s12;
  o += ldc;
  c[o] += s20;
  c[o + 1] += s21;
  c[o + 2] += s22;
}

/**
 * `C[cOff + i·ldc + j] += Σ_t A[aOff + i·len + t] · B[bOff + j·len + t]` for i < m, j < n:
 * A is m × len, B is n × len, both row-major; C is m × n with row stride `ldc`.
 */
export function gemmNT(
  a: Float64Array,
  aOff: number,
  m: number,
  b: Float64Array,
  bOff: number,
  n: number,
  len: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
): void {
  const m3 = m - (m % 3);
  const n3 = n - (n % 3);
  for (let i = 0; i < m3; i += 3) {
    const ai = aOff + i * len;
    const ci = cOff + i * ldc;
    for (let j = 0; j < n3; j += 3) tile33(a, ai, b, bOff + j * len, len, c, ci + j, ldc);
    for (let j = n3; j < n; j++) {
      const bj = bOff + j * len;
      c[ci + j] += dotRows(a, ai, b, bj, len);
      c[ci + ldc + j] += dotRows(a, ai + len, b, bj, len);
      c[ci + 2 * ldc + j] += dotRows(a, ai + 2 * len, b, bj, len);
    }
  }
  for (let i = m3; i < m; i++) {
    const ai = aOff + i * len;
    const ci = cOff + i * ldc;
    for (let j = 0; j < n; j++) c[ci + j] += dotRows(a, ai, b, bOff + j * len, len);
  }
}

/**
 * Upper triangle of `C += A · Aᵀ` (A is m × len row-major, C is m × m with row stride
 * `ldc`): every entry with j ≥ i is updated. Diagonal tiles also update a few entries
 * below the diagonal; callers read only the upper triangle.
 */
export function syrkNT(a: Float64Array, m: number, len: number, c: Float64Array, ldc: number): void {
  const m3 = m - (m % 3);
  for (let i = 0; i < m3; i += 3) {
    const ai = i * len;
    const ci = i * ldc;
    for (let j = i; j < m3; j += 3) tile33(a, ai, a, j * len, len, c, ci + j, ldc);
    for (let j = m3; j < m; j++) {
      const bj = j * len;
      c[ci + j] += dotRows(a, ai, a, bj, len);
      c[ci + ldc + j] += dotRows(a, ai + len, a, bj, len);
      c[ci + 2 * ldc + j] += dotRows(a, ai + 2 * len, a, bj, len);
    }
  }
  for (let i = m3; i < m; i++) {
    const ai = i * len;
    const ci = i * ldc;
    for (let j = i; j < m; j++) c[ci + j] += dotRows(a, ai, a, j * len, len);
  }
}
