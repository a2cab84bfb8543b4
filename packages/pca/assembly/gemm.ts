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

// ---------------------------------------------------------------------------------------------
// Float32 kernels of the randomized solver's data pass (see `src/internal/data-pass.ts`).
//
// A pass computes Z = Xcᵀ (Xc Q) block by block. The block of rows X (rows × dim, row-major
// float32) is centred in place, then multiplied by Q and by the result. Q, the block's
// product Y and the accumulator Z are stored in *panels* of 8 columns: panel p of a
// `count × l` matrix is `count × 8` values, contiguous, so the inner loops read 32 bytes in
// a row. Register blocking: a 4 × 8 tile of the result (eight f32x4 accumulators) takes one
// splatted X value and two vectors of the other operand per step, 32 multiply-adds for six
// loads. Each block's float32 tile sums (at most `rows` terms) are added into Z in float64,
// so the long sums over all n rows do not lose float32 precision.
//
// When l mod 8 is 1–4 the last panel has 4 columns (`projectHalfPanelF32`,
// `accumulateHalfPanelF32`), so at most 3 columns of work are padding.
//
// Kernel map (wasm export → reference in `src/internal/data-pass.ts`): `columnSumsF32` →
// `columnMeans` in `fit.ts`, `centerRowsF32` → `centerRowsRef`, `projectPanelsF32` and
// `projectHalfPanelF32` → `projectPanelsRef`, `accumulatePanelsF32` and
// `accumulateHalfPanelF32` → `accumulatePanelsRef`.

/**
 * `sums[j] += Σ_i X[i][j]` (float64 sums, row after row: each feature's sum is the same
 * sequence of float64 additions as the plain loop) for a block of `rows` rows of `dim` float32.
 */
export function columnSumsF32(x: usize, rows: i32, dim: i32, sums: usize): void {
  const rowBytes = (<usize>dim) << 2;
  const end4 = (<usize>(dim & ~3)) << 2;
  for (let i = 0; i < rows; i++) {
    const xr = x + (<usize>i) * rowBytes;
    let t: usize = 0;
    for (; t < end4; t += 16) {
      const v = v128.load(xr + t);
      const s = sums + (t << 1);
      v128.store(s, f64x2.add(v128.load(s), f64x2.promote_low_f32x4(v)));
      v128.store(s, f64x2.add(v128.load(s, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3))), 16);
    }
    for (; t < rowBytes; t += 4) {
      const s = sums + (t << 1);
      store<f64>(s, load<f64>(s) + <f64>load<f32>(xr + t));
    }
  }
}

/**
 * Centre a block in place, `X[i][j] -= mean[j]` (float32), and return the block's sum of
 * squared centred values (float64).
 */
