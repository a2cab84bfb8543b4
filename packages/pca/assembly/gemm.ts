/**
 * WebAssembly SIMD versions of the float64 matrix kernels in `src/internal/gemm.ts`, written
 * in AssemblyScript (`pnpm --filter @annlab/pca build:wasm` rebuilds
 * `src/internal/gemm-wasm.generated.ts`). Same contracts, same 3 × 3 register blocking, with
 * every accumulator an f64x2 (two partial sums, added at the end), so each step of the
 * shared-dimension loop does 18 multiply-adds on two components at once. Sums stay float64.
 *
 * Every argument that names data is a **byte address** in the module's imported linear
 * memory; strides (`len`, `ldc`) are in float64 elements.
 *
 * Kernel map (wasm export → reference): `gemmNT` → `gemmNTRef`, `syrkNT` → `syrkNTRef`.
 */

@inline
function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Dot product of two rows of `len` float64. */
@inline
function dotRows(a: usize, b: usize, len: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  const end4 = (<usize>(len & ~3)) << 3;
  const end2 = (<usize>(len & ~1)) << 3;
  let t: usize = 0;
  for (; t < end4; t += 32) {
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + t), v128.load(b + t)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a + t + 16), v128.load(b + t + 16)));
  }
  for (; t < end2; t += 16) s0 = f64x2.add(s0, f64x2.mul(v128.load(a + t), v128.load(b + t)));
  let s = hsum(f64x2.add(s0, s1));
  if (len & 1) s += load<f64>(a + t) * load<f64>(b + t);
  return s;
}

/** `C[c0 + u·ldc + v] += Σ_t A[a0 + u·len + t] · B[b0 + v·len + t]` for u, v in 0..2. */
@inline
function tile33(a0: usize, b0: usize, len: i32, c0: usize, ldcBytes: usize): void {
  const lb = (<usize>len) << 3;
  const a1 = a0 + lb;
  const a2 = a1 + lb;
  const b1 = b0 + lb;
  const b2 = b1 + lb;
  let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s02 = f64x2.splat(0);
  let s10 = f64x2.splat(0), s11 = f64x2.splat(0), s12 = f64x2.splat(0);
  let s20 = f64x2.splat(0), s21 = f64x2.splat(0), s22 = f64x2.splat(0);
  const end = (<usize>(len & ~1)) << 3;
  let t: usize = 0;
  for (; t < end; t += 16) {
    const x0 = v128.load(a0 + t);
    const x1 = v128.load(a1 + t);
    const x2 = v128.load(a2 + t);
    const y0 = v128.load(b0 + t);
    const y1 = v128.load(b1 + t);
    const y2 = v128.load(b2 + t);
    s00 = f64x2.add(s00, f64x2.mul(x0, y0));
    s01 = f64x2.add(s01, f64x2.mul(x0, y1));
    s02 = f64x2.add(s02, f64x2.mul(x0, y2));
    s10 = f64x2.add(s10, f64x2.mul(x1, y0));
    s11 = f64x2.add(s11, f64x2.mul(x1, y1));
    s12 = f64x2.add(s12, f64x2.mul(x1, y2));
    s20 = f64x2.add(s20, f64x2.mul(x2, y0));
    s21 = f64x2.add(s21, f64x2.mul(x2, y1));
    s22 = f64x2.add(s22, f64x2.mul(x2, y2));
  }
  let r00 = hsum(s00), r01 = hsum(s01), r02 = hsum(s02);
  let r10 = hsum(s10), r11 = hsum(s11), r12 = hsum(s12);
  let r20 = hsum(s20), r21 = hsum(s21), r22 = hsum(s22);
  if (len & 1) {
    const x0 = load<f64>(a0 + t), x1 = load<f64>(a1 + t), x2 = load<f64>(a2 + t);
    const y0 = load<f64>(b0 + t), y1 = load<f64>(b1 + t), y2 = load<f64>(b2 + t);
    r00 += x0 * y0; r01 += x0 * y1; r02 += x0 * y2;
    r10 += x1 * y0; r11 += x1 * y1; r12 += x1 * y2;
    r20 += x2 * y0; r21 += x2 * y1; r22 += x2 * y2;
  }
  let o = c0;
  store<f64>(o, load<f64>(o) + r00); store<f64>(o + 8, load<f64>(o + 8) + r01); store<f64>(o + 16, load<f64>(o + 16) + r02);
  o += ldcBytes;
  store<f64>(o, load<f64>(o) + r10); store<f64>(o + 8, load<f64>(o + 8) + r11); store<f64>(o + 16, load<f64>(o + 16) + r12);
  o += ldcBytes;
  store<f64>(o, load<f64>(o) + r20); store<f64>(o + 8, load<f64>(o + 8) + r21); store<f64>(o + 16, load<f64>(o + 16) + r22);
}

