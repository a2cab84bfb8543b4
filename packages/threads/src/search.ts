/**
 * Parallel batch search for every annlab index: the queries are split into slices, each
 * searched by a worker on its replica of the index, and the results written in place into
 * shared output, so the answer is exactly that of the single-threaded `index.search` (each
 * query is searched by the same code on the same bytes; a slice always holds at least two
 * queries, so a batch never takes a one-query path that the whole batch would not).
 *
 * The index reaches the workers as its serialized bytes, placed once in a
 * `SharedArrayBuffer` ({@link SharedIndex}); each worker loads its replica from those bytes
 * once per index version and keeps it (see `replicas.ts` for what is shared and what each
 * replica copies).
 *
 * @module
 */
import {
  AnnlabError,
  type AnnIndex,
  checkK,
  checkKernelBackend,
  checkKnownKeys,
  checkVectors,
  createSearchResult,
  sharedArray,
  type KernelBackend,
  type SearchParams,
  type SearchResult,
  SearchStats,
} from '@annlab/core';
import { checkThreads } from './options.js';
import { addStats, fileTag } from './replicas.js';
import type { SearchTaskPayload } from './tasks.js';
import type { ThreadPool, ThreadPoolOptions } from './types.js';

let nextKey = 1;

/**
 * An index version shared with workers: its serialized bytes in a `SharedArrayBuffer`, and a
 * key that names this version in every worker's replica cache. Take one with
 * {@link shareIndex} and pass it to `searchBatch` in place of the index to skip the per-call
 * serialization; take a new one after changing the index (add, delete, update), or the
 * workers keep answering from the old version.
 */
export class SharedIndex<P extends SearchParams = SearchParams> {
  /** The index the bytes were taken from. */
  readonly index: AnnIndex<P>;
  /** Its file tag (`'hnsw'`, ...). */
  readonly tag: string;
  /**
   * The serialized index, a view of a `SharedArrayBuffer` (an ordinary `ArrayBuffer` in a runtime
   * without one); its byte length is the memory cost.
   */
  readonly bytes: Uint8Array;
  /** Unique per version, for the workers' replica caches. */
  readonly key: string;

  /** @param index - the index; @param bytes - its `serialize()` output (copied into shared memory). */
  constructor(index: AnnIndex<P>, bytes: Uint8Array) {
    this.index = index;
    this.tag = fileTag(bytes);
    const shared = sharedArray(Uint8Array, bytes.length);
    shared.set(bytes);
    this.bytes = shared;
    this.key = `index-${nextKey++}`;
  }
}

const lastShared = new WeakMap<AnnIndex, SharedIndex>();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `index` as a {@link SharedIndex}: serialize it (time and a transient copy proportional to
 * its size) and reuse the previous shared version when the bytes are unchanged, so workers
 * keep their replicas.
 */
export function shareIndex<P extends SearchParams>(index: AnnIndex<P>): SharedIndex<P> {
  const bytes = index.serialize();
  const previous = lastShared.get(index as AnnIndex);
  if (previous !== undefined && sameBytes(previous.bytes, bytes)) return previous as unknown as SharedIndex<P>;
  const shared = new SharedIndex(index, bytes);
  lastShared.set(index as AnnIndex, shared as unknown as SharedIndex);
  return shared;
}

/** Options of `searchBatch`. */
export interface SearchBatchOptions<P extends SearchParams = SearchParams> {
  /**
   * Threads for this call when no `pool` is given: a pool is started for the call and closed
   * after it (workers' start-up and index loading are then paid on every call; pass a `pool`
   * to pay them once). `1` searches on the calling thread, exactly `index.search`.
   * @defaultValue every available core
   */
  threads?: number;
  /** A pool to run on (kept open, with its workers' index replicas); excludes `threads`. */
  pool?: ThreadPool;
  /**
   * The index's search parameters (`efSearch`, `nprobe`, `searchK`, ...), as for
   * `index.search`. A `stats` object is filled with the sum of every worker's counters.
   * Functions (an HNSW `filter`) cannot be sent to workers and are refused.
   */
  params?: P;
  /**
   * Kernel backend of the workers' replicas. Use the backend the index was built or loaded
   * with, or distances may differ in float rounding. `'js'` shares the vectors with every
   * worker without copying; `'simd'`/`'auto'` copy them into each worker's WebAssembly memory.
   * @defaultValue `'auto'` (what an index gets by default)
   */
  kernels?: KernelBackend;
}

const BATCH_KEYS = ['threads', 'pool', 'params', 'kernels'] as const;

/** Slices per thread: a few, so a slow slice does not leave the other threads idle. */
const SLICES_PER_THREAD = 4;

/**
 * Slices start at multiples of this many queries: the flat index's batch tile (64 queries,
 * in 4-query register blocks), so a slice groups its queries into tiles exactly as one call
 * over the whole batch does and every distance is summed in the same order.
 */
export const SLICE_ALIGN = 64;

/**
 * The slice boundaries for `nq` queries: `[0, b1, ..., nq]`, at most `maxSlices` slices,
 * every inner boundary a multiple of {@link SLICE_ALIGN}, and no slice of a single query
 * (an index may answer one query by another path than a batch; a one-query remainder joins
 * the slice before it).
 */
export function sliceBounds(nq: number, maxSlices: number): number[] {
  const units = Math.ceil(nq / SLICE_ALIGN);
  const slices = Math.max(1, Math.min(maxSlices, units));
  const bounds = [0];
  for (let s = 1; s < slices; s++) bounds.push(Math.floor((s * units) / slices) * SLICE_ALIGN);
  bounds.push(nq);
  if (bounds.length > 2 && nq - bounds[bounds.length - 2] < 2) bounds.splice(bounds.length - 2, 1);
  return bounds;
}