export function centerRowsF32(x: usize, rows: i32, dim: i32, mean: usize): f64 {
  const rowBytes = (<usize>dim) << 2;
  const end4 = (<usize>(dim & ~3)) << 2;
  let ss = f64x2.splat(0);
  let tail: f64 = 0;
  for (let i = 0; i < rows; i++) {
    const xr = x + (<usize>i) * rowBytes;
    let t: usize = 0;
    for (; t < end4; t += 16) {
      const v = f32x4.sub(v128.load(xr + t), v128.load(mean + t));
      v128.store(xr + t, v);
      const lo = f64x2.promote_low_f32x4(v);
      const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
      ss = f64x2.add(ss, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
    }
    for (; t < rowBytes; t += 4) {
      const v = load<f32>(xr + t) - load<f32>(mean + t);
      store<f32>(xr + t, v);
      tail += <f64>v * <f64>v;
    }
  }
  return hsum(ss) + tail;
}

/**
 * `Y = X Q` for one block: X is rows × dim (row-major float32), Q is dim × (8·panels) in
 * panels, Y is rows × (8·panels) in panels (written, not accumulated).
 */
export function projectPanelsF32(x: usize, rows: i32, dim: i32, q: usize, panels: i32, y: usize): void {
  const rowBytes = (<usize>dim) << 2;
  const qPanelBytes = (<usize>dim) << 5;
  const yPanelBytes = (<usize>rows) << 5;
  const rows4 = rows & ~3;
  for (let p = 0; p < panels; p++) {
    const qp = q + (<usize>p) * qPanelBytes;
    const yp = y + (<usize>p) * yPanelBytes;
    let i = 0;
    for (; i < rows4; i += 4) {
      const x0 = x + (<usize>i) * rowBytes;
      const x1 = x0 + rowBytes;
      const x2 = x1 + rowBytes;
      const x3 = x2 + rowBytes;
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
      let a10 = f32x4.splat(0), a11 = f32x4.splat(0);
      let a20 = f32x4.splat(0), a21 = f32x4.splat(0);
      let a30 = f32x4.splat(0), a31 = f32x4.splat(0);
      let qj = qp;
      for (let t: usize = 0; t < rowBytes; t += 4) {
        const q0 = v128.load(qj);
        const q1 = v128.load(qj, 16);
        let s = v128.load32_splat(x0 + t);
        a00 = f32x4.add(a00, f32x4.mul(s, q0));
        a01 = f32x4.add(a01, f32x4.mul(s, q1));
        s = v128.load32_splat(x1 + t);
        a10 = f32x4.add(a10, f32x4.mul(s, q0));
        a11 = f32x4.add(a11, f32x4.mul(s, q1));
        s = v128.load32_splat(x2 + t);
        a20 = f32x4.add(a20, f32x4.mul(s, q0));
        a21 = f32x4.add(a21, f32x4.mul(s, q1));
        s = v128.load32_splat(x3 + t);
        a30 = f32x4.add(a30, f32x4.mul(s, q0));
        a31 = f32x4.add(a31, f32x4.mul(s, q1));
        qj += 32;
      }
      const o = yp + ((<usize>i) << 5);
      v128.store(o, a00);
      v128.store(o, a01, 16);
      v128.store(o, a10, 32);
      v128.store(o, a11, 48);
      v128.store(o, a20, 64);
      v128.store(o, a21, 80);
      v128.store(o, a30, 96);
      v128.store(o, a31, 112);
    }
    for (; i < rows; i++) {
      const x0 = x + (<usize>i) * rowBytes;
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
      let qj = qp;
      for (let t: usize = 0; t < rowBytes; t += 4) {
        const s = v128.load32_splat(x0 + t);
        a00 = f32x4.add(a00, f32x4.mul(s, v128.load(qj)));
        a01 = f32x4.add(a01, f32x4.mul(s, v128.load(qj, 16)));
        qj += 32;
      }
      const o = yp + ((<usize>i) << 5);
      v128.store(o, a00);
      v128.store(o, a01, 16);
    }
  }
}

/** Add the float32 tile `a` (4 lanes) to four float64 values at `z`. */
@inline
function addToF64(z: usize, a: v128): void {
  v128.store(z, f64x2.add(v128.load(z), f64x2.promote_low_f32x4(a)));
  v128.store(z, f64x2.add(v128.load(z, 16), f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 2, 3))), 16);
}

/**
 * `Z += Xᵀ Y` for one block: X is rows × dim (row-major float32), Y is rows × (8·panels) in
 * panels (float32), Z is dim × (8·panels) in panels (float64, accumulated).
 */
export function accumulatePanelsF32(x: usize, rows: i32, dim: i32, y: usize, panels: i32, z: usize): void {
  const rowBytes = (<usize>dim) << 2;
  const yPanelBytes = (<usize>rows) << 5;
  const zPanelBytes = (<usize>dim) << 6;
  const dim4 = dim & ~3;
  const yEnd = yPanelBytes;
  let j = 0;
  for (; j < dim4; j += 4) {
    const xj = x + ((<usize>j) << 2);
    for (let p = 0; p < panels; p++) {
      const yp = y + (<usize>p) * yPanelBytes;
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
      let a10 = f32x4.splat(0), a11 = f32x4.splat(0);
      let a20 = f32x4.splat(0), a21 = f32x4.splat(0);
      let a30 = f32x4.splat(0), a31 = f32x4.splat(0);
      let xi = xj;
      for (let t: usize = 0; t < yEnd; t += 32) {
        const y0 = v128.load(yp + t);
        const y1 = v128.load(yp + t, 16);
        let s = v128.load32_splat(xi);
        a00 = f32x4.add(a00, f32x4.mul(s, y0));
        a01 = f32x4.add(a01, f32x4.mul(s, y1));
        s = v128.load32_splat(xi, 4);
        a10 = f32x4.add(a10, f32x4.mul(s, y0));
        a11 = f32x4.add(a11, f32x4.mul(s, y1));
        s = v128.load32_splat(xi, 8);
        a20 = f32x4.add(a20, f32x4.mul(s, y0));
        a21 = f32x4.add(a21, f32x4.mul(s, y1));
        s = v128.load32_splat(xi, 12);
        a30 = f32x4.add(a30, f32x4.mul(s, y0));
        a31 = f32x4.add(a31, f32x4.mul(s, y1));
        xi += rowBytes;
      }
      const o = z + (<usize>p) * zPanelBytes + ((<usize>j) << 6);
      addToF64(o, a00);
      addToF64(o + 32, a01);
      addToF64(o + 64, a10);
      addToF64(o + 96, a11);
      addToF64(o + 128, a20);
      addToF64(o + 160, a21);
      addToF64(o + 192, a30);
      addToF64(o + 224, a31);
    }
  }
  for (; j < dim; j++) {
    const xj = x + ((<usize>j) << 2);
    for (let p = 0; p < panels; p++) {
      const yp = y + (<usize>p) * yPanelBytes;
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
      let xi = xj;
      for (let t: usize = 0; t < yEnd; t += 32) {
        const s = v128.load32_splat(xi);
        a00 = f32x4.add(a00, f32x4.mul(s, v128.load(yp + t)));
        a01 = f32x4.add(a01, f32x4.mul(s, v128.load(yp + t, 16)));
        xi += rowBytes;
      }
      const o = z + (<usize>p) * zPanelBytes + ((<usize>j) << 6);
      addToF64(o, a00);
      addToF64(o + 32, a01);
    }
  }
}

