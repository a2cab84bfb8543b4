/**
 * NN-Descent's public option types and the constructor's option checks. Names keep the
 * paper's symbols where it has them (Dong, Moses & Li: K → `nNeighbors`, ρ → `rho`,
 * δ → `delta`) and pynndescent's otherwise (`nTrees`, `leafSize`, `pruneDegreeMultiplier`,
 * `diversifyProb`).
 *
 * @module
 */
import { checkIndexOptions, checkInteger, checkNumber, type CheckedIndexOptions, type IndexOptions } from '@annlab/core';

/** Options for {@link NnDescentIndex}. */
export interface NnDescentOptions extends IndexOptions {
  /**
   * K, the neighbours kept per point in the k-NN graph (the paper's K, pynndescent's
   * `n_neighbors`). Build time grows roughly with K² (each local join compares about K
   * candidates with each other), memory with K (ids and distances per point). A larger K
   * gives a better-connected search graph and a more accurate graph for small k; the
   * all-pairs graph {@link NnDescentIndex.knnGraph} has exactly K columns. Range 1–1024;
   * 10–60 is typical.
   * @defaultValue 30 (pynndescent's default)
   */
  nNeighbors?: number;
  /**
   * ρ, the sample rate of the local join: each point joins at most `⌈ρ·K⌉` "new" and as
   * many "old" candidates per iteration (forward and reverse neighbours, sampled at random;
   * pynndescent's `max_candidates`). Lower ρ makes each iteration cheaper and may need more
   * iterations; the paper finds ρ = 0.5 loses little recall at about half the distance
   * computations. Range (0, 1].
   * @defaultValue 1 (pynndescent: `max_candidates = min(60, K)`, i.e. ρ = 1 for K ≤ 60)
   */
  rho?: number;
  /**
   * δ, the early-termination threshold: the descent stops once an iteration improves fewer
   * than `δ·K·n` graph entries. Smaller δ runs longer and reaches a slightly more accurate
   * graph; 0 runs until no entry changes (or `maxIterations`). Range [0, 1].
   * @defaultValue 0.001 (the paper's and pynndescent's)
   */
  delta?: number;
  /**
   * Most NN-Descent iterations (pynndescent's `n_iters`); each is one round of local joins
   * over every point. The δ rule usually stops well before it. Range 1–1000.
   * @defaultValue `max(5, round(log2 n))` (pynndescent's)
   */
  maxIterations?: number;
  /**
   * Random-projection trees whose leaves give the initial graph (pynndescent's tree
   * initialisation: every pair of points in a leaf is a candidate edge). More trees start
   * the descent closer to the true graph (fewer iterations) at the cost of more distance
   * computations up front; 0 starts from a random graph, as the paper does. The first tree is
   * also kept to seed searches (0 trees: searches start from fixed pseudo-random points).
   * Range 0–256.
   * @defaultValue `min(32, 5 + round(n^0.25))` (pynndescent 0.5's)
   */
  nTrees?: number;
  /**
   * Most points in a leaf of the initialisation and search trees. Larger leaves give more
   * initial candidate pairs (`leafSize²/2` per leaf) and more search seeds. Range 2–2^16.
   * @defaultValue `max(10, nNeighbors)` (pynndescent's)
   */
  leafSize?: number;
  /**
   * Degree cap of the search graph as a multiple of K: after diversification the forward
   * and reverse edges are merged and each point keeps its `round(multiplier·K)` closest
   * (pynndescent's `pruning_degree_multiplier`). Higher means a denser search graph: more
   * memory and work per hop, better recall at a given `epsilon`. Range [0.1, 16].
   * @defaultValue 1.5 (pynndescent's)
   */
  pruneDegreeMultiplier?: number;
  /**
   * Probability that diversification drops an edge it could drop (pynndescent's
   * `diversify_prob`). An edge p→c is droppable when some closer kept neighbour r of p is
   * nearer to c than p is (the relative-neighbourhood rule, as in HNSW's heuristic); such
   * edges are detours. 1 prunes every droppable edge (sparsest graph, fastest hops), 0 keeps
   * the k-NN graph as is (more edges, more work per hop). Range [0, 1].
   * @defaultValue 1 (pynndescent's)
   */
  diversifyProb?: number;
}

