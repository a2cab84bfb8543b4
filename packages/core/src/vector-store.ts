/**
 * Row-major vector storage owned by core, so every index keeps its vectors the same way and
 * the kernel backend decides where they live without touching the algorithms.
 *
 * With the `'js'` backend the rows are an ordinary `Float32Array`. With `'simd'` (the
 * `'auto'` default where the runtime has WebAssembly SIMD) they live in a growable
 * `WebAssembly.Memory` owned by this store (see `wasm/wasm-rows.ts`), and `data` is a
 * `Float32Array` view of them, so the SIMD kernels read rows in place and JavaScript code
 * reads them exactly as before. Beyond 4 GiB of 32-bit WebAssembly memory (or when the runtime
 * refuses to grow it) the store moves its rows to a `Float32Array` and continues on the
 * scalar backend ({@link VectorStore.backend} then reads `'js'`).
 *
 * @module
 */
import { AnnlabError } from './errors.js';
import { checkVectors } from './validate.js';
import { normalizeInPlace } from './metrics.js';
import type { KernelBackend } from './types.js';
import { checkKernelBackend, resolveKernelBackend } from './wasm/wasm-kernels.js';
import { WASM_MAX_BYTES, WasmRows } from './wasm/wasm-rows.js';

/** Options for {@link VectorStore}. */
export interface VectorStoreOptions {
  /**
   * Scale each row to unit length as it is stored (cosine indexes).
   * @defaultValue false
   */
  normalize?: boolean;
  /**
   * Rows to allocate up front; the store doubles its capacity as needed.
   * @defaultValue 0
   */
  capacity?: number;
  /**
   * Distance-kernel backend the store's rows are laid out for (see {@link KernelBackend}).
   * @defaultValue `'auto'`
   */
  kernels?: KernelBackend;
  /**
   * Cap on the store's WebAssembly memory in bytes (SIMD backend only); past it the store
   * falls back to the scalar backend. Lower it only to exercise that fallback.
   * @defaultValue 4 GiB (the 32-bit WebAssembly limit)
   */
  maxWasmBytes?: number;
}

/**
 * A growable `capacity × dim` row-major `Float32Array`; row `i` starts at `i * dim`.
 *
 * Capacity doubles when full (hnswlib's `resizeIndex`), so `data` may be replaced by a
 * larger array on any append: **re-read `store.data` after every append**, never keep it
 * across one.
 */
export class VectorStore {
  /** Components per row. */
  readonly dim: number;
  /** Whether rows are scaled to unit length when stored. */
  readonly normalize: boolean;
  /** Number of rows stored. */
  size: number;
  /** The kernel backend requested for this store (validated; `'auto'` unresolved). */
  readonly kernels: KernelBackend;
  /**
   * The rows in WebAssembly memory when the store runs on the SIMD backend, else `null`.
   * DistanceComputer dispatches on it once per call.
   */
  wasm: WasmRows | null;
  private rows: Float32Array;

  /**
   * @param dim - components per row (≥ 1).
   * @param options - see {@link VectorStoreOptions}.
   * @throws AnnlabError `INVALID_PARAMETER` when `kernels` is not `'auto'`, `'js'` or `'simd'`.
   */
  constructor(dim: number, options: VectorStoreOptions = {}) {
    this.dim = dim;
    this.normalize = options.normalize ?? false;
    this.size = 0;
    this.kernels = checkKernelBackend(options.kernels);
    const capacity = Math.max(0, options.capacity ?? 0);
    let wasm: WasmRows | null = null;
    if (resolveKernelBackend(this.kernels) === 'simd') {
      try {
        wasm = new WasmRows(dim, capacity, options.maxWasmBytes ?? WASM_MAX_BYTES);
      } catch {
        wasm = null; // too large for 32-bit wasm memory, or refused: scalar backend
      }
    }
    this.wasm = wasm;
    this.rows = wasm !== null ? wasm.data : new Float32Array(capacity * dim);
  }

  /**
   * The rows: length `capacity * dim`, row-major; only the first `size * dim` values are
   * meaningful. Replaced on growth: re-read after every append. Assigning an array copies it
   * in when the rows live in WebAssembly memory (and adopts it as is otherwise).
   */
  get data(): Float32Array {
    // In WebAssembly memory the current view is the WasmRows one: growing the memory (for
    // rows or for per-call kernel scratch) detaches every earlier view of its buffer.
    const wasm = this.wasm;
    return wasm !== null ? wasm.data : this.rows;
  }

  /** Replace the rows with `value` (copied into WebAssembly memory when the store lives there). */
  set data(value: Float32Array) {
    const wasm = this.wasm;
    if (wasm !== null) {
      const rows = Math.ceil(value.length / this.dim);
      if (wasm.reserveRows(rows)) {
        wasm.data.set(value);
        this.rows = wasm.data;
        return;
      }
      this.wasm = null;
    }
    this.rows = value;
  }

  /** The backend the store runs on now: `'simd'` while its rows are in WebAssembly memory. */
  get backend(): 'js' | 'simd' {
    return this.wasm !== null ? 'simd' : 'js';
  }

