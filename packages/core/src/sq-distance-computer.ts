/**
 * Scalar-quantized vectors an index can search: {@link SqCodes} holds the codes of a
 * {@link ScalarQuantizer} (growable rows), and {@link SqDistanceComputer} measures a float
 * query against them with the same surface as core's float `DistanceComputer` (`setQuery`,
 * `setQueryToRow`, `distanceTo`, `distancesToIds`, `distancesToRange`, `symmetric`), so an
 * index's search loops walk codes unchanged (FAISS `IndexHNSWSQ`: the HNSW loop over an
 * `SQDistanceComputer`).
 *
 * Derivation. A code c decodes to x_j = vmin_j + c_j·s_j (s = the quantizer's `scale`). With
 * the query prepared once as qa_j = q_j − vmin_j,
 *
 *     ‖q − x‖² = Σ_j (qa_j − c_j·s_j)² = ‖qa‖² − 2·Σ_j (qa_j·s_j)·c_j + Σ_j (c_j·s_j)²
 *     ⟨q, x⟩   = Σ_j q_j·vmin_j + Σ_j (q_j·s_j)·c_j
 *
 * so both metrics are a per-query constant, a dot product of per-query weights w with the
 * code, and (L2 only) a per-code constant norm(c) = Σ_j (c_j·s_j)², computed once when the
 * code is stored (float32, after the code in its row). This is the norm expansion that exact
 * L2 avoids (catastrophic cancellation, Annoy #314); here it is what makes the code scan cheap,
 * the distances are approximate anyway, and the exact re-rank that follows uses the plain
 * kernel. The weights are rounded to int16, wq_j = round(w_j·K), with K as large as int16 and
 * the kernels' int32 lanes allow ({@link SqDistanceComputer.weightScale}); the dot product S =
 * Σ wq_j·c_j is then an exact integer, computed eight products per SIMD instruction
 * (`i32x4.dot_i16x8_s`), and
 *
 *     distance = base − coef·S + normW·norm(c)
 *
 * with base = ‖qa‖², coef = 2/K, normW = 1 for squared L2 and base = bias − Σ q_j·vmin_j,
 * coef = 1/K, normW = 0 for `bias − ⟨q, x⟩` (inner product, cosine). Rounding the weights
 * changes a distance by at most coef·½·Σ_j c_j ≤ coef·½·levels·dim, about 10⁻⁴ of the
 * largest term for 8-bit codes, well below the quantization error itself.
 *
 * Two backends, chosen by `kernels` like `VectorStore`: the TypeScript kernels below
 * ({@link sqDistancesToIds}, {@link sqDistancesToRange}) and the WebAssembly SIMD kernels
 * (`assembly/sq-kernels.ts`), which read the rows in place from the store's own
 * `WebAssembly.Memory`. Both compute the same integer S and the same float64 formula, so they
 * agree bit for bit. The readable definitions, from the decoded vector, are
 * `ScalarQuantizer.l2SquaredRef` / `dotRef`.
 *
 * Row layout: `stride = align4(codeSize) + 4` bytes per row: the code, padding, the float32
 * norm at byte `normOffset`. SIMD memory layout (byte addresses, 64-byte aligned regions):
 *
 * ```
 * [64, …)          query slot: wq, dim int16 (the owning computer's prepared query)
 * [rowsPtr, …)     rows, capacity × stride bytes; row i at rowsPtr + i·stride
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
// TypeScript kernels (bit-identical to the SIMD ones).

/**
 * S = Σ_j wq_j · c_j for the code starting at byte `c` of `rows` (`bits` 8 or 4); an exact
 * integer, since every product and partial sum stays below 2^53.
 */
export function sqCodeDot(wq: Int16Array, rows: Uint8Array, c: number, bits: number, dim: number): number {
  let s = 0;
  if (bits === 8) {
    for (let j = 0; j < dim; j++) s += wq[j] * rows[c + j];
  } else {
    const pairs = dim >> 1;
    for (let p = 0; p < pairs; p++) {
      const b = rows[c + p];
      s += wq[2 * p] * (b & 15) + wq[2 * p + 1] * (b >> 4);
    }
    if (dim & 1) s += wq[dim - 1] * (rows[c + pairs] & 15);
  }
  return s;
}

