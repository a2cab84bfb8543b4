/**
 * WebAssembly SIMD distance kernels, written in AssemblyScript (TypeScript syntax compiled to
 * wasm by the `assemblyscript` npm compiler; `pnpm --filter @annlab/core build:wasm` rebuilds
 * `src/wasm/kernels-wasm.generated.ts`). They mirror the plain-TS reference kernels in
 * `src/metrics.ts` and `src/kernels.ts` one for one, and the tests hold them to those.
 *
 * Every argument that names data is a **byte address** in the module's (imported) linear
 * memory, so the kernels read the rows of a `VectorStore` in place. Vectors are float32; sums
 * are accumulated in f32x4 lanes (4 lanes × 4 independent accumulators over blocks of 16
 * components, like hnswlib's `L2SqrSIMD16Ext`), reduced to one f32, and results are written as
 * float64 so JavaScript can read them as a `Float64Array` without conversion. Components past
 * the last multiple of 16 go through one f32x4 loop, then a scalar loop (dims need not be a
 * multiple of 4 or 16; addresses need not be 16-byte aligned: wasm `v128.load` accepts any
 * alignment).
 *
 * Kernel map (wasm export → reference):
 * - `l2` / `dot` → `l2SquaredRef` / `dotRef`
 * - `l2Range` / `dotRange` → `l2SquaredRange` / `dotRange`
 * - `l2Ids` / `dotIds` → `l2SquaredIds` / `dotIds`
 * - `l2Tile` / `dotTile` → `l2SquaredTile` / `dotTile` (register-blocked 4 queries × 2 rows)
 */

// ---------------------------------------------------------------------------------------------
// One pair (the loops themselves are in simd-distance.ts, shared with the other packages' kernels).

import { dotPair, hsum, l2Pair } from './simd-distance';

/** Squared L2 distance between the `dim` floats at `a` and at `b`. */
export function l2(a: usize, b: usize, dim: i32): f32 {
  return l2Pair(a, b, dim);
}

/** Inner product of the `dim` floats at `a` and at `b`. */
export function dot(a: usize, b: usize, dim: i32): f32 {
  return dotPair(a, b, dim);
}

// ---------------------------------------------------------------------------------------------
// One query against many rows.

/** `out[r] = ‖q − row r‖²` (float64) for `count` contiguous rows of `dim` floats from `rows`. */
export function l2Range(q: usize, rows: usize, dim: i32, count: i32, out: usize): void {
  const stride = (<usize>dim) << 2;
  for (let r = 0; r < count; r++) {
    store<f64>(out, <f64>l2Pair(q, rows, dim));
    rows += stride;
    out += 8;
  }
}

/** `out[r] = bias − ⟨q, row r⟩` (float64) for `count` contiguous rows from `rows`. */
export function dotRange(q: usize, rows: usize, dim: i32, count: i32, bias: f64, out: usize): void {
  const stride = (<usize>dim) << 2;
  for (let r = 0; r < count; r++) {
    store<f64>(out, bias - <f64>dotPair(q, rows, dim));
    rows += stride;
    out += 8;
  }
}

/** `out[r] = ‖q − row ids[r]‖²` for `count` int32 ids at `ids`; row i starts at `rows + i·dim·4`. */
export function l2Ids(q: usize, rows: usize, ids: usize, count: i32, dim: i32, out: usize): void {
  const stride = (<usize>dim) << 2;
  for (let r = 0; r < count; r++) {
    const row = rows + (<usize>load<i32>(ids)) * stride;
    store<f64>(out, <f64>l2Pair(q, row, dim));
    ids += 4;
    out += 8;
  }
}

/** `out[r] = bias − ⟨q, row ids[r]⟩` for `count` int32 ids at `ids`. */
export function dotIds(q: usize, rows: usize, ids: usize, count: i32, dim: i32, bias: f64, out: usize): void {
  const stride = (<usize>dim) << 2;
  for (let r = 0; r < count; r++) {
    const row = rows + (<usize>load<i32>(ids)) * stride;
    store<f64>(out, bias - <f64>dotPair(q, row, dim));
    ids += 4;
    out += 8;
  }
}

