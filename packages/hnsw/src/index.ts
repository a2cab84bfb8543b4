/**
 * @annlab/hnsw: Hierarchical Navigable Small World graphs (Malkov & Yashunin, TPAMI 2020,
 * arXiv:1603.09320) over typed arrays, with the neighbour-selection heuristic, deletions,
 * updates, filtered search, search traces and save/load.
 *
 * @packageDocumentation
 */
export { HnswIndex } from './hnsw-index.js';
export { HnswSearchStats } from './types.js';
export { INSERT_TASK, insertTask } from './parallel-insert.js';
export type { InsertTaskPayload } from './parallel-insert.js';
export type {
  HnswAddAsyncOptions,
  HnswExplanation,
  HnswIndexOptions,
  HnswInvariantReport,
  HnswLayerTrace,
  HnswQuantizer,
  HnswSearchParams,
  HnswStrategy,
  NeighborSelection,
} from './types.js';
export { bitsetAdd, bitsetCount, bitsetFromIds, bitsetHas, createBitset } from './filter.js';
export type { HnswFilter } from './filter.js';
