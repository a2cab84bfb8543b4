/**
 * Scalar-quantized vectors an index can search: {@link SqCodes} holds the codes of a
 * {@link ScalarQuantizer} (growable, row i at `i · codeSize`), and {@link SqDistanceComputer}
 * measures a float query against them with the same surface as core's float
 * `DistanceComputer` (`setQuery`, `setQueryToRow`, `distanceTo`, `distancesToIds`,
 * `distancesToRange`, `symmetric`), so an index's search loops walk codes unchanged
 * (FAISS `IndexHNSWSQ`: the HNSW loop over an `SQDistanceComputer`).
 *
 * Derivation (per query, once; then one pass over each code):
 * - squared L2: with x_j = vmin_j + c_j·s_j, ‖q − x‖² = Σ_j ((q_j − vmin_j) − c_j·s_j)²; the
 *   computer stores `qa_j = q_j − vmin_j` (float32) and the kernel needs qa, s and the code;
 * - inner product: ⟨q, x⟩ = Σ_j q_j·vmin_j + Σ_j (q_j·s_j)·c_j; the computer stores
 *   `qa_j = q_j·s_j` (float32) and `base = bias − Σ_j q_j·vmin_j`, and the kernel returns
 *   `base − Σ_j qa_j·c_j` (cosine: queries and stored vectors are unit-normalised, bias 1).
 * These are internal (smaller-is-closer) distances, as core's `MetricPolicy` defines them.
 *
 * Two backends, chosen by `kernels` like `VectorStore`: the plain-TS loops below (the
 * readable reference, {@link sqL2Ids} / {@link sqDotIds} / {@link sqL2Range} /
 * {@link sqDotRange}) and the WebAssembly SIMD kernels (`assembly/sq-kernels.ts`), which read
 * the codes in place from the store's own `WebAssembly.Memory`. The SIMD kernels accumulate
 * in float32 lanes and the TS loops in float64, so the two agree to float rounding.
 *
 * SIMD memory layout (byte addresses, 64-byte aligned regions):
 *
 * ```
 * [64, …)          query slot: qa, dim floats (the owning computer's prepared query)
 * [scalePtr, …)    the quantizer's steps s, dim floats
 * [codesPtr, …)    codes, capacity × codeSize bytes; row i at codesPtr + i·codeSize
 * [scratchPtr, …)  per-call scratch: id lists, float64 outputs
 * ```
 *
 * @module
 */
import { normalizeInPlace, type MetricPolicy } from './metrics.js';
import type { ScalarQuantizer } from './scalar-quantizer.js';
import type { KernelBackend } from './types.js';
import { instantiateSqKernels, type SqKernelExports } from './wasm/sq-kernels.js';
import { resolveKernelBackend } from './wasm/wasm-kernels.js';
import { WASM_MAX_BYTES } from './wasm/wasm-rows.js';

const PAGE = 65536;
const QUERY_PTR = 64;
const INITIAL_SCRATCH = 16384;

function align64(x: number): number {
  return Math.ceil(x / 64) * 64;
}

// ---------------------------------------------------------------------------------------------
// Plain-TS kernels: the reference for the SIMD ones. Each hoists the bit-width switch out of
// the per-code loop.

/**
 * `out[outOff + r] = Σ_j (qa_j − c_j·scale_j)²` for the code of row `ids[idsOff + r]`,
 * r in [0, count): codes of `bits` (8 or 4) bits, `codeSize` bytes each.
 */
export function sqL2Ids(
  qa: Float32Array,
  scale: Float32Array,
  codes: Uint8Array,
  codeSize: number,
  bits: number,
  ids: Int32Array,
  idsOff: number,
  count: number,
  dim: number,
  out: Float64Array,
  outOff: number,
): void {
  for (let r = 0; r < count; r++) {
    out[outOff + r] = sqL2Code(qa, scale, codes, ids[idsOff + r] * codeSize, bits, dim);
  }
}

/** `out[outOff + r] = base − Σ_j qa_j·c_j` for the code of row `ids[idsOff + r]`. */
export function sqDotIds(
  qa: Float32Array,
  codes: Uint8Array,
  codeSize: number,
  bits: number,
  ids: Int32Array,
  idsOff: number,
  count: number,
  dim: number,
  base: number,
  out: Float64Array,
  outOff: number,
): void {
  for (let r = 0; r < count; r++) out[outOff + r] = base - sqDotCode(qa, codes, ids[idsOff + r] * codeSize, bits, dim);
}