/**
 * `out[outOff + r] = base − coef·S + normW·norm` for the row of id `ids[idsOff + r]`, r in
 * [0, count): S from {@link sqCodeDot}, norm the float32 at float index
 * `(id·stride + normOffset) / 4` of `norms` (a Float32Array view of the same rows).
 */
export function sqDistancesToIds(
  wq: Int16Array,
  rows: Uint8Array,
  norms: Float32Array,
  stride: number,
  normOffset: number,
  bits: number,
  ids: Int32Array,
  idsOff: number,
  count: number,
  dim: number,
  base: number,
  coef: number,
  normW: number,
  out: Float64Array,
  outOff: number,
): void {
  for (let r = 0; r < count; r++) {
    const row = ids[idsOff + r] * stride;
    out[outOff + r] = base - sqCodeDot(wq, rows, row, bits, dim) * coef + normW * norms[(row + normOffset) >> 2];
  }
}

/** {@link sqDistancesToIds} over the `count` contiguous rows from row `start`. */
export function sqDistancesToRange(
  wq: Int16Array,
  rows: Uint8Array,
  norms: Float32Array,
  stride: number,
  normOffset: number,
  bits: number,
  start: number,
  count: number,
  dim: number,
  base: number,
  coef: number,
  normW: number,
  out: Float64Array,
  outOff: number,
): void {
  for (let r = 0; r < count; r++) {
    const row = (start + r) * stride;
    out[outOff + r] = base - sqCodeDot(wq, rows, row, bits, dim) * coef + normW * norms[(row + normOffset) >> 2];
  }
}

// ---------------------------------------------------------------------------------------------

/** Options for {@link SqCodes}. */
export interface SqCodesOptions {
  /**
   * Kernel backend (see {@link KernelBackend}): `'simd'`/`'auto'` keep the rows in a
   * WebAssembly memory of their own, read in place by the SIMD kernels.
   * @defaultValue `'auto'`
   */
  kernels?: KernelBackend;
  /**
   * Rows to allocate room for up front; capacity doubles as needed.
   * @defaultValue 0
   */
  capacity?: number;
}

/**
 * The rows of one {@link SqCodes} store in a WebAssembly memory of their own, with the SIMD
 * kernel instance over it (layout in the module doc). Its views are replaced whenever the
 * memory grows.
 */
export class SqCodesWasm {
  /** The store's own memory. */
  readonly memory: WebAssembly.Memory;
  /** The kernel instance over {@link SqCodesWasm.memory}. */
  readonly k: SqKernelExports;
  /** Byte address of the query slot (the prepared int16 weights, `dim` of them). */
  readonly wqPtr: number;
  /** Byte address of row 0. */
  readonly rowsPtr: number;
  /** Byte address of the scratch region (just past the row capacity). */
  scratchPtr: number;
  /** Byte view of the whole memory. */
  u8: Uint8Array;
  /** Float32 view of the whole memory (norms). */
  f32: Float32Array;
  /** Float64 view of the whole memory (outputs). */
  f64: Float64Array;
  /** Int32 view of the whole memory (id lists). */
  i32: Int32Array;
  /** Int16 view of the whole memory (the query slot). */
  i16: Int16Array;
  /** Which computer's prepared query the query slot holds (`null`: none). */
  queryOwner: object | null;

  /**
   * @param dim - components per vector.
   * @param stride - bytes per row.
   * @param capacity - rows to make room for.
   * @throws RangeError when the initial memory would pass 4 GiB (callers fall back to JS).
   */
  constructor(dim: number, stride: number, capacity: number) {
    this.wqPtr = QUERY_PTR;
    this.rowsPtr = align64(QUERY_PTR + dim * 2);
    this.scratchPtr = align64(this.rowsPtr + capacity * stride);
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
    this.i16 = new Int16Array(buffer);
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
    this.i16 = new Int16Array(buffer);
    return true;
  }

