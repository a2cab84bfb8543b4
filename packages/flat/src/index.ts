/**
 * @annlab/flat: exact (brute-force) k-nearest-neighbour search, the oracle for every other
 * annlab index.
 *
 * @packageDocumentation
 */
export { FlatIndex } from './flat-index.js';
export type { FlatIndexOptions, FlatSearchParams } from './flat-index.js';
