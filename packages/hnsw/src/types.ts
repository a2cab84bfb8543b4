/**
 * The public types of @annlab/hnsw: construction options, search parameters and work
 * counters, and the shapes of `explain` and `checkInvariants` answers. The algorithm itself
 * lives in the files named after the paper's steps (see `hnsw-index.ts`).
 *
 * @module
 */
import {
  SearchStats,
  type AddOptions,
  type Explanation,
  type IndexOptions,
  type InvariantReport,
  type SearchParams,
  type SearchResult,
  type TaskPool,
} from '@annlab/core';
import type { HnswFilter } from './filter.js';

/** How a node's neighbours are chosen from the candidates a search found. */
export type NeighborSelection = 'heuristic' | 'simple';

/**
 * How the vectors are searched: `'none'` (float32), or walked on scalar codes of 8 (`'sq8'`)
 * or 4 (`'sq4'`) bits per component and re-ranked exactly (see {@link HnswIndexOptions.quantizer}).
 */
export type HnswQuantizer = 'none' | 'sq8' | 'sq4';

/** Options of {@link HnswIndex.addAsync}. */
export interface HnswAddAsyncOptions extends AddOptions {
  /**
   * The worker pool whose threads insert concurrently (`createThreadPool` from
   * `@annlab/threads`; each runs this package's `hnsw.insert` task). Left out, `addAsync`
   * inserts on the calling thread, as `add`.
   */
  pool?: TaskPool;
  /**
   * Threads that insert at once: an integer ≥ 1, at most the pool's size. `1` inserts on the
   * calling thread exactly as `add` (byte-identical seeded builds). More threads build about
   * that many times faster (hnswlib's `num_threads`), but the graph then depends on timing:
   * the same data and seed give a graph of the same recall, not the same bytes. Memory: 4
   * bytes per node of locks and about 4 bytes per node per thread of visited tags during the
   * build, freed for reuse afterwards.
   * @defaultValue the pool's size (`pool.size`), else 1
   */
  threads?: number;
}

/** Construction options for {@link HnswIndex}. */
export interface HnswIndexOptions extends IndexOptions {
  /**
   * Links per node on the upper levels (Mmax); level 0 holds up to Mmax0 = 2·M. Range 2–1000,
   * typically 8–48. Larger M: higher recall at a given efSearch on hard (high intrinsic
   * dimension) data, slower build (∝ M), more memory (≈ 4·(2M+1) bytes per node for level
   * 0) and more distance computations per hop.
   * @defaultValue 16
   */
  M?: number;
  /**
   * Beam width of the search used while inserting. Range 1–2^20, typically 100–500. Larger:
   * better graph (recall at a fixed efSearch rises until it saturates) at a build time
   * roughly proportional to it; no effect on memory or query speed.
   * @defaultValue 200
   */
  efConstruction?: number;
  /**
   * `'heuristic'` (Alg. 4, default): keep candidates that are closer to the base than to any
   * kept neighbour, which keeps links between clusters. `'simple'` (Alg. 3): the M closest;
   * for teaching and comparison, noticeably worse on clustered data.
   * @defaultValue `'heuristic'`
   */
  neighborSelection?: NeighborSelection;
  /**
   * Nodes to allocate room for up front; capacity doubles when exceeded. Only affects
   * memory before the index fills and the number of reallocations. Range 1–2^20, and the
   * up-front allocation, capacity × (dim + 2M + 1) 4-byte values, must stay within 2^28
   * (1 GiB): with dim = 784 and M = 16 at most 328,562 nodes. Anything larger is refused
   * with `INVALID_PARAMETER` naming the limit (the index grows past it anyway).
   * @defaultValue 1024, or less where the 1 GiB limit needs it (dim above about 262,000)
   */
  capacity?: number;
  /**
   * Search on scalar-quantized codes (FAISS `IndexHNSWSQ` + `IndexRefineFlat`): the graph is
   * still built on the float32 vectors (same graph, same build time as `'none'`), but queries
   * walk it on per-dimension 8-bit (`'sq8'`) or 4-bit (`'sq4'`) codes and re-rank the best
   * `rerank × k` candidates exactly (see {@link HnswSearchParams.rerank}), so results carry
   * exact distances.
   *
   * - Memory: the codes are stored *beside* the float32 vectors (which the re-rank reads):
   *   + dim bytes per vector for `'sq8'`, + ⌈dim/2⌉ for `'sq4'` (rounded up to 4), plus a
   *   4-byte per-code norm (FAISS's refine layout, plus the norm).
   * - Speed: a code distance reads 4× (8×) fewer bytes than a float one; the gain shows
   *   where memory traffic dominates (large dim, indexes larger than the caches), and the
   *   re-rank adds `rerank × k` exact distances per query.
   * - Recall: `'sq8'` with the default re-rank is usually within a point of `'none'` at the
   *   same efSearch; `'sq4'` loses more on the walk and wants a larger `rerank` and efSearch.
   *
   * The ranges are trained on the stored vectors themselves (the first power-of-two count,
   * up to 65,536, retrained as the index doubles; details in `quantized-search.ts`).
   * @defaultValue `'none'`
   */
  quantizer?: HnswQuantizer;
}

