/**
 * The forest's public option and shape types, and the constructor's option checks
 * (parameter names keep Annoy's meaning: `nTrees` is `n_trees`, `leafSize` is `K`).
 *
 * @module
 */
import { checkIndexOptions, checkInteger, type CheckedIndexOptions, type IndexOptions } from '@annlab/core';

/** Options for {@link RpForestIndex}. */
export interface RpForestOptions extends IndexOptions {
  /**
   * Number of trees (Annoy's `n_trees`). More trees raise recall at a given `searchK`
   * because a true neighbour cut off by one tree's planes is likely kept together with the
   * query by another; build time and memory (hyperplanes and leaf ids) grow linearly with
   * it, and so does the default `searchK`. Sensible range 5–200; Fashion-MNIST-sized data
   * reaches recall 0.95 with 50–100. More trees can be added later with
   * {@link RpForestIndex.addTrees}. Range 1–2^12 (for the forest, `addTrees` included):
   * every tree costs about one build over all points and holds every live id once, and
   * recall has long saturated well below 4,096 trees (ann-benchmarks sweeps Annoy at
   * 100–400); the ceiling keeps a mistaken value from costing minutes and gigabytes
   * (65,536 trees over just 64 points took 12 s to build).
   * @defaultValue 10
   */
  nTrees?: number;
  /**
   * Most points a leaf may hold (Annoy's `K`). A node with more points is split. Larger
   * leaves mean shallower trees, fewer hyperplanes (less memory, faster build) and more
   * candidates per visited leaf; smaller leaves make each tree more selective but deeper.
   * Annoy sets K to the number of ids that fit in one node record, `dim + 2` for float
   * vectors, and so does the default here. Range 1 … 2^20.
   * @defaultValue `dim + 2`
   */
  leafSize?: number;
}

/** Shape summary of the forest (see {@link RpForestIndex.forestInfo}). */
export interface RpForestInfo {
  /** Number of trees. */
  trees: number;
  /** Inner nodes (hyperplanes) over all trees. */
  innerNodes: number;
  /** Leaves over all trees. */
  leaves: number;
  /** Deepest leaf depth (root = 0). */
  maxDepth: number;
  /** Mean items per leaf. */
  meanLeafSize: number;
}

const OPTION_KEYS = ['dim', 'metric', 'seed', 'kernels', 'nTrees', 'leafSize'] as const;
const DEFAULT_N_TREES = 10;
/** Most trees a forest may hold (see {@link RpForestOptions.nTrees} for why 2^12). */
export const MAX_TREES: number = 1 << 12;

/** {@link RpForestOptions} checked, with every default filled in. */
export interface ResolvedOptions extends CheckedIndexOptions {
  /** Trees to build. */
  readonly nTrees: number;
  /** Most items per leaf. */
  readonly leafSize: number;
}

/**
 * Check the constructor's options and fill in the defaults.
 * @throws AnnlabError `INVALID_PARAMETER` for a bad or unknown option.
 */
export function resolveOptions(options: RpForestOptions): ResolvedOptions {
  const { dim, metric, seed, kernels } = checkIndexOptions(options, OPTION_KEYS, 'RpForestIndex');
  const nTrees = options.nTrees === undefined ? DEFAULT_N_TREES : checkInteger('nTrees', options.nTrees, 1, MAX_TREES);
  const leafSize = options.leafSize === undefined ? dim + 2 : checkInteger('leafSize', options.leafSize, 1, 1 << 20);
  return { dim, metric, seed, nTrees, leafSize, kernels };
}
