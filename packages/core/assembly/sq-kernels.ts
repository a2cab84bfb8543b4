/**
 * WebAssembly SIMD kernels of the scalar quantizer: asymmetric distances from a float query to
 * 8-bit and 4-bit scalar codes, written in AssemblyScript (`pnpm --filter @annlab/core
 * build:wasm` rebuilds `src/wasm/sq-kernels-wasm.generated.ts`). They mirror the plain-TS
 * kernels of `src/sq-distance-computer.ts` one for one, and the tests hold them to those.
 *
 * Every argument that names data is a **byte address** in the module's (imported) linear
 * memory: the memory of an `SqCodes` store, holding the prepared query, the per-dimension
 * scales, the codes and a scratch region for id lists and float64 outputs.
 *
 * The query is prepared once per query in JavaScript (see `SqDistanceComputer.setQuery`):
 * - squared L2: `qa[j] = q[j] − vmin[j]`, and the distance to code c is
 *   Σ_j (qa[j] − c_j·scale[j])², with `scale[j] = vdiff[j] / levels`;
 * - inner product: `qa[j] = q[j]·scale[j]`, and ⟨q, decode(c)⟩ = Σ_j q[j]·vmin[j] + Σ_j qa[j]·c_j,
 *   so the kernels return `base − Σ_j qa[j]·c_j` with `base = bias − Σ_j q[j]·vmin[j]`.
 *
 * Codes: 8-bit codes are one byte per component; 4-bit codes pack components 2i (low nibble)
 * and 2i + 1 (high nibble) into byte i, `ceil(dim / 2)` bytes per code. Sixteen components
 * are widened per step (u8 → u16 → u32 → f32, four f32x4 lanes) and accumulated in four f32x4
 * accumulators; components past the last multiple of 16 go through a scalar loop. Results are
 * written as float64.
 *
 * Kernel map (wasm export → reference in `src/sq-distance-computer.ts`):
 * - `sq8L2Ids` / `sq8DotIds` / `sq4L2Ids` / `sq4DotIds` → `sqL2Ids` / `sqDotIds`
 * - `sq8L2Range` / `sq8DotRange` / `sq4L2Range` / `sq4DotRange` → `sqL2Range` / `sqDotRange`
 */

@inline
function hsum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// ---------------------------------------------------------------------------------------------
// 16 codes → four f32x4 (components j … j + 15).

@inline
function f0(c: v128): v128 {
  return f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(c)));
}
@inline
function f1(c: v128): v128 {
  return f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(i16x8.extend_low_i8x16_u(c)));
}
@inline
function f2(c: v128): v128 {
  return f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_high_i8x16_u(c)));
}
@inline
function f3(c: v128): v128 {
  return f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(i16x8.extend_high_i8x16_u(c)));
}

/** Sixteen 4-bit codes (8 bytes at `p`) as sixteen u8 lanes in component order. */
@inline
function unpack4(p: usize): v128 {
  const v = v128.load64_zero(p);
  const lo = v128.and(v, i8x16.splat(15));
  const hi = i8x16.shr_u(v, 4);
  return i8x16.shuffle(lo, hi, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
}

// ---------------------------------------------------------------------------------------------
// One code.

@inline
function l2Step(s: v128, qa: usize, sc: usize, off: usize, c: v128): v128 {
  const d = f32x4.sub(v128.load(qa + off), f32x4.mul(c, v128.load(sc + off)));
  return f32x4.add(s, f32x4.mul(d, d));
}

@inline
function sq8L2Code(qa: usize, sc: usize, code: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  const end16 = dim & ~15;
  let j = 0;
  for (; j < end16; j += 16) {
    const c = v128.load(code + <usize>j);
    const off = (<usize>j) << 2;
    s0 = l2Step(s0, qa, sc, off, f0(c));
    s1 = l2Step(s1, qa, sc, off + 16, f1(c));
    s2 = l2Step(s2, qa, sc, off + 32, f2(c));
    s3 = l2Step(s3, qa, sc, off + 48, f3(c));
  }
  let s = hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
  for (; j < dim; j++) {
    const off = (<usize>j) << 2;
    const d = load<f32>(qa + off) - <f32>load<u8>(code + <usize>j) * load<f32>(sc + off);
    s += d * d;
  }
  return s;
}

@inline
function sq4L2Code(qa: usize, sc: usize, code: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  const end16 = dim & ~15;
  let j = 0;
  for (; j < end16; j += 16) {
    const c = unpack4(code + ((<usize>j) >> 1));
    const off = (<usize>j) << 2;
    s0 = l2Step(s0, qa, sc, off, f0(c));
    s1 = l2Step(s1, qa, sc, off + 16, f1(c));
    s2 = l2Step(s2, qa, sc, off + 32, f2(c));
    s3 = l2Step(s3, qa, sc, off + 48, f3(c));
  }
  let s = hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
  for (; j < dim; j++) {
    const off = (<usize>j) << 2;
    const c = (load<u8>(code + ((<usize>j) >> 1)) >> (<u8>((j & 1) << 2))) & 15;
    const d = load<f32>(qa + off) - <f32>c * load<f32>(sc + off);
    s += d * d;
  }
  return s;
}

@inline
function sq8DotCode(qa: usize, code: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  const end16 = dim & ~15;
  let j = 0;
  for (; j < end16; j += 16) {
    const c = v128.load(code + <usize>j);
    const a = qa + ((<usize>j) << 2);
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a), f0(c)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a, 16), f1(c)));
    s2 = f32x4.add(s2, f32x4.mul(v128.load(a, 32), f2(c)));
    s3 = f32x4.add(s3, f32x4.mul(v128.load(a, 48), f3(c)));
  }
  let s = hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
  for (; j < dim; j++) s += load<f32>(qa + ((<usize>j) << 2)) * <f32>load<u8>(code + <usize>j);
  return s;
}