/** What the build did (see {@link NnDescentIndex.buildInfo}). */
export interface NnDescentBuildInfo {
  /** Points the graph was built over. */
  points: number;
  /** K of the k-NN graph. */
  nNeighbors: number;
  /** Trees used for the initialisation (resolved default). */
  nTrees: number;
  /** Iteration cap (resolved default). */
  maxIterations: number;
  /** NN-Descent iterations run (0 when the graph was computed exactly for a tiny set). */
  iterations: number;
  /** Graph entries improved in each iteration; the descent stopped when one fell to ≤ δ·K·n. */
  updatesPerIteration: number[];
  /** Whether the graph is exact (every pair measured, done when n ≤ K + 1). */
  exact: boolean;
  /** Edges of the search graph after diversification and degree pruning. */
  searchEdges: number;
  /** Degree cap of the search graph, `round(pruneDegreeMultiplier · K)`. */
  maxDegree: number;
}

const OPTION_KEYS = [
  'dim',
  'metric',
  'seed',
  'kernels',
  'nNeighbors',
  'rho',
  'delta',
  'maxIterations',
  'nTrees',
  'leafSize',
  'pruneDegreeMultiplier',
  'diversifyProb',
] as const;
/** Largest K accepted. */
export const MAX_NEIGHBORS = 1024;
/** Most initialisation trees. */
export const MAX_TREES = 256;
/** Largest iteration cap. */
export const MAX_ITERATIONS = 1000;

/** {@link NnDescentOptions} checked, with the defaults that do not depend on n filled in. */
export interface ResolvedOptions extends CheckedIndexOptions {
  /** K. */
  readonly nNeighbors: number;
  /** ρ. */
  readonly rho: number;
  /** δ. */
  readonly delta: number;
  /** Iteration cap, or −1 for the n-dependent default. */
  readonly maxIterations: number;
  /** Trees, or −1 for the n-dependent default. */
  readonly nTrees: number;
  /** Leaf size. */
  readonly leafSize: number;
  /** Degree multiplier of the search graph. */
  readonly pruneDegreeMultiplier: number;
  /** Diversification probability. */
  readonly diversifyProb: number;
}

/**
 * Check the constructor's options and fill in the defaults.
 * @throws AnnlabError `INVALID_PARAMETER` for a bad or unknown option.
 */
export function resolveOptions(options: NnDescentOptions): ResolvedOptions {
  const { dim, metric, seed, kernels } = checkIndexOptions(options, OPTION_KEYS, 'NnDescentIndex');
  const nNeighbors = options.nNeighbors === undefined ? 30 : checkInteger('nNeighbors', options.nNeighbors, 1, MAX_NEIGHBORS);
  const rho = options.rho === undefined ? 1 : checkNumber('rho', options.rho, Number.MIN_VALUE, 1);
  const delta = options.delta === undefined ? 0.001 : checkNumber('delta', options.delta, 0, 1);
  const maxIterations = options.maxIterations === undefined ? -1 : checkInteger('maxIterations', options.maxIterations, 1, MAX_ITERATIONS);
  const nTrees = options.nTrees === undefined ? -1 : checkInteger('nTrees', options.nTrees, 0, MAX_TREES);
  const leafSize = options.leafSize === undefined ? Math.max(10, nNeighbors) : checkInteger('leafSize', options.leafSize, 2, 1 << 16);
  const pruneDegreeMultiplier =
    options.pruneDegreeMultiplier === undefined ? 1.5 : checkNumber('pruneDegreeMultiplier', options.pruneDegreeMultiplier, 0.1, 16);
  const diversifyProb = options.diversifyProb === undefined ? 1 : checkNumber('diversifyProb', options.diversifyProb, 0, 1);
  return { dim, metric, seed, nNeighbors, rho, delta, maxIterations, nTrees, leafSize, pruneDegreeMultiplier, diversifyProb, kernels };
}

/** pynndescent 0.5's default tree count for n points: `min(32, 5 + round(n^0.25))`. */
export function defaultTrees(n: number): number {
  return Math.min(32, 5 + Math.round(n ** 0.25));
}

/** pynndescent's default iteration cap for n points: `max(5, round(log2 n))`. */
export function defaultIterations(n: number): number {
  return Math.max(5, Math.round(Math.log2(Math.max(1, n))));
}

/** The search graph's degree cap: `max(1, round(multiplier · K))`. */
export function maxDegreeOf(multiplier: number, nNeighbors: number): number {
  return Math.max(1, Math.round(multiplier * nNeighbors));
}
