/**
 * What both entry points export besides `createThreadPool` and `searchBatch`.
 *
 * @module
 */
export { SLICE_ALIGN, SharedIndex, shareIndex, sliceBounds } from './search.js';
export type { SearchBatch, SearchBatchOptions } from './search.js';
export { INDEX_CLASSES, REPLICAS_KEPT } from './replicas.js';
export type { SearchTaskPayload } from './tasks.js';
export type { TaskHandler, TaskModule, ThreadPool, ThreadPoolOptions } from './types.js';
