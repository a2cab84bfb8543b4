/**
 * @annlab/threads for Node (`worker_threads`): a small thread pool (`createThreadPool`: `size`,
 * `run(taskName, payload)`, `close()`) whose workers run named tasks over typed arrays in
 * `SharedArrayBuffer`s, and `searchBatch`, a batch search on every core that answers exactly
 * as the single-threaded `index.search`. The package's conditional exports pick this entry
 * (`node` / `browser` / `default`); both have the same API.
 *
 * @packageDocumentation
 */
import type { AnnIndex, SearchParams, SearchResult } from '@annlab/core';
import { createThreadPool } from './pool.node.js';
import { type SearchBatchOptions, type SharedIndex, searchBatchOn } from './search.js';

export * from './common.js';
export { createThreadPool, defaultThreads } from './pool.node.js';

/**
 * Search `nq × dim` row-major queries for their k nearest neighbours on several threads; the
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
export function searchBatch<P extends SearchParams>(
  index: AnnIndex<P> | SharedIndex<P>,
  queries: Float32Array,
  k: number,
  options?: SearchBatchOptions<P>,
): Promise<SearchResult> {
  return searchBatchOn(createThreadPool, index, queries, k, options);
}