/** `C[i][j] += Σ_t A[i][t]·B[j][t]`, A m × len, B n × len, C row stride ldc (see gemmNT in gemm.ts). */
export function gemmNT(a: usize, m: i32, b: usize, n: i32, len: i32, c: usize, ldc: i32): void {
  const m3 = m - (m % 3);
  const n3 = n - (n % 3);
  const lb = (<usize>len) << 3;
  const cb = (<usize>ldc) << 3;
  for (let i = 0; i < m3; i += 3) {
    const ai = a + (<usize>i) * lb;
    const ci = c + (<usize>i) * cb;
    for (let j = 0; j < n3; j += 3) tile33(ai, b + (<usize>j) * lb, len, ci + ((<usize>j) << 3), cb);
    for (let j = n3; j < n; j++) {
      const bj = b + (<usize>j) * lb;
      const cj = ci + ((<usize>j) << 3);
      store<f64>(cj, load<f64>(cj) + dotRows(ai, bj, len));
      store<f64>(cj + cb, load<f64>(cj + cb) + dotRows(ai + lb, bj, len));
      store<f64>(cj + 2 * cb, load<f64>(cj + 2 * cb) + dotRows(ai + 2 * lb, bj, len));
    }
  }
  for (let i = m3; i < m; i++) {
    const ai = a + (<usize>i) * lb;
    const ci = c + (<usize>i) * cb;
    for (let j = 0; j < n; j++) {
      const cj = ci + ((<usize>j) << 3);
      store<f64>(cj, load<f64>(cj) + dotRows(ai, b + (<usize>j) * lb, len));
    }
  }
}

/** Upper triangle of `C += A·Aᵀ`, A m × len, C row stride ldc (see syrkNT in gemm.ts). */
export function syrkNT(a: usize, m: i32, len: i32, c: usize, ldc: i32): void {
  const m3 = m - (m % 3);
  const lb = (<usize>len) << 3;
  const cb = (<usize>ldc) << 3;
  for (let i = 0; i < m3; i += 3) {
    const ai = a + (<usize>i) * lb;
    const ci = c + (<usize>i) * cb;
    for (let j = i; j < m3; j += 3) tile33(ai, a + (<usize>j) * lb, len, ci + ((<usize>j) << 3), cb);
    for (let j = m3; j < m; j++) {
      const bj = a + (<usize>j) * lb;
      const cj = ci + ((<usize>j) << 3);
      store<f64>(cj, load<f64>(cj) + dotRows(ai, bj, len));
      store<f64>(cj + cb, load<f64>(cj + cb) + dotRows(ai + lb, bj, len));
      store<f64>(cj + 2 * cb, load<f64>(cj + 2 * cb) + dotRows(ai + 2 * lb, bj, len));
    }
  }
  for (let i = m3; i < m; i++) {
    const ai = a + (<usize>i) * lb;
    const ci = c + (<usize>i) * cb;
    for (let j = i; j < m; j++) {
      const cj = ci + ((<usize>j) << 3);
      store<f64>(cj, load<f64>(cj) + dotRows(ai, a + (<usize>j) * lb, len));
    }
  }
}