/** {@link sqL2Ids} over the `count` contiguous codes from row `start`. */
export function sqL2Range(
  qa: Float32Array,
  scale: Float32Array,
  codes: Uint8Array,
  codeSize: number,
  bits: number,
  start: number,
  count: number,
  dim: number,
  out: Float64Array,
  outOff: number,
): void {
  for (let r = 0; r < count; r++) out[outOff + r] = sqL2Code(qa, scale, codes, (start + r) * codeSize, bits, dim);
}

/** {@link sqDotIds} over the `count` contiguous codes from row `start`. */
export function sqDotRange(
  qa: Float32Array,
  codes: Uint8Array,
  codeSize: number,
  bits: number,
  start: number,
  count: number,
  dim: number,
  base: number,
  out: Float64Array,
  outOff: number,
): void {
  for (let r = 0; r < count; r++) out[outOff + r] = base - sqDotCode(qa, codes, (start + r) * codeSize, bits, dim);
}

/** Σ_j (qa_j − c_j·scale_j)² for the code at byte `c`. */
function sqL2Code(qa: Float32Array, scale: Float32Array, codes: Uint8Array, c: number, bits: number, dim: number): number {
  let s = 0;
  if (bits === 8) {
    for (let j = 0; j < dim; j++) {
      const d = qa[j] - codes[c + j] * scale[j];
      s += d * d;
    }
  } else {
    const pairs = dim >> 1;
    for (let p = 0; p < pairs; p++) {
      const b = codes[c + p];
      const j = 2 * p;
      const d0 = qa[j] - (b & 15) * scale[j];
      const d1 = qa[j + 1] - (b >> 4) * scale[j + 1];
      s += d0 * d0 + d1 * d1;
    }
    if (dim & 1) {
      const d = qa[dim - 1] - (codes[c + pairs] & 15) * scale[dim - 1];
      s += d * d;
    }
  }
  return s;
}

/** Σ_j qa_j·c_j for the code at byte `c`. */
function sqDotCode(qa: Float32Array, codes: Uint8Array, c: number, bits: number, dim: number): number {
  let s = 0;
  if (bits === 8) {
    for (let j = 0; j < dim; j++) s += qa[j] * codes[c + j];
  } else {
    const pairs = dim >> 1;
    for (let p = 0; p < pairs; p++) {
      const b = codes[c + p];
      s += qa[2 * p] * (b & 15) + qa[2 * p + 1] * (b >> 4);
    }
    if (dim & 1) s += qa[dim - 1] * (codes[c + pairs] & 15);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------

/** Options for {@link SqCodes}. */
export interface SqCodesOptions {
  /**
   * Kernel backend (see {@link KernelBackend}): `'simd'`/`'auto'` keep the codes in a
   * WebAssembly memory of their own, read in place by the SIMD kernels.
   * @defaultValue `'auto'`
   */
  kernels?: KernelBackend;
  /**
   * Codes to allocate room for up front; capacity doubles as needed.
   * @defaultValue 0
   */
  capacity?: number;
}

/**
 * The codes of one {@link SqCodes} store in a WebAssembly memory of their own, with the SIMD
 * kernel instance over it (layout in the module doc). Its views are replaced whenever the
 * memory grows.
 */
export class SqCodesWasm {
  /** The store's own memory. */
  readonly memory: WebAssembly.Memory;
  /** The kernel instance over {@link SqCodesWasm.memory}. */
  readonly k: SqKernelExports;
  /** Byte address of the query slot (the prepared query, `dim` floats). */
  readonly qaPtr: number;
  /** Byte address of the quantizer's steps (`dim` floats). */
  readonly scalePtr: number;
  /** Byte address of code row 0. */
  readonly codesPtr: number;
  /** Byte address of the scratch region (just past the code capacity). */
  scratchPtr: number;
  /** Byte view of the whole memory. */
  u8: Uint8Array;
  /** Float32 view of the whole memory. */
  f32: Float32Array;
  /** Float64 view of the whole memory (outputs). */
  f64: Float64Array;
  /** Int32 view of the whole memory (id lists). */
  i32: Int32Array;
  /** Which computer's prepared query the query slot holds (`null`: none). */
  queryOwner: object | null;

  /**
   * @param dim - components per vector.
   * @param codeSize - bytes per code.
   * @param capacity - codes to make room for.
   * @throws RangeError when the initial memory would pass 4 GiB (callers fall back to JS).
   */
  constructor(dim: number, codeSize: number, capacity: number) {
    this.qaPtr = QUERY_PTR;
    this.scalePtr = align64(QUERY_PTR + dim * 4);
    this.codesPtr = align64(this.scalePtr + dim * 4);
    this.scratchPtr = align64(this.codesPtr + capacity * codeSize);
    const bytes = this.scratchPtr + INITIAL_SCRATCH;
    if (bytes > WASM_MAX_BYTES) throw new RangeError('initial WebAssembly memory exceeds the limit');
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) });
    this.k = instantiateSqKernels(this.memory);
    this.queryOwner = null;
    const buffer = this.memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
  }

  /** Grow to at least `bytes` (doubling); false past 4 GiB or when refused. */
  growTo(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return true;
    if (bytes > WASM_MAX_BYTES) return false;
    const need = Math.ceil(bytes / PAGE);
    const want = Math.min(WASM_MAX_BYTES / PAGE, Math.max(need, (have / PAGE) * 2));
    try {
      this.memory.grow(want - have / PAGE);
    } catch {
      try {
        this.memory.grow(need - have / PAGE);
      } catch {
        return false;
      }
    }
    const buffer = this.memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    return true;
  }

  /** Make `bytes` of scratch available at {@link SqCodesWasm.scratchPtr}; false when the memory cannot grow. */
  ensureScratch(bytes: number): boolean {
    return this.scratchPtr + bytes <= this.memory.buffer.byteLength || this.growTo(this.scratchPtr + bytes);
  }
}