// ---------------------------------------------------------------------------------------------
// Many queries against many rows: the tile behind batch search and k-means assignment.
//
// Register blocking: 4 queries × 2 rows per step, 8 f32x4 accumulators + 6 loaded vectors =
// 14 of the 16 vector registers x64 has. Each loaded query vector is used twice and each row
// vector four times, so the loop does 8 multiply-adds per 6 loads instead of 1 per 2.

/**
 * `out[qi·count + r] = ‖query qi − row r‖²` for `nq` contiguous queries at `qs` and `count`
 * contiguous rows at `rows`, both `dim` floats per vector; `out` is `nq × count` float64.
 */
export function l2Tile(qs: usize, nq: i32, rows: usize, count: i32, dim: i32, out: usize): void {
  const stride = (<usize>dim) << 2;
  const d4 = dim & ~3;
  const nq4 = nq & ~3;
  const count2 = count & ~1;
  const outStride = (<usize>count) << 3;
  for (let qi = 0; qi < nq4; qi += 4) {
    const a0 = qs + (<usize>qi) * stride;
    const a1 = a0 + stride;
    const a2 = a1 + stride;
    const a3 = a2 + stride;
    const o0 = out + (<usize>qi) * outStride;
    for (let r = 0; r < count2; r += 2) {
      const b0 = rows + (<usize>r) * stride;
      const b1 = b0 + stride;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      let j: usize = 0;
      const jEnd = (<usize>d4) << 2;
      for (; j < jEnd; j += 16) {
        const x0 = v128.load(b0 + j);
        const x1 = v128.load(b1 + j);
        let q = v128.load(a0 + j);
        let d = f32x4.sub(q, x0); s00 = f32x4.add(s00, f32x4.mul(d, d));
        d = f32x4.sub(q, x1); s01 = f32x4.add(s01, f32x4.mul(d, d));
        q = v128.load(a1 + j);
        d = f32x4.sub(q, x0); s10 = f32x4.add(s10, f32x4.mul(d, d));
        d = f32x4.sub(q, x1); s11 = f32x4.add(s11, f32x4.mul(d, d));
        q = v128.load(a2 + j);
        d = f32x4.sub(q, x0); s20 = f32x4.add(s20, f32x4.mul(d, d));
        d = f32x4.sub(q, x1); s21 = f32x4.add(s21, f32x4.mul(d, d));
        q = v128.load(a3 + j);
        d = f32x4.sub(q, x0); s30 = f32x4.add(s30, f32x4.mul(d, d));
        d = f32x4.sub(q, x1); s31 = f32x4.add(s31, f32x4.mul(d, d));
      }
      let t00 = hsum(s00), t01 = hsum(s01), t10 = hsum(s10), t11 = hsum(s11);
      let t20 = hsum(s20), t21 = hsum(s21), t30 = hsum(s30), t31 = hsum(s31);
      const tEnd = (<usize>dim) << 2;
      for (; j < tEnd; j += 4) {
        const x0 = load<f32>(b0 + j);
        const x1 = load<f32>(b1 + j);
        let q = load<f32>(a0 + j);
        let d = q - x0; t00 += d * d;
        d = q - x1; t01 += d * d;
        q = load<f32>(a1 + j);
        d = q - x0; t10 += d * d;
        d = q - x1; t11 += d * d;
        q = load<f32>(a2 + j);
        d = q - x0; t20 += d * d;
        d = q - x1; t21 += d * d;
        q = load<f32>(a3 + j);
        d = q - x0; t30 += d * d;
        d = q - x1; t31 += d * d;
      }
      const o = o0 + ((<usize>r) << 3);
      store<f64>(o, <f64>t00); store<f64>(o, <f64>t01, 8);
      store<f64>(o + outStride, <f64>t10); store<f64>(o + outStride, <f64>t11, 8);
      store<f64>(o + 2 * outStride, <f64>t20); store<f64>(o + 2 * outStride, <f64>t21, 8);
      store<f64>(o + 3 * outStride, <f64>t30); store<f64>(o + 3 * outStride, <f64>t31, 8);
    }
    if (count2 < count) {
      const b = rows + (<usize>count2) * stride;
      const o = o0 + ((<usize>count2) << 3);
      store<f64>(o, <f64>l2Pair(a0, b, dim));
      store<f64>(o + outStride, <f64>l2Pair(a1, b, dim));
      store<f64>(o + 2 * outStride, <f64>l2Pair(a2, b, dim));
      store<f64>(o + 3 * outStride, <f64>l2Pair(a3, b, dim));
    }
  }
  for (let qi = nq4; qi < nq; qi++) {
    l2Range(qs + (<usize>qi) * stride, rows, dim, count, out + (<usize>qi) * outStride);
  }
}