  /** Make `bytes` of scratch available at {@link SqCodesWasm.scratchPtr}; false when the memory cannot grow. */
  ensureScratch(bytes: number): boolean {
    return this.scratchPtr + bytes <= this.memory.buffer.byteLength || this.growTo(this.scratchPtr + bytes);
  }
}

/**
 * The scalar codes of a set of vectors, encoded by one {@link ScalarQuantizer}: row i holds
 * the code of vector i and its norm Σ_j (c_j·s_j)² (layout in the module doc). Capacity
 * doubles when full, so re-read {@link SqCodes.rows} / {@link SqCodes.norms} after every
 * append. When the quantizer is retrained, re-encode every row (the norms depend on it).
 */
export class SqCodes {
  /** The quantizer the codes were made with. */
  readonly quantizer: ScalarQuantizer;
  /** Vector dimension. */
  readonly dim: number;
  /** Bits per component (8 or 4). */
  readonly bits: number;
  /** Bytes per code. */
  readonly codeSize: number;
  /** Byte offset of the float32 norm within a row (`codeSize` rounded up to 4). */
  readonly normOffset: number;
  /** Bytes per row: code, padding, norm. */
  readonly stride: number;
  /** Rows stored (rows [0, size) are meaningful). */
  size: number;
  /** Rows the allocation holds. */
  capacity: number;
  /** The rows in WebAssembly memory on the SIMD backend, else null. */
  wasm: SqCodesWasm | null;
  private plain: Uint8Array;
  private plainNorms: Float32Array;

  /**
   * @param quantizer - the quantizer that encodes.
   * @param options - see {@link SqCodesOptions}.
   */
  constructor(quantizer: ScalarQuantizer, options: SqCodesOptions = {}) {
    this.quantizer = quantizer;
    this.dim = quantizer.dim;
    this.bits = quantizer.bits;
    this.codeSize = quantizer.codeSize;
    this.normOffset = (this.codeSize + 3) & ~3;
    this.stride = this.normOffset + 4;
    this.size = 0;
    this.capacity = Math.max(0, options.capacity ?? 0);
    let wasm: SqCodesWasm | null = null;
    if (resolveKernelBackend(options.kernels) === 'simd') {
      try {
        wasm = new SqCodesWasm(this.dim, this.stride, this.capacity);
      } catch {
        wasm = null;
      }
    }
    this.wasm = wasm;
    this.plain = new Uint8Array(wasm === null ? this.capacity * this.stride : 0);
    this.plainNorms = new Float32Array(this.plain.buffer);
  }

  /** The backend the codes are searched on now. */
  get backend(): 'js' | 'simd' {
    return this.wasm !== null ? 'simd' : 'js';
  }

  /** The rows, `capacity × stride` bytes (a view into WebAssembly memory on SIMD); re-read after growth. */
  get rows(): Uint8Array {
    const w = this.wasm;
    return w !== null ? w.u8.subarray(w.rowsPtr, w.rowsPtr + this.capacity * this.stride) : this.plain;
  }

  /** A float32 view of the same rows: row i's norm at index `(i·stride + normOffset) / 4`. */
  get norms(): Float32Array {
    const w = this.wasm;
    return w !== null ? w.f32.subarray(w.rowsPtr >>> 2, (w.rowsPtr + this.capacity * this.stride) >>> 2) : this.plainNorms;
  }