/**
 * The scalar codes of a set of vectors: `capacity × codeSize` bytes, row i at
 * `i · codeSize`, encoded by one {@link ScalarQuantizer}. Capacity doubles when full, so
 * re-read {@link SqCodes.codes} after every append.
 */
export class SqCodes {
  /** The quantizer the codes were made with (its ranges may be retrained: then re-encode). */
  readonly quantizer: ScalarQuantizer;
  /** Vector dimension. */
  readonly dim: number;
  /** Bits per component (8 or 4). */
  readonly bits: number;
  /** Bytes per code. */
  readonly codeSize: number;
  /** Codes stored (rows [0, size) are meaningful). */
  size: number;
  /** Rows the allocation holds. */
  capacity: number;
  /** The codes in WebAssembly memory on the SIMD backend, else null. */
  wasm: SqCodesWasm | null;
  private plain: Uint8Array;

  /**
   * @param quantizer - the quantizer that encodes (and whose steps the kernels read).
   * @param options - see {@link SqCodesOptions}.
   */
  constructor(quantizer: ScalarQuantizer, options: SqCodesOptions = {}) {
    this.quantizer = quantizer;
    this.dim = quantizer.dim;
    this.bits = quantizer.bits;
    this.codeSize = quantizer.codeSize;
    this.size = 0;
    this.capacity = Math.max(0, options.capacity ?? 0);
    let wasm: SqCodesWasm | null = null;
    if (resolveKernelBackend(options.kernels) === 'simd') {
      try {
        wasm = new SqCodesWasm(this.dim, this.codeSize, this.capacity);
      } catch {
        wasm = null;
      }
    }
    this.wasm = wasm;
    this.plain = wasm === null ? new Uint8Array(this.capacity * this.codeSize) : new Uint8Array(0);
    this.syncScale();
  }

  /** The backend the codes are searched on now. */
  get backend(): 'js' | 'simd' {
    return this.wasm !== null ? 'simd' : 'js';
  }

  /** The codes, `capacity × codeSize` bytes (a view into WebAssembly memory on SIMD); re-read after growth. */
  get codes(): Uint8Array {
    const w = this.wasm;
    return w !== null ? w.u8.subarray(w.codesPtr, w.codesPtr + this.capacity * this.codeSize) : this.plain;
  }

  /** Copy the quantizer's steps into the kernels' memory; call after (re)training it. */
  syncScale(): void {
    const w = this.wasm;
    if (w !== null) w.f32.set(this.quantizer.scale, w.scalePtr >>> 2);
  }

