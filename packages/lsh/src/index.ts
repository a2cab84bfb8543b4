/**
 * @annlab/lsh: locality-sensitive hashing — random hyperplanes (SimHash, Charikar 2002) for
 * cosine and p-stable projections (E2LSH, Datar et al. 2004) for Euclidean distance, L tables
 * of K concatenated hashes, query-directed multi-probe (Lv et al. 2007), exact re-ranking.
 *
 * @packageDocumentation
 */
export { LshIndex } from './lsh-index.js';
export type { LshHashFunctions } from './lsh-index.js';
export type { LshFamilyKind, LshOptions } from './options.js';
export { LshSearchStats } from './search.js';
export type { LshSearchParams } from './search.js';
export type { LshExplanation, LshProbe } from './explain.js';
export type { LshInvariantReport } from './internal/invariants.js';
export { bucketKey } from './hash-family.js';