  /**
   * A store over existing rows (used when loading a file). `data.length` must be a multiple
   * of `dim`; rows are taken as already normalised. With the default `kernels: 'js'` the
   * array is adopted without copying; with `'simd'`/`'auto'` it is copied into WebAssembly
   * memory.
   */
  static adopt(dim: number, data: Float32Array, normalize: boolean, kernels: KernelBackend = 'js'): VectorStore {
    if (data.length % dim !== 0) {
      throw new AnnlabError('CORRUPT_DATA', `vector section has ${data.length} values, not a multiple of dim = ${dim}.`);
    }
    // The same range add() enforces: stored values that would overflow float32 distances
    // (or all-but-vanish) cannot have been added, so the file was crafted or damaged.
    try {
      checkVectors(data, dim, 'stored vectors');
    } catch (e) {
      throw new AnnlabError('CORRUPT_DATA', `vector section is inconsistent: ${(e as Error).message}`, { cause: e });
    }
    const store = new VectorStore(dim, { normalize, kernels });
    store.data = data;
    store.size = data.length / dim;
    return store;
  }

  /** Rows the current allocation can hold. */
  get capacity(): number {
    return this.data.length / this.dim;
  }

  /**
   * Make room for at least `rows` rows (doubling), keeping the stored ones. A SIMD store
   * that would pass its WebAssembly memory cap moves to a `Float32Array` (scalar backend).
   */
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    let cap = Math.max(16, this.capacity);
    while (cap < rows) cap *= 2;
    const wasm = this.wasm;
    if (wasm !== null) {
      if (wasm.reserveRows(cap)) {
        this.rows = wasm.data;
        return;
      }
      // Past the 32-bit memory limit: continue on the scalar backend, from the current view.
      this.rows = wasm.data;
      this.wasm = null;
    }
    const next = new Float32Array(cap * this.dim);
    next.set(this.rows.subarray(0, this.size * this.dim));
    this.rows = next;
  }

  /**
   * Append `count` rows read from `src` starting at row offset `srcOff` (in values).
   * Values must already be validated. Normalises the copies when the store normalises.
   * @returns the id of the first appended row.
   */
  append(src: Float32Array, srcOff: number = 0, count: number = (src.length - srcOff) / this.dim): number {
    const first = this.size;
    this.reserve(first + count);
    const dim = this.dim;
    this.data.set(src.subarray(srcOff, srcOff + count * dim), first * dim);
    if (this.normalize) {
      for (let i = 0; i < count; i++) normalizeInPlace(this.data, (first + i) * dim, dim);
    }
    this.size = first + count;
    return first;
  }

  /**
   * Append `count` rows already in stored form (read back from a file): copied as they are,
   * never normalised again, so a loaded index re-serializes to the same bytes (normalising a
   * unit vector in float32 can move its last bits).
   * @returns the id of the first appended row.
   */
  appendStored(src: Float32Array, srcOff: number = 0, count: number = (src.length - srcOff) / this.dim): number {
    const first = this.size;
    this.reserve(first + count);
    this.data.set(src.subarray(srcOff, srcOff + count * this.dim), first * this.dim);
    this.size = first + count;
    return first;
  }

  /** Overwrite row `id` with `dim` values from `src` at `srcOff` (normalised if the store normalises). */
  set(id: number, src: Float32Array, srcOff: number = 0): void {
    const dim = this.dim;
    this.data.set(src.subarray(srcOff, srcOff + dim), id * dim);
    if (this.normalize) normalizeInPlace(this.data, id * dim, dim);
  }

  /** Drop rows from the end so that `size` rows remain (undoing a failed append). */
  truncate(size: number): void {
    if (size < this.size) this.size = size;
  }

  /** Offset of row `id` in `data`. */
  rowOffset(id: number): number {
    return id * this.dim;
  }

  /** A copy of row `id` as a new `Float32Array` (not for hot paths). */
  row(id: number): Float32Array {
    return this.data.slice(id * this.dim, (id + 1) * this.dim);
  }

  /** The stored rows, `size × dim`, as a view (no copy). */
  view(): Float32Array {
    return this.data.subarray(0, this.size * this.dim);
  }

  /**
   * Bytes of the row allocation (capacity, not size). On the SIMD backend the store's
   * WebAssembly memory also holds a query slot and scratch and is rounded up to 64 KiB pages:
   * {@link VectorStore.reservedBytes} reports that total.
   */
  memoryBytes(): number {
    return this.data.byteLength;
  }

  /**
   * Bytes of the rows stored: `size × dim × 4`. The allocation ({@link VectorStore.memoryBytes})
   * doubles as the store grows, so it can be up to twice this; report this figure as what an
   * index uses, and the allocation as its capacity.
   */
  usedBytes(): number {
    return this.size * this.dim * 4;
  }

  /** Bytes the store actually holds: the whole WebAssembly memory on SIMD, else the rows. */
  reservedBytes(): number {
    return this.wasm !== null ? this.wasm.byteLength : this.data.byteLength;
  }
}
