/**
 * The small HNSW indexes the fuzz suite mutates: several levels (M = 4), deleted nodes
 * still linked (a non-trivial deletion section) or compacted away, for both layouts of the
 * stored vectors (as given, and unit-normalised for cosine).
 *
 * @module
 */
import { clustered } from '@annlab/test-kit';
import { HnswIndex } from '../src/index.js';

/** Dimension of the fuzzed indexes. */
export const DIM = 8;

/** How a base index is made. */
export interface BaseSpec {
  /** Distance. */
  readonly metric: 'euclidean' | 'cosine';
  /** Whether `compact()` ran after the deletes (deleted nodes unlinked, `linkedDeletes` false). */
  readonly compacted: boolean;
}

/** A built index: 60 points, M = 4, ids 3, 10, 11 and 40 deleted. */
export function baseIndex(spec: BaseSpec, kernels: 'js' | 'simd' = 'js', n = 60): HnswIndex {
  const index = new HnswIndex({ dim: DIM, metric: spec.metric, M: 4, efConstruction: 16, seed: 5, kernels });
  index.add(clustered(n, DIM, 4, 7));
  index.delete([3, 10, 11, 40].filter((id) => id < n));
  if (spec.compacted) index.compact();
  return index;
}

/** The base files of the suite. */
export const BASES: readonly BaseSpec[] = [
  { metric: 'euclidean', compacted: false },
  { metric: 'cosine', compacted: true },
];