/**
 * `searchBatch`: search `nq × dim` row-major queries for their k nearest neighbours on several threads; the
 * result is identical to `index.search(queries, k, options.params)`.
 *
 * The queries are split into slices (a few per thread, cut at multiples of 64 queries, never
 * a single query: see `sliceBounds`) that workers search on their replica of the index: the serialized index placed once in a
 * `SharedArrayBuffer` (passing the index serializes it on each call, to detect changes;
 * pass a {@link SharedIndex} from `shareIndex` to skip that). Each worker loads its replica
 * once per index version. Memory: the serialized bytes once, plus per worker the replica's
 * own arrays: with `kernels: 'js'` most loaders (flat, IVF, forest, LSH) view the shared
 * bytes without copying, while HNSW's rebuilds its links (one copy per worker); with
 * `'simd'`/`'auto'` the vectors are copied into each worker (the README has the table).
 *
 * With one thread (`threads: 1`, a one-thread pool, or fewer than two queries) it is
 * `index.search` on the calling thread. A worker that throws or dies rejects the call with
 * `AnnlabError('WORKER_FAILED')` and closes the pool; the index is unchanged.
 *
 * @example
 * ```ts
 * const pool = createThreadPool({ threads: 4 });
 * const result = await searchBatch(index, queries, 10, { pool, params: { efSearch: 64 } });
 * await pool.close();
 * ```
 */
export type SearchBatch = <P extends SearchParams>(
  index: AnnIndex<P> | SharedIndex<P>,
  queries: Float32Array,
  k: number,
  options?: SearchBatchOptions<P>,
) => Promise<SearchResult>;

/** {@link SearchBatch} on the pools `createPool` makes (each entry point passes its runtime's). */
export function searchBatchWith(createPool: (options: ThreadPoolOptions) => ThreadPool): SearchBatch {
  return (index, queries, k, options) => searchBatchOn(createPool, index, queries, k, options);
}

/**
 * Search `nq × dim` queries for their k nearest neighbours on `pool`'s threads; resolves with
 * exactly what `index.search(queries, k, params)` returns. See `searchBatch`.
 */
export async function searchBatchOn<P extends SearchParams>(
  createPool: (options: ThreadPoolOptions) => ThreadPool,
  target: AnnIndex<P> | SharedIndex<P>,
  queries: Float32Array,
  k: number,
  options: SearchBatchOptions<P> = {},
): Promise<SearchResult> {
  if (options === null || typeof options !== 'object') {
    throw new AnnlabError('INVALID_PARAMETER', 'searchBatch options must be an object such as { threads: 4, params: { efSearch: 64 } }.');
  }
  checkKnownKeys(options, BATCH_KEYS, 'searchBatch options');
  if (options.pool !== undefined && options.threads !== undefined) {
    throw new AnnlabError('INVALID_PARAMETER', 'searchBatch: pass either threads (a pool for this call) or pool (your own), not both.');
  }
  const kernels = checkKernelBackend(options.kernels);
  const index = target instanceof SharedIndex ? target.index : target;
  const params = options.params;
  const nq = checkVectors(queries, index.dim, 'queries');
  checkK(k);
  // The index's own checks of k and params, on an empty batch (refused here, not in a worker).
  index.search(new Float32Array(0), k, params);
  const threads = options.pool !== undefined ? options.pool.size : checkThreads(options.threads, () => 0, 'searchBatch');
  // threads === 0: the default (every core), known once a pool exists.
  if (threads === 1 || nq < 2) return index.search(queries, k, params);

  const pool = options.pool ?? createPool(threads === 0 ? {} : { threads });
  try {
    if (pool.size === 1) return index.search(queries, k, params);
    const shared = target instanceof SharedIndex ? target : shareIndex(index);
    return await runSlices(pool, shared, queries, nq, k, params, kernels);
  } finally {
    if (options.pool === undefined) await pool.close();
  }
}

async function runSlices<P extends SearchParams>(
  pool: ThreadPool,
  shared: SharedIndex<P>,
  queries: Float32Array,
  nq: number,
  k: number,
  params: P | undefined,
  kernels: KernelBackend,
): Promise<SearchResult> {
  const dim = shared.index.dim;
  const q = sharedArray(Float32Array, nq * dim);
  q.set(queries.subarray(0, nq * dim));
  const ids = sharedArray(Int32Array, nq * k);
  const distances = sharedArray(Float32Array, nq * k);
  const userStats = params?.stats;
  let rest: Record<string, unknown> | undefined;
  if (params !== undefined) {
    rest = { ...(params as Record<string, unknown>) };
    delete rest.stats;
  }
  const statsName = userStats instanceof SearchStats ? userStats.constructor.name : null;
  const bounds = sliceBounds(nq, pool.size * SLICES_PER_THREAD);
  const runs: Promise<SearchStats | null>[] = [];
  for (let s = 0; s + 1 < bounds.length; s++) {
    const payload: SearchTaskPayload = {
      key: shared.key,
      bytes: shared.bytes,
      kernels,
      queries: q,
      dim,
      from: bounds[s],
      to: bounds[s + 1],
      k,
      params: rest,
      stats: statsName,
      ids,
      distances,
    };
    runs.push(pool.run<SearchStats | null>('annlab.search', payload));
  }
  const counted = await Promise.all(runs);
  if (userStats !== undefined) {
    for (const c of counted) if (c !== null) addStats(userStats, c as unknown as Record<string, unknown>);
  }
  const result = createSearchResult(nq, k);
  result.ids.set(ids);
  result.distances.set(distances);
  return result;
}
