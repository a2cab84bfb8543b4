/**
 * The small forests the fuzz suite mutates: several trees deep enough to have inner nodes,
 * some ids deleted (a non-trivial deletion section, leaves that shrank) and some added after
 * the build (leaves that were split), for each node payload: Euclidean planes with offsets,
 * cosine planes through the origin, and inner-product planes over augmented vectors.
 *
 * @module
 */
import type { Metric } from '@annlab/core';
import { clustered } from '@annlab/test-kit';
import type { FuzzApiOptions, LoaderFuzzCase } from '@annlab/test-kit/fuzz';
import { RpForestIndex } from '../src/index.js';

/** Dimension of the fuzzed forests. */
export const DIM = 6;

/** The metrics whose files differ in layout (offsets, augmented components). */
export const METRICS: readonly Metric[] = ['euclidean', 'cosine', 'inner-product'];

/** A built forest: 50 points, 4 trees of leaves ≤ 5, ids 2, 9 and 30 deleted, 10 added after. */
export function baseForest(metric: Metric, kernels: 'js' | 'simd' = 'js', n = 50): RpForestIndex {
  const index = new RpForestIndex({ dim: DIM, metric, nTrees: 4, leafSize: 5, seed: 3, kernels });
  const data = clustered(n + 10, DIM, 4, 9);
  index.add(data.subarray(0, n * DIM));
  index.delete([2, 9, 30].filter((id) => id < n));
  index.add(data.subarray(n * DIM));
  return index;
}

/** The loader fuzz cases `[target, m]`: the forest for `METRICS[m]`, run under seed `seed0 + m`. */
export function loaderCases(targets: readonly (readonly [string, number])[], seed0: number): LoaderFuzzCase[] {
  return targets.map(([target, m]) => ({
    label: `${target}, ${METRICS[m]}`,
    target,
    base: () => baseForest(METRICS[m]).serialize(),
    seed: seed0 + m,
  }));
}

/** The API fuzz run's forest, methods and extra arguments (each run adds its seed and run count). */
export const API_FUZZ: Omit<FuzzApiOptions<RpForestIndex>, 'seed' | 'numRuns'> = {
  build: () => baseForest('euclidean', 'js', 30),
  methods: [
    'add',
    'search',
    'explain',
    'delete',
    'addTrees',
    'has',
    'reconstruct',
    'treeStructure',
    'forestInfo',
    'checkInvariants',
    'memoryBytes',
  ],
  dim: DIM,
  extraArgs: [{ searchK: 0 }, { searchK: 2 ** 40 }, { searchK: 1.5 }, { searchk: 10 }, { searchK: -1 }],
};
