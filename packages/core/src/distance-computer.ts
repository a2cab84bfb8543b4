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
 * @module
 */
import { dotIds, dotRange, l2SquaredIds, l2SquaredRange } from './kernels.js';
import { dot, l2Squared, normalizeInPlace, type MetricPolicy } from './metrics.js';
import type { VectorStore } from './vector-store.js';

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
  }

  /** Make stored row `id` the current query (used while inserting into a graph or tree). */
  setQueryToRow(id: number): void {
    const dim = this.store.dim;
    this.query.set(this.store.data.subarray(id * dim, id * dim + dim));
  }

  /** Internal distance from the current query to row `id`. */
  distanceTo(id: number): number {
    const dim = this.store.dim;
    return this.isL2
      ? l2Squared(this.query, 0, this.store.data, id * dim, dim)
      : this.bias - dot(this.query, 0, this.store.data, id * dim, dim);
  }

  /** `out[outOff + r]` = internal distance to row `ids[idsOff + r]`, r in [0, count). */
  distancesToIds(ids: Int32Array, idsOff: number, count: number, out: Float64Array, outOff: number): void {
    const s = this.store;
    if (this.isL2) l2SquaredIds(this.query, 0, s.data, ids, idsOff, count, s.dim, out, outOff);
    else dotIds(this.query, 0, s.data, ids, idsOff, count, s.dim, this.bias, out, outOff);
  }

  /** `out[outOff + r]` = internal distance to row `start + r`, r in [0, count). */
  distancesToRange(start: number, count: number, out: Float64Array, outOff: number): void {
    const s = this.store;
    if (this.isL2) l2SquaredRange(this.query, 0, s.data, start, count, s.dim, out, outOff);
    else dotRange(this.query, 0, s.data, start, count, s.dim, this.bias, out, outOff);
  }

  /** Internal distance between stored rows `i` and `j` (no query involved). */
  symmetric(i: number, j: number): number {
    const s = this.store;
    const dim = s.dim;
    return this.isL2 ? l2Squared(s.data, i * dim, s.data, j * dim, dim) : this.bias - dot(s.data, i * dim, s.data, j * dim, dim);
  }
}