  /** Make room for `rows` rows (doubling), keeping the stored ones. */
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    let cap = Math.max(16, this.capacity);
    while (cap < rows) cap *= 2;
    const w = this.wasm;
    if (w !== null) {
      const scratchPtr = align64(w.rowsPtr + cap * this.stride);
      if (w.growTo(scratchPtr + INITIAL_SCRATCH)) {
        w.scratchPtr = scratchPtr;
        this.capacity = cap;
        return;
      }
      // Past the 32-bit memory limit: continue on the scalar backend.
      this.plain = w.u8.slice(w.rowsPtr, w.rowsPtr + this.size * this.stride);
      this.wasm = null;
    }
    const next = new Uint8Array(cap * this.stride);
    next.set(this.plain.subarray(0, this.size * this.stride));
    this.plain = next;
    this.plainNorms = new Float32Array(next.buffer);
    this.capacity = cap;
  }

  /**
   * Encode `count` rows of `x` (row-major, `dim` per row, from row `xStart`) into rows
   * `first … first + count` with their norms, growing as needed; `size` becomes at least
   * `first + count`.
   */
  encodeRows(x: Float32Array, xStart: number, first: number, count: number): void {
    this.reserve(first + count);
    const rows = this.rows;
    const q = this.quantizer;
    const dim = this.dim;
    for (let i = 0; i < count; i++) q.encodeInto(x, (xStart + i) * dim, rows, (first + i) * this.stride);
    this.computeNorms(first, count);
    if (first + count > this.size) this.size = first + count;
  }

  /** Norms of rows `first … first + count` from their codes: Σ_j (c_j·s_j)², as float32. */
  private computeNorms(first: number, count: number): void {
    const rows = this.rows;
    const norms = this.norms;
    const q = this.quantizer;
    const scale = q.scale;
    const dim = this.dim;
    for (let i = first; i < first + count; i++) {
      const off = i * this.stride;
      let s = 0;
      for (let j = 0; j < dim; j++) {
        const v = q.codeAt(rows, off, j) * scale[j];
        s += v * v;
      }
      norms[(off + this.normOffset) >> 2] = s;
    }
  }

  /**
   * Replace the contents with `n` packed codes (`n × codeSize` bytes, as {@link SqCodes.view}
   * returns them), recomputing the norms with the quantizer's current ranges.
   */
  load(packed: Uint8Array, n: number): void {
    this.size = 0;
    this.reserve(n);
    const rows = this.rows;
    const cs = this.codeSize;
    for (let i = 0; i < n; i++) rows.set(packed.subarray(i * cs, i * cs + cs), i * this.stride);
    this.computeNorms(0, n);
    this.size = n;
  }

  /** Drop rows from the end so that `size` remain. */
  truncate(size: number): void {
    if (size < this.size) this.size = size;
  }

  /** A packed copy of the stored codes, `size × codeSize` bytes (no norms). */
  view(): Uint8Array {
    const rows = this.rows;
    const cs = this.codeSize;
    const out = new Uint8Array(this.size * cs);
    for (let i = 0; i < this.size; i++) out.set(rows.subarray(i * this.stride, i * this.stride + cs), i * cs);
    return out;
  }

  /** Bytes of the rows stored (`size × stride`: codes and norms). */
  usedBytes(): number {
    return this.size * this.stride;
  }

  /** Bytes allocated: the row capacity, or the whole WebAssembly memory on SIMD. */
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
  /** The prepared query: int16 weights wq_j = round(w_j · weightScale), length `dim`. */
  readonly wq: Int16Array;
  /** K of the module doc: the weights' scale for the current query. */
  weightScale: number;
  /** The per-query constant of the module doc's formula. */
  base: number;
  /** The multiplier of S (2/K for squared L2, 1/K for inner products). */
  coef: number;
  private readonly normW: number;
  private readonly w: Float64Array;
  private readonly tmp: Float32Array;

  /**
   * @param codes - the codes to measure.
   * @param policy - the metric policy of the index (queries are normalised when it says so).
   */
  constructor(codes: SqCodes, policy: MetricPolicy) {
    this.codes = codes;
    this.policy = policy;
    this.query = new Float32Array(codes.dim);
    this.wq = new Int16Array(codes.dim);
    this.w = new Float64Array(codes.dim);
    this.tmp = new Float32Array(codes.dim);
    this.weightScale = 1;
    this.base = 0;
    this.coef = 0;
    this.normW = policy.kind === 'l2' ? 1 : 0;
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
    c.quantizer.decodeInto(c.rows, id * c.stride, this.query, 0);
    this.prepare();
  }

  /** The weights, the constant and K for the current query (module doc). */
  private prepare(): void {
    const c = this.codes;
    const qz = c.quantizer;
    const dim = c.dim;
    const q = this.query;
    const w = this.w;
    const isL2 = this.normW === 1;
    let base = 0;
    let maxW = 0;
    for (let j = 0; j < dim; j++) {
      if (isL2) {
        const a = q[j] - qz.vmin[j];
        base += a * a;
        w[j] = a * qz.scale[j];
      } else {
        base += q[j] * qz.vmin[j];
        w[j] = q[j] * qz.scale[j];
      }
      const m = Math.abs(w[j]);
      if (m > maxW) maxW = m;
    }
    // |wq_j| ≤ 32767 (int16), and no int32 lane of the SIMD sum passes 2^31 − 1: a lane adds
    // ⌈dim/4⌉ products of at most levels·max|wq|.
    let k = 1;
    if (maxW > 0) k = Math.min(32767 / maxW, 2147483647 / (qz.levels * maxW * Math.ceil(dim / 4)));
    const wq = this.wq;
    for (let j = 0; j < dim; j++) wq[j] = Math.round(w[j] * k);
    this.weightScale = k;
    this.base = isL2 ? base : this.policy.bias - base;
    this.coef = isL2 ? 2 / k : 1 / k;
    const wm = c.wasm;
    if (wm !== null) this.load(wm);
  }

  private load(w: SqCodesWasm): void {
    w.i16.set(this.wq, w.wqPtr >>> 1);
    w.queryOwner = this;
  }

  /** Internal distance from the current query to the code of row `id`. */
  distanceTo(id: number): number {
    const c = this.codes;
    const off = id * c.stride;
    const s = sqCodeDot(this.wq, c.rows, off, c.bits, c.dim);
    return this.base - s * this.coef + this.normW * c.norms[(off + c.normOffset) >> 2];
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
      if (c.bits === 8) {
        w.k.sq8Ids(w.wqPtr, w.rowsPtr, c.stride, c.normOffset, idsPtr, count, c.dim, this.base, this.coef, this.normW, outPtr);
      } else {
        w.k.sq4Ids(w.wqPtr, w.rowsPtr, c.stride, c.normOffset, idsPtr, count, c.dim, this.base, this.coef, this.normW, outPtr);
      }
      const f64 = w.f64;
      const src = outPtr >>> 3;
      for (let r = 0; r < count; r++) out[outOff + r] = f64[src + r];
      return;
    }
    sqDistancesToIds(
      this.wq,
      c.rows,
      c.norms,
      c.stride,
      c.normOffset,
      c.bits,
      ids,
      idsOff,
      count,
      c.dim,
      this.base,
      this.coef,
      this.normW,
      out,
      outOff,
    );
  }

  /** `out[outOff + r]` = internal distance to the code of row `start + r`, r in [0, count). */
  distancesToRange(start: number, count: number, out: Float64Array, outOff: number): void {
    const c = this.codes;
    const w = c.wasm;
    if (w?.ensureScratch(count * 8)) {
      if (w.queryOwner !== this) this.load(w);
      const outPtr = w.scratchPtr;
      const rows = w.rowsPtr + start * c.stride;
      if (c.bits === 8) w.k.sq8Range(w.wqPtr, rows, c.stride, c.normOffset, count, c.dim, this.base, this.coef, this.normW, outPtr);
      else w.k.sq4Range(w.wqPtr, rows, c.stride, c.normOffset, count, c.dim, this.base, this.coef, this.normW, outPtr);
      const src = outPtr >>> 3;
      out.set(w.f64.subarray(src, src + count), outOff);
      return;
    }
    sqDistancesToRange(
      this.wq,
      c.rows,
      c.norms,
      c.stride,
      c.normOffset,
      c.bits,
      start,
      count,
      c.dim,
      this.base,
      this.coef,
      this.normW,
      out,
      outOff,
    );
  }

  /**
   * Internal distance between the decoded codes of rows `i` and `j` (no query involved; not
   * a hot path: it decodes row i and uses the readable reference).
   */
  symmetric(i: number, j: number): number {
    const c = this.codes;
    const qz = c.quantizer;
    const a = this.tmp;
    qz.decodeInto(c.rows, i * c.stride, a, 0);
    if (this.normW === 1) return qz.l2SquaredRef(a, 0, c.rows, j * c.stride);
    return this.policy.bias - qz.dotRef(a, 0, c.rows, j * c.stride);
  }
}
