/**
 * A {@link VectorStore}'s rows placed in a growable `WebAssembly.Memory`, with a kernel
 * instance over that memory, so the SIMD kernels read vectors in place (no copy per call).
 *
 * One memory per store: `memory.grow` detaches every view of the old buffer, so sharing one
 * memory between stores would invalidate the other stores' `data` whenever one of them grew.
 *
 * Memory layout (byte addresses, 64-byte aligned regions):
 *
 * ```
 * [0, 64)                        unused (address 0 stays null)
 * [64, 64 + qBytes)              query slot: the current DistanceComputer query, dim floats
 * [rowsPtr, rowsPtr + cap·dim·4) rows, row i at rowsPtr + i·dim·4 (`VectorStore.data` views it)
 * [scratchPtr, end of memory)    per-call scratch: id lists, tile queries, float64 outputs
 * ```
 *
 * Rows never move: growing the memory extends it in place, and the scratch region (which
 * holds nothing between calls) simply starts further on. Only the query slot is kept between
 * calls; {@link WasmRows.queryOwner} records which DistanceComputer's query it holds, so
 * several computers over one store (an insert context and a search context) each reload
 * their query on first use after another one used the slot.
 *
 * **The 4 GiB limit.** Addresses are 32-bit, so one memory holds at most 65 536 pages of
 * 64 KiB = 4 GiB: about 1.3 M rows of 784 floats, 8.3 M rows of 128. When an append would
 * need more (or the runtime refuses to grow), {@link WasmRows.reserveRows} reports failure and
 * the store moves its rows to an ordinary `Float32Array` and continues on the scalar (`'js'`)
 * backend: same results, scalar speed. Browsers may cap memory lower (e.g. 2 GiB on some
 * 32-bit or mobile builds); the same fallback applies there.
 *
 * @module
 */
import { instantiateKernels, type KernelExports } from './wasm-kernels.js';

/** Bytes per WebAssembly page. */
export const WASM_PAGE_BYTES: number = 65536;
/** Largest 32-bit WebAssembly memory: 65 536 pages = 4 GiB. */
export const WASM_MAX_BYTES: number = 65536 * WASM_PAGE_BYTES;
/** Address of the query slot. */
const QUERY_PTR = 64;
/** Scratch bytes reserved up front (a 1024-row float64 block plus ids). */
const INITIAL_SCRATCH = 16384;

function align64(x: number): number {
  return Math.ceil(x / 64) * 64;
}

/**
 * Every buffer of every store's WebAssembly memory handed out so far. Growing a memory
 * detaches its old buffer and every view of it, so an input that views one (a self-join:
 * `index.search(index.store.view(), k)`) must be copied before a call that may grow it.
 */
const MEMORY_BUFFERS = new WeakSet<ArrayBufferLike>();

/**
 * `x` itself, or a copy of it when it views the WebAssembly memory of an annlab store
 * (which the call about to run may grow, detaching `x` mid-read). Indexes pass their `add`
 * and `search` inputs through it; the check is one WeakSet lookup.
 */
export function stableInput(x: Float32Array): Float32Array {
  return MEMORY_BUFFERS.has(x.buffer) ? x.slice() : x;
}

/** Rows of one store in WebAssembly memory, with the kernel instance that reads them. */
export class WasmRows {
  /** Components per row. */
  readonly dim: number;
  /** Bytes per row (`dim * 4`). */
  readonly rowBytes: number;
  /** The store's own memory. */
  readonly memory: WebAssembly.Memory;
  /** The kernel instance over {@link WasmRows.memory}. */
  readonly k: KernelExports;
  /** Byte address of the query slot (`dim` floats). */
  readonly qPtr: number;
  /** Byte address of row 0. */
  readonly rowsPtr: number;
  /** Largest memory this store may use, in bytes (≤ 4 GiB). */
  readonly maxBytes: number;
  /** Rows the row region holds. */
  capacity: number;
  /** Byte address of the scratch region (just past the row region). */
  scratchPtr: number;
  /** Which DistanceComputer's query the query slot holds (`null`: none). */
  queryOwner: object | null;
  /** Views of the whole memory, refreshed after every growth. */
  f32: Float32Array;
  /** Float64 view of the whole memory (outputs). */
  f64: Float64Array;
  /** Int32 view of the whole memory (id lists). */
  i32: Int32Array;
  /** Byte view of the whole memory (PQ codes). */
  u8: Uint8Array;
  /** The rows, `capacity × dim` (what `VectorStore.data` returns). */
  data: Float32Array;

