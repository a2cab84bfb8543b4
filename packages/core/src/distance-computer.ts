/**
 * Distances from one query to stored rows: the single seam between the algorithms and the
 * distance kernels (FAISS's `DistanceComputer`: `set_query`, `operator()(i)`,
 * `symmetric_dis(i, j)`).
 *
 * An index creates one per search context, calls {@link DistanceComputer.setQuery} once per
 * query (which copies it, and normalises it for cosine), then asks for distances to rows by
 * id, by id list or by range. The metric's kernel is chosen once, at construction; the
 * switch on it happens once per call, never per component. Algorithms that go through this
 * class get a faster backend for free when one is plugged in behind it.
 *
 * Two backends sit behind it, chosen by the store ({@link VectorStore.backend}): the plain-TS
 * kernels (the readable reference) and the WebAssembly SIMD kernels (`wasm/`), which read the
 * rows in place from the store's WebAssembly memory. Each call checks `store.wasm` once and
 * takes one path; on the SIMD path the query lives in the memory's query slot (copied there
 * by `setQuery`, and again on first use if another computer over the same store used the slot
 * since), id lists and outputs go through the scratch region, and results are copied out as
 * float64.
 *
 * {@link distanceTileInto} is the batch entry point (queries × rows tiles for batch search
 * and k-means assignment), dispatching the same way.
 *
 * @module
 */
import { dotIds, dotRange, dotTile, l2SquaredIds, l2SquaredRange, l2SquaredTile } from './kernels.js';
import { dot, l2Squared, normalizeInPlace, type KernelKind, type MetricPolicy } from './metrics.js';
import type { VectorStore } from './vector-store.js';
import type { WasmRows } from './wasm/wasm-rows.js';

/** Below this many results a plain loop copies them out faster than `subarray` + `set`. */
const COPY_LOOP_MAX = 64;

/** Copy `count` float64 results from wasm memory (element index `src`) to `out[outOff…]`. */
function copyOut(f64: Float64Array, src: number, count: number, out: Float64Array, outOff: number): void {
  if (count <= COPY_LOOP_MAX) {
    for (let r = 0; r < count; r++) out[outOff + r] = f64[src + r];
  } else {
    out.set(f64.subarray(src, src + count), outOff);
  }
}

/** Internal (smaller-is-closer) distances from a query to the rows of a {@link VectorStore}. */
export class DistanceComputer {
  /** The store whose rows are measured. */
  readonly store: VectorStore;
  /** The metric policy (kernel kind, bias, normalisation, reported conversion). */
  readonly policy: MetricPolicy;
  /** The current query (a copy, normalised for cosine), length `dim`. */
  readonly query: Float32Array;
  private readonly isL2: boolean;
  private readonly bias: number;

  constructor(store: VectorStore, policy: MetricPolicy) {
    this.store = store;
    this.policy = policy;
    this.query = new Float32Array(store.dim);
    this.isL2 = policy.kind === 'l2';
    this.bias = policy.bias;
  }

  /** Make `q[qOff .. qOff + dim)` the current query. */
  setQuery(q: Float32Array, qOff: number): void {
    const dim = this.store.dim;
    this.query.set(q.subarray(qOff, qOff + dim));
    if (this.policy.normalize) normalizeInPlace(this.query, 0, dim);
    const w = this.store.wasm;
    if (w !== null) w.loadQuery(this.query, 0, this);
  }

  /** Make stored row `id` the current query (used while inserting into a graph or tree). */
  setQueryToRow(id: number): void {
    const dim = this.store.dim;
    this.query.set(this.store.data.subarray(id * dim, id * dim + dim));
    const w = this.store.wasm;
    if (w !== null) w.loadQuery(this.query, 0, this);
  }

  /** Internal distance from the current query to row `id`. */
  distanceTo(id: number): number {
    const dim = this.store.dim;
    const w = this.store.wasm;
    if (w !== null) {
      if (w.queryOwner !== this) w.loadQuery(this.query, 0, this);
      const row = w.rowsPtr + id * w.rowBytes;
      return this.isL2 ? w.k.l2(w.qPtr, row, dim) : this.bias - w.k.dot(w.qPtr, row, dim);
    }
    return this.isL2
      ? l2Squared(this.query, 0, this.store.data, id * dim, dim)
      : this.bias - dot(this.query, 0, this.store.data, id * dim, dim);
  }

  /** `out[outOff + r]` = internal distance to row `ids[idsOff + r]`, r in [0, count). */
  distancesToIds(ids: Int32Array, idsOff: number, count: number, out: Float64Array, outOff: number): void {
    const s = this.store;
    const w = s.wasm;
    if (w?.ensureScratch(count * 12 + 8)) {
      this.idsWasm(w, ids, idsOff, count, out, outOff);
      return;
    }
    if (this.isL2) l2SquaredIds(this.query, 0, s.data, ids, idsOff, count, s.dim, out, outOff);
    else dotIds(this.query, 0, s.data, ids, idsOff, count, s.dim, this.bias, out, outOff);
  }