/**
 * {@link projectPanelsF32} for one panel of 4 columns (the last one when l mod 8 is 1–4):
 * Q4 is dim × 4, Y4 is rows × 4. Tiles of 8 rows × 4 columns.
 */
export function projectHalfPanelF32(x: usize, rows: i32, dim: i32, q: usize, y: usize): void {
  const rowBytes = (<usize>dim) << 2;
  const rows8 = rows & ~7;
  let i = 0;
  for (; i < rows8; i += 8) {
    const x0 = x + (<usize>i) * rowBytes;
    const x1 = x0 + rowBytes;
    const x2 = x1 + rowBytes;
    const x3 = x2 + rowBytes;
    const x4 = x3 + rowBytes;
    const x5 = x4 + rowBytes;
    const x6 = x5 + rowBytes;
    const x7 = x6 + rowBytes;
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
    let qj = q;
    for (let t: usize = 0; t < rowBytes; t += 4) {
      const q0 = v128.load(qj);
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(x0 + t), q0));
      a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(x1 + t), q0));
      a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(x2 + t), q0));
      a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(x3 + t), q0));
      a4 = f32x4.add(a4, f32x4.mul(v128.load32_splat(x4 + t), q0));
      a5 = f32x4.add(a5, f32x4.mul(v128.load32_splat(x5 + t), q0));
      a6 = f32x4.add(a6, f32x4.mul(v128.load32_splat(x6 + t), q0));
      a7 = f32x4.add(a7, f32x4.mul(v128.load32_splat(x7 + t), q0));
      qj += 16;
    }
    const o = y + ((<usize>i) << 4);
    v128.store(o, a0);
    v128.store(o, a1, 16);
    v128.store(o, a2, 32);
    v128.store(o, a3, 48);
    v128.store(o, a4, 64);
    v128.store(o, a5, 80);
    v128.store(o, a6, 96);
    v128.store(o, a7, 112);
  }
  for (; i < rows; i++) {
    const x0 = x + (<usize>i) * rowBytes;
    let a0 = f32x4.splat(0);
    let qj = q;
    for (let t: usize = 0; t < rowBytes; t += 4) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(x0 + t), v128.load(qj)));
      qj += 16;
    }
    v128.store(y + ((<usize>i) << 4), a0);
  }
}

/**
 * {@link accumulatePanelsF32} for one panel of 4 columns: Y4 is rows × 4 (float32), Z4 is
 * dim × 4 (float64, accumulated). Tiles of 8 features × 4 columns.
 */
