/**
 * @annlab/vamana: the Vamana graph of DiskANN (Subramanya et al., NeurIPS 2019) in memory:
 * RobustPrune with slack α over a random R-regular start, two build passes, greedy search
 * with list size L from the medoid, FreshDiskANN-style inserts after the build, and an
 * explained search for learners.
 *
 * @packageDocumentation
 */
export { VamanaIndex } from './vamana-index.js';
export { DEFAULT_ALPHA, DEFAULT_L, DEFAULT_R } from './options.js';
export type { VamanaGraphInfo, VamanaOptions } from './options.js';
export { DEFAULT_SEARCH_L } from './search.js';
export type { VamanaSearchParams } from './search.js';
export type { VamanaExplanation } from './explain.js';
