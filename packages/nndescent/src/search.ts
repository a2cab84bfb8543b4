/**
 * Searching the pruned graph, as pynndescent's `search_closure` does in outline: descend the
 * kept random-projection tree to the query's leaf, take the leaf's points as entry points
 * ("Init from Tree"), then best-first search over the search graph. The best-first loop is
 * core's `graphSearch` (a beam of `efSearch` nodes, the loop HNSW runs on level 0 and Vamana
 * runs from its medoid).
 *
 * Step → code:
 * - `tree_search_closure` (the leaf of the query) → `FlatTree.leafOf`, in {@link searchGraph};
 * - the heap of k results and the candidate queue → core's `graphSearchInto` (`graphSearch`,
 *   or `graphSearchRecorded` when `stats` is given, then `drainGraphResults`).
 *
 * **efSearch vs pynndescent's epsilon.** pynndescent keeps exactly k results and keeps
 * expanding while a candidate is within `(1 + ε)` times the k-th distance (ε = 0.1 by
 * default): its breadth is a distance slack. Here the breadth is a count: the beam holds
 * `efSearch ≥ k` nodes and the search stops when the closest unexpanded one is farther than
 * all of them, exactly HNSW's `ef` and Vamana's `L`. Both widen the search beyond the k-th
 * neighbour; the count form is used so that the three graph families in annlab are swept
 * with the same knob and compared on the same axis.
 *
 * @module
 */
import {
  checkBeamWidth,
  graphSearchInto,
  padRow,
  type DistanceComputer,
  type GraphSearchContext,
  type MetricPolicy,
  type SearchParams,
  type SearchStats,
} from '@annlab/core';
import type { FlatTree } from './internal/rp-tree.js';
import type { SearchGraph } from './search-graph.js';

/** Search parameters for {@link NnDescentIndex}. */
export interface NnDescentSearchParams extends SearchParams {
  /**
   * Beam width of the graph search (HNSW's `ef`, Vamana's `L`): the search keeps the
   * `efSearch` closest points found and stops when all of them have been expanded. Used as
   * max(efSearch, k). Larger: higher recall, roughly proportionally slower queries; no effect
   * on memory. With `efSearch ≥ size` every point reachable from the entry leaf is expanded,
   * so the search is exact when the search graph is connected. Plays the part of
   * pynndescent's `epsilon` (see the module doc of `search.ts`). Range 1 … 2^24; sweep 10–400.
   * @defaultValue `nNeighbors` (then max(nNeighbors, k))
   */
  efSearch?: number;
}

/** The keys {@link NnDescentSearchParams} may hold. */
export const SEARCH_KEYS: readonly string[] = ['efSearch', 'stats'];

/**
 * The beam width of a search: max(given `efSearch` (checked: an integer ≥ 1), k), or
 * max(nNeighbors, k).
 * @throws AnnlabError `INVALID_PARAMETER` for a bad `efSearch`.
 */
export function efOf(k: number, nNeighbors: number, params: NnDescentSearchParams): number {
  return checkBeamWidth('efSearch', params.efSearch, nNeighbors, k);
}

/**
 * One query into caller-owned output: entry points from the tree, best-first search with a
 * beam of `ef`, the k closest to `outIds`/`outDist` at `outOff` (reported distances,
 * ascending, padded). Nothing is validated here. `entries` is the fallback entry list used
 * when the index keeps no tree (`nTrees = 0`).
 */
export function searchGraph(
  graph: SearchGraph,
  tree: FlatTree,
  entries: Int32Array,
  size: number,
  ctx: GraphSearchContext,
  dc: DistanceComputer,
  policy: MetricPolicy,
  query: Float32Array,
  qOff: number,
  k: number,
  ef: number,
  outIds: Int32Array,
  outDist: Float32Array,
  outOff: number,
  stats: SearchStats | undefined,
): void {
  if (size === 0) {
    padRow(outIds, outDist, outOff, 0, k);
    return;
  }
  dc.setQuery(query, qOff);
  let src = entries;
  let off = 0;
  let count = entries.length;
  if (tree.leafCount > 0) {
    const leaf = tree.leafOf(dc.query, 0);
    src = tree.indices;
    off = tree.leafStart[leaf];
    count = tree.leafSizes[leaf];
  }
  graphSearchInto(ctx, dc, policy, graph.links, graph.maxDegree + 1, src, off, count, ef, k, outIds, outDist, outOff, stats);
}
