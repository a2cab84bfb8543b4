/**
 * @annlab/threads for Node (`worker_threads`): a small thread pool (`createThreadPool`: `size`,
 * `run(taskName, payload)`, `close()`) whose workers run named tasks over typed arrays in
 * `SharedArrayBuffer`s, and `searchBatch`, a batch search on every core that answers exactly
 * as the single-threaded `index.search`. The package's conditional exports pick this entry
 * (`node` / `browser` / `default`); both have the same API.
 *
 * @packageDocumentation
 */
import { createThreadPool } from './pool.node.js';
import { type SearchBatch, searchBatchWith } from './search.js';

export * from './common.js';
export { createThreadPool, defaultThreads } from './pool.node.js';

/**
 * Search `nq × dim` row-major queries for their k nearest neighbours on several threads; the
 * result is identical to `index.search(queries, k, options.params)`. See {@link SearchBatch}.
 */
export const searchBatch: SearchBatch = searchBatchWith(createThreadPool);