export function accumulateHalfPanelF32(x: usize, rows: i32, dim: i32, y: usize, z: usize): void {
  const rowBytes = (<usize>dim) << 2;
  const yEnd = (<usize>rows) << 4;
  const dim8 = dim & ~7;
  let j = 0;
  for (; j < dim8; j += 8) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
    let xi = x + ((<usize>j) << 2);
    for (let t: usize = 0; t < yEnd; t += 16) {
      const y0 = v128.load(y + t);
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(xi), y0));
      a1 = f32x4.add(a1, f32x4.mul(v128.load32_splat(xi, 4), y0));
      a2 = f32x4.add(a2, f32x4.mul(v128.load32_splat(xi, 8), y0));
      a3 = f32x4.add(a3, f32x4.mul(v128.load32_splat(xi, 12), y0));
      a4 = f32x4.add(a4, f32x4.mul(v128.load32_splat(xi, 16), y0));
      a5 = f32x4.add(a5, f32x4.mul(v128.load32_splat(xi, 20), y0));
      a6 = f32x4.add(a6, f32x4.mul(v128.load32_splat(xi, 24), y0));
      a7 = f32x4.add(a7, f32x4.mul(v128.load32_splat(xi, 28), y0));
      xi += rowBytes;
    }
    const o = z + ((<usize>j) << 5);
    addToF64(o, a0);
    addToF64(o + 32, a1);
    addToF64(o + 64, a2);
    addToF64(o + 96, a3);
    addToF64(o + 128, a4);
    addToF64(o + 160, a5);
    addToF64(o + 192, a6);
    addToF64(o + 224, a7);
  }
  for (; j < dim; j++) {
    let a0 = f32x4.splat(0);
    let xi = x + ((<usize>j) << 2);
    for (let t: usize = 0; t < yEnd; t += 16) {
      a0 = f32x4.add(a0, f32x4.mul(v128.load32_splat(xi), v128.load(y + t)));
      xi += rowBytes;
    }
    addToF64(z + ((<usize>j) << 5), a0);
  }
}

/**
 * The randomized solver's Gram route (`src/internal/gram.ts`): the upper panels of
 * `Z += Xᵀ X` for one centred block X (rows × dim, row-major float32, dim a multiple of 8,
 * padding columns zero). Z is dim × dim in panels of 8 columns (float64, accumulated):
 * panel p holds columns 8p..8p+7, and only its rows j < 8p + 8 are computed (the upper
 * triangle plus the lower half of the diagonal 8 × 8 blocks), about rows·dim²/2
 * multiply-adds. The right operand of each 4 × 8 tile is read in place: row i's columns
 * 8p..8p+7 are 32 contiguous bytes of the block. Each block's float32 tile sums are added
 * to Z in float64, as in {@link accumulatePanelsF32}. Reference: `gramPanelsRef`.
 */
export function gramPanelsF32(x: usize, rows: i32, dim: i32, z: usize): void {
  const rowBytes = (<usize>dim) << 2;
  const zPanelBytes = (<usize>dim) << 6;
  const panels = dim >> 3;
  const xEnd = (<usize>rows) * rowBytes;
  for (let p = 0; p < panels; p++) {
    const yp = x + ((<usize>p) << 5);
    const zp = z + (<usize>p) * zPanelBytes;
    const jEnd = (p + 1) << 3;
    for (let j = 0; j < jEnd; j += 4) {
      const xj = x + ((<usize>j) << 2);
      let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
      let a10 = f32x4.splat(0), a11 = f32x4.splat(0);
      let a20 = f32x4.splat(0), a21 = f32x4.splat(0);
      let a30 = f32x4.splat(0), a31 = f32x4.splat(0);
      for (let t: usize = 0; t < xEnd; t += rowBytes) {
        const y0 = v128.load(yp + t);
        const y1 = v128.load(yp + t, 16);
        const xi = xj + t;
        let s = v128.load32_splat(xi);
        a00 = f32x4.add(a00, f32x4.mul(s, y0));
        a01 = f32x4.add(a01, f32x4.mul(s, y1));
        s = v128.load32_splat(xi, 4);
        a10 = f32x4.add(a10, f32x4.mul(s, y0));
        a11 = f32x4.add(a11, f32x4.mul(s, y1));
        s = v128.load32_splat(xi, 8);
        a20 = f32x4.add(a20, f32x4.mul(s, y0));
        a21 = f32x4.add(a21, f32x4.mul(s, y1));
        s = v128.load32_splat(xi, 12);
        a30 = f32x4.add(a30, f32x4.mul(s, y0));
        a31 = f32x4.add(a31, f32x4.mul(s, y1));
      }
      const o = zp + ((<usize>j) << 6);
      addToF64(o, a00);
      addToF64(o + 32, a01);
      addToF64(o + 64, a10);
      addToF64(o + 96, a11);
      addToF64(o + 128, a20);
      addToF64(o + 160, a21);
      addToF64(o + 192, a30);
      addToF64(o + 224, a31);
    }
  }
}