  private idsWasm(w: WasmRows, ids: Int32Array, idsOff: number, count: number, out: Float64Array, outOff: number): void {
    if (w.queryOwner !== this) w.loadQuery(this.query, 0, this);
    const idsPtr = w.scratchPtr;
    const outPtr = idsPtr + ((count * 4 + 7) & ~7);
    const i32 = w.i32;
    const idsBase = idsPtr >>> 2;
    for (let r = 0; r < count; r++) i32[idsBase + r] = ids[idsOff + r];
    if (this.isL2) w.k.l2Ids(w.qPtr, w.rowsPtr, idsPtr, count, w.dim, outPtr);
    else w.k.dotIds(w.qPtr, w.rowsPtr, idsPtr, count, w.dim, this.bias, outPtr);
    copyOut(w.f64, outPtr >>> 3, count, out, outOff);
  }

  /** `out[outOff + r]` = internal distance to row `start + r`, r in [0, count). */
  distancesToRange(start: number, count: number, out: Float64Array, outOff: number): void {
    const s = this.store;
    const w = s.wasm;
    if (w?.ensureScratch(count * 8)) {
      if (w.queryOwner !== this) w.loadQuery(this.query, 0, this);
      const outPtr = w.scratchPtr;
      const rows = w.rowsPtr + start * w.rowBytes;
      if (this.isL2) w.k.l2Range(w.qPtr, rows, w.dim, count, outPtr);
      else w.k.dotRange(w.qPtr, rows, w.dim, count, this.bias, outPtr);
      copyOut(w.f64, outPtr >>> 3, count, out, outOff);
      return;
    }
    if (this.isL2) l2SquaredRange(this.query, 0, s.data, start, count, s.dim, out, outOff);
    else dotRange(this.query, 0, s.data, start, count, s.dim, this.bias, out, outOff);
  }

  /** Internal distance between stored rows `i` and `j` (no query involved). */
  symmetric(i: number, j: number): number {
    const s = this.store;
    const dim = s.dim;
    const w = s.wasm;
    if (w !== null) {
      const a = w.rowsPtr + i * w.rowBytes;
      const b = w.rowsPtr + j * w.rowBytes;
      return this.isL2 ? w.k.l2(a, b, dim) : this.bias - w.k.dot(a, b, dim);
    }
    return this.isL2 ? l2Squared(s.data, i * dim, s.data, j * dim, dim) : this.bias - dot(s.data, i * dim, s.data, j * dim, dim);
  }
}

/**
 * Batch tile through the store's backend: `out[qi * count + r]` = internal distance between
 * query `qStart + qi` of `queries` (row-major, `store.dim` per row, already normalised for
 * cosine) and stored row `start + r`, for qi in [0, nq), r in [0, count); `out` is row-major
 * `nq × count`.
 *
 * On the SIMD backend the queries are copied into the store's scratch memory once per call
 * and the register-blocked wasm tile runs over the rows in place; otherwise
 * {@link l2SquaredTile} / {@link dotTile}. This is what batch flat search and k-means
 * assignment should call (never cache `store.data` across it: it may grow the memory).
 *
 * @param kind - `'l2'` (squared L2) or `'dot'` (`bias − ⟨q, x⟩`), e.g. `policy.kind`.
 * @param bias - for `'dot'`: 1 for cosine, 0 for inner product (`policy.bias`).
 */
export function distanceTileInto(
  store: VectorStore,
  kind: KernelKind,
  bias: number,
  queries: Float32Array,
  qStart: number,
  nq: number,
  start: number,
  count: number,
  out: Float64Array,
): void {
  const dim = store.dim;
  const w = store.wasm;
  const qBytes = Math.ceil((nq * dim * 4) / 64) * 64;
  if (w?.ensureScratch(qBytes + nq * count * 8)) {
    const qPtr = w.scratchPtr;
    const outPtr = qPtr + qBytes;
    w.f32.set(queries.subarray(qStart * dim, (qStart + nq) * dim), qPtr >>> 2);
    const rows = w.rowsPtr + start * w.rowBytes;
    if (kind === 'l2') w.k.l2Tile(qPtr, nq, rows, count, dim, outPtr);
    else w.k.dotTile(qPtr, nq, rows, count, dim, bias, outPtr);
    const src = outPtr >>> 3;
    out.set(w.f64.subarray(src, src + nq * count));
    return;
  }
  if (kind === 'l2') l2SquaredTile(queries, qStart, nq, store.data, start, count, dim, out);
  else dotTile(queries, qStart, nq, store.data, start, count, dim, bias, out);
}
