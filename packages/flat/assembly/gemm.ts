/**
 * WebAssembly SIMD inner-product tiles for exact batch search, written in AssemblyScript
 * (compiled by `pnpm --filter @annlab/flat build:wasm` into `src/internal/gemm-wasm.generated.ts`).
 *
 * This is the matrix product of FAISS's `exhaustive_L2sqr_blas`: for a group of 4 queries and
 * a block of stored rows it computes every inner product ⟨q, x⟩ (float32 sums, float32
 * results), from which the caller forms ‖q‖² + ‖x‖² − 2⟨q, x⟩ and then recomputes exact
 * distances for the few candidates that matter (`src/internal/blas-batch.ts`).
 *
 * Layout (every pointer is a byte address in the imported memory, which is a `VectorStore`'s
 * own memory, so rows are read in place):
 * - `qp`: 4 queries **interleaved by 4-float chunk**: floats 4c..4c+3 of query u at
 *   `qp + c·64 + u·16`, `ceil(dim / 4)` chunks, the last one zero-padded. One pointer with
 *   constant offsets reaches all four queries, so the inner loop does one address increment
 *   per operand stream instead of four (measured: 37.5 against 29.5 GFLOP/s for four separate
 *   query pointers on the development machine, an AMD EPYC Zen 4 core).
 * - `rows`: `count` contiguous rows of `dim` floats (the store's row region).
 * - `out`: float32, `out[u·ldo/4 + r]` = ⟨query u, row r⟩ (`ldo` in bytes).
 *
 * Register blocking: 4 queries × 2 rows = 8 f32x4 accumulators + 2 row vectors + 1 query
 * vector, within the 15 xmm registers V8 allocates (it keeps xmm15 as scratch). Each row
 * vector is used 4 times and each query vector twice: 8 multiply-adds per 6 loads. Wider tiles
 * (4 × 3, 3 × 3) and unrolling the chunk loop made V8 spill accumulators to the stack and ran
 * slower (24 and 20 GFLOP/s). Without fused multiply-add (relaxed SIMD is not enabled in
 * Node 20), one multiply-add is an `f32x4.mul` and an `f32x4.add`, so the core's ceiling is
 * two of each per cycle: 16 flops per cycle.
 *
 * Summation order: each lane sums every fourth component of its chunk stream, the lanes are
 * added pairwise, then the `dim % 4` tail components are added one by one. It differs from
 * core's `dotPair`, which is why the caller uses these sums only to choose candidates.
 */

@inline
function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * Inner products of 4 interleaved queries (`qp`) with `count` contiguous rows (`rows`, `dim`
 * floats each): `out[u·ldo + r·4]` (bytes) = ⟨query u, row r⟩ as float32, u in 0..3.
 */
export function ipTile4(qp: usize, rows: usize, count: i32, dim: i32, out: usize, ldo: usize): void {
  const stride = (<usize>dim) << 2;
  const chunkBytes = (<usize>(dim >> 2)) << 4;
  const tail = dim & 3;
  const count2 = count & ~1;
  for (let r = 0; r < count2; r += 2) {
    let b0 = rows + (<usize>r) * stride;
    const bEnd = b0 + chunkBytes;
    let a = qp;
    let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
    let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
    while (b0 < bEnd) {
      const x0 = v128.load(b0);
      const x1 = v128.load(b0 + stride);
      s00 = f32x4.add(s00, f32x4.mul(v128.load(a), x0));
      s01 = f32x4.add(s01, f32x4.mul(v128.load(a), x1));
      s10 = f32x4.add(s10, f32x4.mul(v128.load(a, 16), x0));
      s11 = f32x4.add(s11, f32x4.mul(v128.load(a, 16), x1));
      s20 = f32x4.add(s20, f32x4.mul(v128.load(a, 32), x0));
      s21 = f32x4.add(s21, f32x4.mul(v128.load(a, 32), x1));
      s30 = f32x4.add(s30, f32x4.mul(v128.load(a, 48), x0));
      s31 = f32x4.add(s31, f32x4.mul(v128.load(a, 48), x1));
      b0 += 16;
      a += 64;
    }
    let t00 = hsum(s00), t01 = hsum(s01), t10 = hsum(s10), t11 = hsum(s11);
    let t20 = hsum(s20), t21 = hsum(s21), t30 = hsum(s30), t31 = hsum(s31);
    for (let t = 0; t < tail; t++) {
      const x0 = load<f32>(b0);
      const x1 = load<f32>(b0 + stride);
      let q = load<f32>(a);
      t00 += q * x0;
      t01 += q * x1;
      q = load<f32>(a, 16);
      t10 += q * x0;
      t11 += q * x1;
      q = load<f32>(a, 32);
      t20 += q * x0;
      t21 += q * x1;
      q = load<f32>(a, 48);
      t30 += q * x0;
      t31 += q * x1;
      b0 += 4;
      a += 4;
    }
    const o = out + ((<usize>r) << 2);
    store<f32>(o, t00);
    store<f32>(o, t01, 4);
    store<f32>(o + ldo, t10);
    store<f32>(o + ldo, t11, 4);
    store<f32>(o + 2 * ldo, t20);
    store<f32>(o + 2 * ldo, t21, 4);
    store<f32>(o + 3 * ldo, t30);
    store<f32>(o + 3 * ldo, t31, 4);
  }
  if (count2 < count) {
    // The odd last row: 4 queries × 1 row, same lanes and order.
    let b0 = rows + (<usize>count2) * stride;
    const bEnd = b0 + chunkBytes;
    let a = qp;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    while (b0 < bEnd) {
      const x0 = v128.load(b0);
      s0 = f32x4.add(s0, f32x4.mul(v128.load(a), x0));
      s1 = f32x4.add(s1, f32x4.mul(v128.load(a, 16), x0));
      s2 = f32x4.add(s2, f32x4.mul(v128.load(a, 32), x0));
      s3 = f32x4.add(s3, f32x4.mul(v128.load(a, 48), x0));
      b0 += 16;
      a += 64;
    }
    let t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
    for (let t = 0; t < tail; t++) {
      const x0 = load<f32>(b0);
      t0 += load<f32>(a) * x0;
      t1 += load<f32>(a, 16) * x0;
      t2 += load<f32>(a, 32) * x0;
      t3 += load<f32>(a, 48) * x0;
      b0 += 4;
      a += 4;
    }
    const o = out + ((<usize>count2) << 2);
    store<f32>(o, t0);
    store<f32>(o + ldo, t1);
    store<f32>(o + 2 * ldo, t2);
    store<f32>(o + 3 * ldo, t3);
  }
}