  /**
   * @param dim - components per row.
   * @param capacity - rows to make room for.
   * @param maxBytes - memory cap in bytes (default and maximum 4 GiB).
   * @throws RangeError when even the initial memory cannot be allocated (callers fall back).
   */
  constructor(dim: number, capacity: number, maxBytes: number = WASM_MAX_BYTES) {
    this.dim = dim;
    this.rowBytes = dim * 4;
    this.maxBytes = Math.min(maxBytes, WASM_MAX_BYTES);
    this.qPtr = QUERY_PTR;
    this.rowsPtr = align64(QUERY_PTR + this.rowBytes);
    this.capacity = capacity;
    this.scratchPtr = align64(this.rowsPtr + capacity * this.rowBytes);
    const bytes = this.scratchPtr + INITIAL_SCRATCH;
    if (bytes > this.maxBytes) throw new RangeError('initial WebAssembly memory exceeds the limit');
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / WASM_PAGE_BYTES) });
    this.k = instantiateKernels(this.memory);
    this.queryOwner = null;
    const buffer = this.memory.buffer;
    MEMORY_BUFFERS.add(buffer);
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.data = new Float32Array(buffer, this.rowsPtr, capacity * dim);
  }

  /** Bytes of the whole memory. */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** Byte address of row `id`. */
  rowPtr(id: number): number {
    return this.rowsPtr + id * this.rowBytes;
  }

  /** Grow the memory to at least `bytes` (doubling); false when over the cap or refused. */
  private growTo(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return true;
    if (bytes > this.maxBytes) return false;
    const havePages = have / WASM_PAGE_BYTES;
    const needPages = Math.ceil(bytes / WASM_PAGE_BYTES);
    const maxPages = Math.floor(this.maxBytes / WASM_PAGE_BYTES);
    const wantPages = Math.min(maxPages, Math.max(needPages, havePages * 2));
    try {
      this.memory.grow(wantPages - havePages);
    } catch {
      try {
        this.memory.grow(needPages - havePages);
      } catch {
        return false;
      }
    }
    this.refreshViews();
    return true;
  }

  private refreshViews(): void {
    const buffer = this.memory.buffer;
    MEMORY_BUFFERS.add(buffer);
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.data = new Float32Array(buffer, this.rowsPtr, this.capacity * this.dim);
  }

  /**
   * Make the row region hold `capacity` rows (rows stay where they are).
   * @returns false when that would pass the memory cap; nothing changes then.
   */
  reserveRows(capacity: number): boolean {
    if (capacity <= this.capacity) return true;
    const scratchPtr = align64(this.rowsPtr + capacity * this.rowBytes);
    if (!this.growTo(scratchPtr + INITIAL_SCRATCH)) return false;
    this.capacity = capacity;
    this.scratchPtr = scratchPtr;
    this.data = new Float32Array(this.memory.buffer, this.rowsPtr, capacity * this.dim);
    return true;
  }

  /**
   * Make at least `bytes` of scratch available at {@link WasmRows.scratchPtr}.
   * @returns false when the memory cannot grow that far (the caller then uses the JS kernels).
   */
  ensureScratch(bytes: number): boolean {
    return this.scratchPtr + bytes <= this.memory.buffer.byteLength || this.growTo(this.scratchPtr + bytes);
  }

  /** Copy `dim` floats from `src[srcOff…]` into the query slot and record `owner`. */
  loadQuery(src: Float32Array, srcOff: number, owner: object): void {
    const f32 = this.f32;
    const base = this.qPtr >>> 2;
    for (let j = 0, dim = this.dim; j < dim; j++) f32[base + j] = src[srcOff + j];
    this.queryOwner = owner;
  }
}