/**
 * Work counters for HNSW searches: the common {@link SearchStats} counters plus the number of
 * nodes expanded on each level (`hopsPerLayer[level]`).
 */
export class HnswSearchStats extends SearchStats {
  /** Nodes expanded per level, index = level (0 = bottom); grows as needed. */
  hopsPerLayer: number[];

  /** All counters start at zero. */
  constructor() {
    super();
    this.hopsPerLayer = [];
  }

  /** Set every counter back to zero. */
  override reset(): void {
    super.reset();
    this.hopsPerLayer = [];
  }
}

/** Search parameters for {@link HnswIndex}. */
export interface HnswSearchParams extends SearchParams {
  /**
   * Beam width on level 0 (the size of the dynamic list W). Range 1–2^24; the search uses
   * max(efSearch, k). Larger: higher recall, proportionally slower queries. No effect on
   * the index.
   * @defaultValue max(k, 64)
   */
  efSearch?: number;
  /**
   * Only return ids this allow-list accepts (see {@link HnswFilter}). Whenever at least k
   * live ids pass, k results come back: selective bitsets are answered by an exact scan
   * over the allowed ids, and a graph search that falls short is completed by a scan.
   */
  filter?: HnswFilter;
  /**
   * Quantized indexes only (`quantizer: 'sq8' | 'sq4'`): how many candidates, as an integer
   * multiple of k, are re-ranked with exact float32 distances: the best min(efSearch, ⌈rerank·k⌉) of
   * the level-0 list W. Larger: recall closer to the float index (up to the quality of W),
   * about `rerank·k` more exact distances per query. 0 returns the quantized answer with
   * approximate distances (no re-rank). Range 0–1024; refused on an unquantized index.
   * @defaultValue 4
   */
  rerank?: number;
}

/**
 * How a search found its answer: `'graph'` (the HNSW search), `'graph+scan'` (a filtered
 * graph search that returned fewer than k, completed by an exact scan) or `'scan'` (a
 * selective bitset answered by an exact scan of the allowed ids).
 */
export type HnswStrategy = 'graph' | 'graph+scan' | 'scan';

/** One level of an {@link HnswIndex.explain} trace. */
export interface HnswLayerTrace {
  /** The level (0 = bottom). */
  level: number;
  /** The node the walk entered this level at. */
  entry: number;
  /** Nodes expanded on this level, in order (on upper levels, the greedy path). */
  path: number[];
  /** Distances computed on this level. */
  distanceComputations: number;
}

/** The answer of {@link HnswIndex.explain}: the search result and the path per level. */
export interface HnswExplanation extends Explanation {
  /** The k results (1 × k). */
  result: SearchResult;
  /** Levels from the top down to 0 (empty when the answer came from a scan alone). */
  layers: HnswLayerTrace[];
  /** How the answer was found (see {@link HnswStrategy}). */
  strategy: HnswStrategy;
}

/** What {@link HnswIndex.checkInvariants} found. */
export interface HnswInvariantReport extends InvariantReport {
  /** True when no violation was found (unreachable nodes are reported, not a violation). */
  ok: boolean;
  /** Violations found (at most 50 are listed). */
  errors: string[];
  /** Live nodes that cannot be reached from the entry point on level 0. */
  unreachable: number;
  /** Ids allocated (live and deleted). */
  nodes: number;
  /** Level-0 links in total. */
  edges: number;
}
