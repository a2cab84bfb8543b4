/**
 * WebAssembly SIMD kernels of the scalar quantizer: asymmetric distances from a float query to
 * 8-bit and 4-bit scalar codes, written in AssemblyScript (`pnpm --filter @annlab/core
 * build:wasm` rebuilds `src/wasm/sq-kernels-wasm.generated.ts`). They mirror the plain-TS
 * kernels of `src/sq-distance-computer.ts` one for one and give bit-identical results (the
 * tests hold them to that).
 *
 * Every argument that names data is a **byte address** in the module's (imported) linear
 * memory: the memory of an `SqCodes` store, holding the prepared query, the code rows and a
 * scratch region for id lists and float64 outputs.
 *
 * What is computed (derivation in `src/sq-distance-computer.ts`): the query is prepared once,
 * in JavaScript, as int16 weights `wq` (`dim` of them) and three float64 constants, and the
 * distance to a code c is
 *
 *     out = base − coef · S + normW · norm(c),    S = Σ_j wq_j · c_j  (an exact integer)
 *
 * where `norm(c)` is the float32 stored after the code in its row. S is summed with
 * `i32x4.dot_i16x8_s` (eight int16 × int16 products per instruction): the codes are widened
 * u8 → i16, the weights are loaded as they are. The caller bounds the weights so that no int32
 * lane can overflow; lanes are added as float64, which is exact for these integers, so the
 * result does not depend on the summation order and equals the TypeScript kernel's bit for bit.
 *
 * Rows: row i starts at `rows + i·stride`; 8-bit codes are one byte per component; 4-bit codes
 * pack components 2i (low nibble) and 2i + 1 (high nibble) into byte i; the norm is the
 * float32 at `row + normOff`. Sixteen components per step; the rest in a scalar loop.
 *
 * Kernel map (wasm export → TypeScript kernel in `src/sq-distance-computer.ts`):
 * - `sq8Ids` / `sq4Ids` → `sqDistancesToIds`
 * - `sq8Range` / `sq4Range` → `sqDistancesToRange`
 */

/** Sixteen 4-bit codes (8 bytes at `p`) as sixteen u8 lanes in component order. */
@inline
function unpack4(p: usize): v128 {
  const v = v128.load64_zero(p);
  const lo = v128.and(v, i8x16.splat(15));
  const hi = i8x16.shr_u(v, 4);
  return i8x16.shuffle(lo, hi, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
}

@inline
function lanesSum(a: v128): f64 {
  return (<f64>i32x4.extract_lane(a, 0) + <f64>i32x4.extract_lane(a, 1)) + (<f64>i32x4.extract_lane(a, 2) + <f64>i32x4.extract_lane(a, 3));
}

/** S = Σ_j wq_j · c_j for the 8-bit code at `code` (exact). */
@inline
function dot8(wq: usize, code: usize, dim: i32): f64 {
  let a = i32x4.splat(0);
  const end16 = dim & ~15;
  let j = 0;
  for (; j < end16; j += 16) {
    const c = v128.load(code + <usize>j);
    const w = wq + ((<usize>j) << 1);
    a = i32x4.add(a, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(c), v128.load(w)));
    a = i32x4.add(a, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(c), v128.load(w, 16)));
  }
  let t: i32 = 0;
  for (; j < dim; j++) t += <i32>load<i16>(wq + ((<usize>j) << 1)) * <i32>load<u8>(code + <usize>j);
  return lanesSum(a) + <f64>t;
}

/** S = Σ_j wq_j · c_j for the 4-bit code at `code` (exact). */
@inline
function dot4(wq: usize, code: usize, dim: i32): f64 {
  let a = i32x4.splat(0);
  const end16 = dim & ~15;
  let j = 0;
  for (; j < end16; j += 16) {
    const c = unpack4(code + ((<usize>j) >> 1));
    const w = wq + ((<usize>j) << 1);
    a = i32x4.add(a, i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_u(c), v128.load(w)));
    a = i32x4.add(a, i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(c), v128.load(w, 16)));
  }
  let t: i32 = 0;
  for (; j < dim; j++) {
    const c = (<i32>load<u8>(code + ((<usize>j) >> 1)) >> ((j & 1) << 2)) & 15;
    t += <i32>load<i16>(wq + ((<usize>j) << 1)) * c;
  }
  return lanesSum(a) + <f64>t;
}

/**
 * `out[r] = base − coef·S + normW·norm` for the 8-bit code rows of `count` int32 ids at `ids`
 * (row i at `rows + i·stride`, its norm at `+ normOff`).
 */
export function sq8Ids(
  wq: usize, rows: usize, stride: i32, normOff: i32, ids: usize, count: i32, dim: i32,
  base: f64, coef: f64, normW: f64, out: usize,
): void {
  for (let r = 0; r < count; r++) {
    const row = rows + (<usize>load<i32>(ids)) * (<usize>stride);
    store<f64>(out, base - dot8(wq, row, dim) * coef + normW * <f64>load<f32>(row + <usize>normOff));
    ids += 4;
    out += 8;
  }
}

/** {@link sq8Ids} for 4-bit codes. */
export function sq4Ids(
  wq: usize, rows: usize, stride: i32, normOff: i32, ids: usize, count: i32, dim: i32,
  base: f64, coef: f64, normW: f64, out: usize,
): void {
  for (let r = 0; r < count; r++) {
    const row = rows + (<usize>load<i32>(ids)) * (<usize>stride);
    store<f64>(out, base - dot4(wq, row, dim) * coef + normW * <f64>load<f32>(row + <usize>normOff));
    ids += 4;
    out += 8;
  }
}

/** {@link sq8Ids} over `count` contiguous rows from `rows`. */
export function sq8Range(
  wq: usize, rows: usize, stride: i32, normOff: i32, count: i32, dim: i32,
  base: f64, coef: f64, normW: f64, out: usize,
): void {
  for (let r = 0; r < count; r++) {
    store<f64>(out, base - dot8(wq, rows, dim) * coef + normW * <f64>load<f32>(rows + <usize>normOff));
    rows += <usize>stride;
    out += 8;
  }
}

/** {@link sq8Range} for 4-bit codes. */
export function sq4Range(
  wq: usize, rows: usize, stride: i32, normOff: i32, count: i32, dim: i32,
  base: f64, coef: f64, normW: f64, out: usize,
): void {
  for (let r = 0; r < count; r++) {
    store<f64>(out, base - dot4(wq, rows, dim) * coef + normW * <f64>load<f32>(rows + <usize>normOff));
    rows += <usize>stride;
    out += 8;
  }
}