@inline
function sq4DotCode(qa: usize, code: usize, dim: i32): f32 {
  let s0 = f32x4.splat(0);
  let s1 = f32x4.splat(0);
  let s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0);
  const end16 = dim & ~15;
  let j = 0;
  for (; j < end16; j += 16) {
    const c = unpack4(code + ((<usize>j) >> 1));
    const a = qa + ((<usize>j) << 2);
    s0 = f32x4.add(s0, f32x4.mul(v128.load(a), f0(c)));
    s1 = f32x4.add(s1, f32x4.mul(v128.load(a, 16), f1(c)));
    s2 = f32x4.add(s2, f32x4.mul(v128.load(a, 32), f2(c)));
    s3 = f32x4.add(s3, f32x4.mul(v128.load(a, 48), f3(c)));
  }
  let s = hsum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3)));
  for (; j < dim; j++) {
    const c = (load<u8>(code + ((<usize>j) >> 1)) >> (<u8>((j & 1) << 2))) & 15;
    s += load<f32>(qa + ((<usize>j) << 2)) * <f32>c;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// One query against a list of ids (graph expansions) or a contiguous range of codes (list scans).

/** `out[r] = Σ_j (qa[j] − c_j·scale[j])²` for the 8-bit code of each of `count` int32 ids. */
export function sq8L2Ids(qa: usize, sc: usize, codes: usize, codeSize: i32, ids: usize, count: i32, dim: i32, out: usize): void {
  for (let r = 0; r < count; r++) {
    const code = codes + (<usize>load<i32>(ids)) * (<usize>codeSize);
    store<f64>(out, <f64>sq8L2Code(qa, sc, code, dim));
    ids += 4;
    out += 8;
  }
}

/** `out[r] = base − Σ_j qa[j]·c_j` for the 8-bit code of each of `count` int32 ids. */
export function sq8DotIds(qa: usize, codes: usize, codeSize: i32, ids: usize, count: i32, dim: i32, base: f64, out: usize): void {
  for (let r = 0; r < count; r++) {
    const code = codes + (<usize>load<i32>(ids)) * (<usize>codeSize);
    store<f64>(out, base - <f64>sq8DotCode(qa, code, dim));
    ids += 4;
    out += 8;
  }
}

/** {@link sq8L2Ids} for 4-bit codes. */
export function sq4L2Ids(qa: usize, sc: usize, codes: usize, codeSize: i32, ids: usize, count: i32, dim: i32, out: usize): void {
  for (let r = 0; r < count; r++) {
    const code = codes + (<usize>load<i32>(ids)) * (<usize>codeSize);
    store<f64>(out, <f64>sq4L2Code(qa, sc, code, dim));
    ids += 4;
    out += 8;
  }
}

/** {@link sq8DotIds} for 4-bit codes. */
export function sq4DotIds(qa: usize, codes: usize, codeSize: i32, ids: usize, count: i32, dim: i32, base: f64, out: usize): void {
  for (let r = 0; r < count; r++) {
    const code = codes + (<usize>load<i32>(ids)) * (<usize>codeSize);
    store<f64>(out, base - <f64>sq4DotCode(qa, code, dim));
    ids += 4;
    out += 8;
  }
}

/** `out[r]` = squared L2 to the 8-bit code `r` of `count` contiguous codes from `codes`. */
export function sq8L2Range(qa: usize, sc: usize, codes: usize, codeSize: i32, count: i32, dim: i32, out: usize): void {
  for (let r = 0; r < count; r++) {
    store<f64>(out, <f64>sq8L2Code(qa, sc, codes, dim));
    codes += <usize>codeSize;
    out += 8;
  }
}

/** `out[r] = base − Σ_j qa[j]·c_j` for `count` contiguous 8-bit codes. */
export function sq8DotRange(qa: usize, codes: usize, codeSize: i32, count: i32, dim: i32, base: f64, out: usize): void {
  for (let r = 0; r < count; r++) {
    store<f64>(out, base - <f64>sq8DotCode(qa, codes, dim));
    codes += <usize>codeSize;
    out += 8;
  }
}

/** {@link sq8L2Range} for 4-bit codes. */
export function sq4L2Range(qa: usize, sc: usize, codes: usize, codeSize: i32, count: i32, dim: i32, out: usize): void {
  for (let r = 0; r < count; r++) {
    store<f64>(out, <f64>sq4L2Code(qa, sc, codes, dim));
    codes += <usize>codeSize;
    out += 8;
  }
}

/** {@link sq8DotRange} for 4-bit codes. */
export function sq4DotRange(qa: usize, codes: usize, codeSize: i32, count: i32, dim: i32, base: f64, out: usize): void {
  for (let r = 0; r < count; r++) {
    store<f64>(out, base - <f64>sq4DotCode(qa, codes, dim));
    codes += <usize>codeSize;
    out += 8;
  }
}
