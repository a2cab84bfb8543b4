/**
 * The small HNSW indexes the fuzz suite mutates: several levels (M = 4), deleted nodes
 * still linked (a non-trivial deletion section) or compacted away, for both layouts of the
 * stored vectors (as given, and unit-normalised for cosine).
 *
 * @module
 */
import { clustered } from '@annlab/test-kit';
import type { FuzzApiOptions, LoaderFuzzCase } from '@annlab/test-kit/fuzz';
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

/** The loader fuzz cases `[target, base]`: base `b` is `BASES[b]`, run under seed `seed0 + b`. */
export function loaderCases(targets: readonly (readonly [string, number])[], seed0: number): LoaderFuzzCase[] {
  return targets.map(([target, b]) => ({
    label: `${target}, base ${b}`,
    target,
    base: () => baseIndex(BASES[b]).serialize(),
    seed: seed0 + b,
  }));
}

/** The API fuzz run's index, methods and extra arguments (each run adds its seed and run count). */
export const API_FUZZ: Omit<FuzzApiOptions<HnswIndex>, 'seed' | 'numRuns'> = {
  build: () => baseIndex(BASES[0], 'js', 30),
  methods: [
    'add',
    'search',
    'explain',
    'delete',
    'update',
    'compact',
    'neighbors',
    'levelOf',
    'reconstruct',
    'has',
    'checkInvariants',
    'memoryBytes',
  ],
  dim: DIM,
  extraArgs: [
    { efSearch: 0 },
    { efSearch: 2 ** 25 },
    { filter: 3 },
    { filter: new Uint8Array(2) },
    { filter: () => 'yes' },
    { efsearch: 10 },
  ],
};