/** `out[qi·count + r] = bias − ⟨query qi, row r⟩`, blocked 4 × 2 like {@link l2Tile}. */
export function dotTile(qs: usize, nq: i32, rows: usize, count: i32, dim: i32, bias: f64, out: usize): void {
  const stride = (<usize>dim) << 2;
  const d4 = dim & ~3;
  const nq4 = nq & ~3;
  const count2 = count & ~1;
  const outStride = (<usize>count) << 3;
  for (let qi = 0; qi < nq4; qi += 4) {
    const a0 = qs + (<usize>qi) * stride;
    const a1 = a0 + stride;
    const a2 = a1 + stride;
    const a3 = a2 + stride;
    const o0 = out + (<usize>qi) * outStride;
    for (let r = 0; r < count2; r += 2) {
      const b0 = rows + (<usize>r) * stride;
      const b1 = b0 + stride;
      let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
      let j: usize = 0;
      const jEnd = (<usize>d4) << 2;
      for (; j < jEnd; j += 16) {
        const x0 = v128.load(b0 + j);
        const x1 = v128.load(b1 + j);
        let q = v128.load(a0 + j);
        s00 = f32x4.add(s00, f32x4.mul(q, x0)); s01 = f32x4.add(s01, f32x4.mul(q, x1));
        q = v128.load(a1 + j);
        s10 = f32x4.add(s10, f32x4.mul(q, x0)); s11 = f32x4.add(s11, f32x4.mul(q, x1));
        q = v128.load(a2 + j);
        s20 = f32x4.add(s20, f32x4.mul(q, x0)); s21 = f32x4.add(s21, f32x4.mul(q, x1));
        q = v128.load(a3 + j);
        s30 = f32x4.add(s30, f32x4.mul(q, x0)); s31 = f32x4.add(s31, f32x4.mul(q, x1));
      }
      let t00 = hsum(s00), t01 = hsum(s01), t10 = hsum(s10), t11 = hsum(s11);
      let t20 = hsum(s20), t21 = hsum(s21), t30 = hsum(s30), t31 = hsum(s31);
      const tEnd = (<usize>dim) << 2;
      for (; j < tEnd; j += 4) {
        const x0 = load<f32>(b0 + j);
        const x1 = load<f32>(b1 + j);
        let q = load<f32>(a0 + j);
        t00 += q * x0; t01 += q * x1;
        q = load<f32>(a1 + j);
        t10 += q * x0; t11 += q * x1;
        q = load<f32>(a2 + j);
        t20 += q * x0; t21 += q * x1;
        q = load<f32>(a3 + j);
        t30 += q * x0; t31 += q * x1;
      }
      const o = o0 + ((<usize>r) << 3);
      store<f64>(o, bias - <f64>t00); store<f64>(o, bias - <f64>t01, 8);
      store<f64>(o + outStride, bias - <f64>t10); store<f64>(o + outStride, bias - <f64>t11, 8);
      store<f64>(o + 2 * outStride, bias - <f64>t20); store<f64>(o + 2 * outStride, bias - <f64>t21, 8);
      store<f64>(o + 3 * outStride, bias - <f64>t30); store<f64>(o + 3 * outStride, bias - <f64>t31, 8);
    }
    if (count2 < count) {
      const b = rows + (<usize>count2) * stride;
      const o = o0 + ((<usize>count2) << 3);
      store<f64>(o, bias - <f64>dotPair(a0, b, dim));
      store<f64>(o + outStride, bias - <f64>dotPair(a1, b, dim));
      store<f64>(o + 2 * outStride, bias - <f64>dotPair(a2, b, dim));
      store<f64>(o + 3 * outStride, bias - <f64>dotPair(a3, b, dim));
    }
  }
  for (let qi = nq4; qi < nq; qi++) {
    dotRange(qs + (<usize>qi) * stride, rows, dim, count, bias, out + (<usize>qi) * outStride);
  }
}
