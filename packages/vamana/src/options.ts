/**
 * Vamana's public option types and the constructor's option checks. Parameter names keep
 * the DiskANN paper's symbols: `R` (maximum out-degree), `L` (list size while building),
 * `alpha` (α, the pruning slack); the query-time list size is `searchL`.
 *
 * @module
 */
import { checkIndexOptions, checkInteger, checkNumber, type CheckedIndexOptions, type IndexOptions } from '@annlab/core';

/** Options for {@link VamanaIndex}. */
export interface VamanaOptions extends IndexOptions {
  /**
   * Maximum out-degree of every node (the paper's R). Larger R: more routes per hop, so higher
   * recall at a given `searchL` on hard data, but more distances per hop (slower queries),
   * a slower build and `4·(1 + R)` bytes per node of graph. Range 2–512; DiskANN's in-memory
   * builds use 32–128 (64 is its common default; the paper's in-memory experiments use 70).
   * @defaultValue 64
   */
  R?: number;
  /**
   * List size of the GreedySearch that finds each point's candidates while building (the
   * paper's L, DiskANN's `L_build`). Larger L: better candidates for RobustPrune, so a better
   * graph (recall at a fixed `searchL` rises until it saturates), at a build time roughly
   * proportional to L. No effect on memory. Range 1–10000, at least R for a good graph;
   * DiskANN uses 75–200.
   * @defaultValue 100
   */
  L?: number;
  /**
   * Pruning slack α ≥ 1 of RobustPrune (the paper's α), used in the second build pass (the
   * first uses α = 1). A candidate p′ is dropped when some kept neighbour p* has
   * α·d(p*, p′) ≤ d(p, p′), with d the squared distance (as DiskANN's code compares). α = 1
   * keeps only the closest direction in each "cone" (a sparse graph, long searches); larger α
   * keeps longer edges, so searches reach far regions in fewer hops, at more edges per node
   * (up to R) and a slower build. A real number from 1 to 4; DiskANN uses 1.2 in memory, 2 on
   * disk.
   * @defaultValue 1.2
   */
  alpha?: number;
}

/** Shape summary of the graph (see {@link VamanaIndex.graphInfo}). */
export interface VamanaGraphInfo {
  /** Nodes in the graph. */
  nodes: number;
  /** Directed edges. */
  edges: number;
  /** Mean out-degree. */
  meanDegree: number;
  /** Largest out-degree (≤ R). */
  maxDegree: number;
  /** The start node s (the medoid at build time), −1 when empty. */
  medoid: number;
  /** Nodes reachable from the start node (all of them, unless the graph is disconnected). */
  reachable: number;
}

const OPTION_KEYS = ['dim', 'metric', 'seed', 'kernels', 'R', 'L', 'alpha'] as const;
/** Default maximum degree (DiskANN's common in-memory setting). */
export const DEFAULT_R = 64;
/** Default build list size (DiskANN's `L_build` default). */
export const DEFAULT_L = 100;
/** Default pruning slack (DiskANN's in-memory setting). */
export const DEFAULT_ALPHA = 1.2;
/** Largest R accepted. */
export const MAX_R = 512;
/** Largest build L accepted. */
export const MAX_L = 10_000;
/** Largest α accepted. */
export const MAX_ALPHA = 4;

/** {@link VamanaOptions} checked, with every default filled in. */
export interface ResolvedOptions extends CheckedIndexOptions {
  /** Maximum out-degree. */
  readonly R: number;
  /** Build list size. */
  readonly L: number;
  /** Pruning slack of the second pass. */
  readonly alpha: number;
}

/**
 * Check the constructor's options and fill in the defaults.
 * @throws AnnlabError `INVALID_PARAMETER` for a bad or unknown option.
 */
export function resolveOptions(options: VamanaOptions): ResolvedOptions {
  const { dim, metric, seed, kernels } = checkIndexOptions(options, OPTION_KEYS, 'VamanaIndex');
  const R = options.R === undefined ? DEFAULT_R : checkInteger('R', options.R, 2, MAX_R);
  const L = options.L === undefined ? DEFAULT_L : checkInteger('L', options.L, 1, MAX_L);
  const alpha = options.alpha === undefined ? DEFAULT_ALPHA : checkNumber('alpha', options.alpha, 1, MAX_ALPHA);
  return { dim, metric, seed, R, L, alpha, kernels };
}