  /** Make room for `rows` codes (doubling), keeping the stored ones. */
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    let cap = Math.max(16, this.capacity);
    while (cap < rows) cap *= 2;
    const w = this.wasm;
    if (w !== null) {
      const scratchPtr = align64(w.codesPtr + cap * this.codeSize);
      if (w.growTo(scratchPtr + INITIAL_SCRATCH)) {
        w.scratchPtr = scratchPtr;
        this.capacity = cap;
        return;
      }
      // Past the 32-bit memory limit: continue on the scalar backend.
      this.plain = w.u8.slice(w.codesPtr, w.codesPtr + this.size * this.codeSize);
      this.wasm = null;
    }
    const next = new Uint8Array(cap * this.codeSize);
    next.set(this.plain.subarray(0, this.size * this.codeSize));
    this.plain = next;
    this.capacity = cap;
  }

  /**
   * Encode `count` rows of `x` (row-major, `dim` per row, from row `xStart`) into code rows
   * `first … first + count`, growing as needed; `size` becomes at least `first + count`.
   */
  encodeRows(x: Float32Array, xStart: number, first: number, count: number): void {
    this.reserve(first + count);
    const codes = this.codes;
    const q = this.quantizer;
    const dim = this.dim;
    const cs = this.codeSize;
    for (let i = 0; i < count; i++) q.encodeInto(x, (xStart + i) * dim, codes, (first + i) * cs);
    if (first + count > this.size) this.size = first + count;
  }

  /** Drop codes from the end so that `size` remain. */
  truncate(size: number): void {
    if (size < this.size) this.size = size;
  }

  /** A copy of the stored codes, `size × codeSize` bytes. */
  view(): Uint8Array {
    return this.codes.slice(0, this.size * this.codeSize);
  }

  /** Bytes of the codes stored (`size × codeSize`). */
  usedBytes(): number {
    return this.size * this.codeSize;
  }

  /** Bytes allocated: the code capacity, or the whole WebAssembly memory on SIMD. */
  memoryBytes(): number {
    return this.wasm !== null ? this.wasm.memory.buffer.byteLength : this.plain.byteLength;
  }
}

/**
 * Internal (smaller-is-closer) distances from a float query to the codes of an
 * {@link SqCodes}: the quantized twin of core's `DistanceComputer`, one per search context.
 */
export class SqDistanceComputer {
  /** The codes measured. */
  readonly codes: SqCodes;
  /** The metric policy (kernel kind, bias, normalisation). */
  readonly policy: MetricPolicy;
  /** The current query (a copy, normalised for cosine), length `dim`. */
  readonly query: Float32Array;
  /** The prepared query (see the module doc), length `dim`. */
  readonly qa: Float32Array;
  /** For inner-product kinds: `bias − Σ_j q_j·vmin_j`. */
  base: number;
  private readonly isL2: boolean;
  private readonly tmp: Float32Array;

  /**
   * @param codes - the codes to measure.
   * @param policy - the metric policy of the index (queries are normalised when it says so).
   */
  constructor(codes: SqCodes, policy: MetricPolicy) {
    this.codes = codes;
    this.policy = policy;
    this.query = new Float32Array(codes.dim);
    this.qa = new Float32Array(codes.dim);
    this.tmp = new Float32Array(codes.dim);
    this.base = 0;
    this.isL2 = policy.kind === 'l2';
  }

  /** Make `q[qOff … qOff + dim)` the current query (normalised for cosine) and prepare it. */
  setQuery(q: Float32Array, qOff: number): void {
    const dim = this.codes.dim;
    this.query.set(q.subarray(qOff, qOff + dim));
    if (this.policy.normalize) normalizeInPlace(this.query, 0, dim);
    this.prepare();
  }

  /** Make the decoded code of row `id` the current query. */
  setQueryToRow(id: number): void {
    const c = this.codes;
    c.quantizer.decodeInto(c.codes, id * c.codeSize, this.query, 0);
    this.prepare();
  }

  private prepare(): void {
    const c = this.codes;
    const qz = c.quantizer;
    const dim = c.dim;
    const q = this.query;
    const qa = this.qa;
    if (this.isL2) {
      for (let j = 0; j < dim; j++) qa[j] = q[j] - qz.vmin[j];
      this.base = 0;
    } else {
      let b = 0;
      for (let j = 0; j < dim; j++) {
        qa[j] = q[j] * qz.scale[j];
        b += q[j] * qz.vmin[j];
      }
      this.base = this.policy.bias - b;
    }
    const w = c.wasm;
    if (w !== null) this.load(w);
  }

  private load(w: SqCodesWasm): void {
    w.f32.set(this.qa, w.qaPtr >>> 2);
    w.queryOwner = this;
  }

