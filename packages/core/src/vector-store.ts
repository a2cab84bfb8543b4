/**
 * Row-major vector storage owned by core, so every index keeps its vectors the same way and
 * a faster kernel backend can later place them elsewhere (e.g. WebAssembly memory) without
 * touching the algorithms.
 *
 * @module
 */
import { AnnlabError } from './errors.js';
import { normalizeInPlace } from './metrics.js';
import type { KernelBackend } from './types.js';

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
  /** The rows: length `capacity * dim`, row-major; only the first `size * dim` values are meaningful. */
  data: Float32Array;
  /** Number of rows stored. */
  size: number;
  /** The kernel backend requested for this store. */
  readonly kernels: KernelBackend;

  /**
   * @param dim - components per row (≥ 1).
   * @param options - see {@link VectorStoreOptions}.
   */
  constructor(dim: number, options: VectorStoreOptions = {}) {
    this.dim = dim;
    this.normalize = options.normalize ?? false;
    this.data = new Float32Array(Math.max(0, options.capacity ?? 0) * dim);
    this.size = 0;
    this.kernels = options.kernels ?? 'auto';
  }

  /**
   * A store over existing rows, adopting `data` without copying (used when loading a file).
   * `data.length` must be a multiple of `dim`; rows are taken as already normalised.
   */
  static adopt(dim: number, data: Float32Array, normalize: boolean): VectorStore {
    if (data.length % dim !== 0) {
      throw new AnnlabError('CORRUPT_DATA', `vector section has ${data.length} values, not a multiple of dim = ${dim}.`);
    }
    const store = new VectorStore(dim, { normalize });
    store.data = data;
    store.size = data.length / dim;
    return store;
  }

  /** Rows the current allocation can hold. */
  get capacity(): number {
    return this.data.length / this.dim;
  }

  /** Make room for at least `rows` rows (doubling), keeping the stored ones. */
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    let cap = Math.max(16, this.capacity);
    while (cap < rows) cap *= 2;
    const next = new Float32Array(cap * this.dim);
    next.set(this.data.subarray(0, this.size * this.dim));
    this.data = next;
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

  /** Bytes of the backing allocation (capacity, not size). */
  memoryBytes(): number {
    return this.data.byteLength;
  }
}