  /** Internal distance from the current query to the code of row `id`. */
  distanceTo(id: number): number {
    const c = this.codes;
    const w = c.wasm;
    if (w?.ensureScratch(16)) {
      if (w.queryOwner !== this) this.load(w);
      const idsPtr = w.scratchPtr;
      w.i32[idsPtr >>> 2] = id;
      this.runIds(w, idsPtr, 1, idsPtr + 8);
      return w.f64[(idsPtr + 8) >>> 3];
    }
    const codes = c.codes;
    const off = id * c.codeSize;
    return this.isL2
      ? sqL2Code(this.qa, c.quantizer.scale, codes, off, c.bits, c.dim)
      : this.base - sqDotCode(this.qa, codes, off, c.bits, c.dim);
  }

  private runIds(w: SqCodesWasm, idsPtr: number, count: number, outPtr: number): void {
    const c = this.codes;
    const k = w.k;
    if (c.bits === 8) {
      if (this.isL2) k.sq8L2Ids(w.qaPtr, w.scalePtr, w.codesPtr, c.codeSize, idsPtr, count, c.dim, outPtr);
      else k.sq8DotIds(w.qaPtr, w.codesPtr, c.codeSize, idsPtr, count, c.dim, this.base, outPtr);
    } else if (this.isL2) k.sq4L2Ids(w.qaPtr, w.scalePtr, w.codesPtr, c.codeSize, idsPtr, count, c.dim, outPtr);
    else k.sq4DotIds(w.qaPtr, w.codesPtr, c.codeSize, idsPtr, count, c.dim, this.base, outPtr);
  }

  /** `out[outOff + r]` = internal distance to the code of row `ids[idsOff + r]`, r in [0, count). */
  distancesToIds(ids: Int32Array, idsOff: number, count: number, out: Float64Array, outOff: number): void {
    const c = this.codes;
    const w = c.wasm;
    if (w?.ensureScratch(count * 12 + 8)) {
      if (w.queryOwner !== this) this.load(w);
      const idsPtr = w.scratchPtr;
      const outPtr = idsPtr + ((count * 4 + 7) & ~7);
      const i32 = w.i32;
      const idsBase = idsPtr >>> 2;
      for (let r = 0; r < count; r++) i32[idsBase + r] = ids[idsOff + r];
      this.runIds(w, idsPtr, count, outPtr);
      const f64 = w.f64;
      const src = outPtr >>> 3;
      for (let r = 0; r < count; r++) out[outOff + r] = f64[src + r];
      return;
    }
    if (this.isL2) sqL2Ids(this.qa, c.quantizer.scale, c.codes, c.codeSize, c.bits, ids, idsOff, count, c.dim, out, outOff);
    else sqDotIds(this.qa, c.codes, c.codeSize, c.bits, ids, idsOff, count, c.dim, this.base, out, outOff);
  }

  /** `out[outOff + r]` = internal distance to the code of row `start + r`, r in [0, count). */
  distancesToRange(start: number, count: number, out: Float64Array, outOff: number): void {
    const c = this.codes;
    const w = c.wasm;
    if (w?.ensureScratch(count * 8)) {
      if (w.queryOwner !== this) this.load(w);
      const outPtr = w.scratchPtr;
      const codes = w.codesPtr + start * c.codeSize;
      const k = w.k;
      if (c.bits === 8) {
        if (this.isL2) k.sq8L2Range(w.qaPtr, w.scalePtr, codes, c.codeSize, count, c.dim, outPtr);
        else k.sq8DotRange(w.qaPtr, codes, c.codeSize, count, c.dim, this.base, outPtr);
      } else if (this.isL2) k.sq4L2Range(w.qaPtr, w.scalePtr, codes, c.codeSize, count, c.dim, outPtr);
      else k.sq4DotRange(w.qaPtr, codes, c.codeSize, count, c.dim, this.base, outPtr);
      const src = outPtr >>> 3;
      out.set(w.f64.subarray(src, src + count), outOff);
      return;
    }
    if (this.isL2) sqL2Range(this.qa, c.quantizer.scale, c.codes, c.codeSize, c.bits, start, count, c.dim, out, outOff);
    else sqDotRange(this.qa, c.codes, c.codeSize, c.bits, start, count, c.dim, this.base, out, outOff);
  }

  /**
   * Internal distance between the decoded codes of rows `i` and `j` (no query involved; not
   * a hot path: it decodes both rows).
   */
  symmetric(i: number, j: number): number {
    const c = this.codes;
    const qz = c.quantizer;
    const a = this.tmp;
    qz.decodeInto(c.codes, i * c.codeSize, a, 0);
    const codes = c.codes;
    const off = j * c.codeSize;
    if (this.isL2) return qz.l2SquaredRef(a, 0, codes, off);
    return this.policy.bias - qz.dotRef(a, 0, codes, off);
  }
}
