/**
 * Searching the graph: Algorithm 1, GreedySearch(s, x_q, k, L), of Subramanya et al.
 * (DiskANN, NeurIPS 2019), run by core's `graphSearch` from the start node s, then the k
 * closest of the final list ℒ.
 *
 * Paper step → code:
 * - GreedySearch(s, x_q, k, L) at query time → {@link searchGraph}: core's `graphSearchInto`
 *   (`graphSearch`, or `graphSearchRecorded` when `stats` is given, then `drainGraphResults`);
 * - the paper's query-time L → the `searchL` parameter (clamped to at least k, as the paper
 *   requires L ≥ k).
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
import type { VamanaGraph } from './internal/graph.js';

/** Search parameters for {@link VamanaIndex}. */
export interface VamanaSearchParams extends SearchParams {
  /**
   * List size of the query's GreedySearch (the paper's L at search time; hnswlib's `ef`):
   * the search keeps the `searchL` closest nodes found and stops when all of them are
   * expanded. Used as max(searchL, k). Larger: higher recall, roughly proportionally slower
   * queries; no effect on memory. With `searchL ≥ size` every node reachable from the start
   * node is expanded, so the search is exact when the graph is connected from it (see
   * {@link VamanaIndex.graphInfo}). Range 1 … 2^24; sweep 10–400 to trade recall for speed.
   * @defaultValue 64 (then max(64, k))
   */
  searchL?: number;
}

/** The keys {@link VamanaSearchParams} may hold. */
export const SEARCH_KEYS: readonly string[] = ['searchL', 'stats'];

/** Default query-time list size. */
export const DEFAULT_SEARCH_L = 64;

/**
 * The list size of a search: max(given `searchL` (checked: an integer ≥ 1), k), or
 * max({@link DEFAULT_SEARCH_L}, k).
 * @throws AnnlabError `INVALID_PARAMETER` for a bad `searchL`.
 */
export function searchLOf(k: number, params: VamanaSearchParams): number {
  return checkBeamWidth('searchL', params.searchL, DEFAULT_SEARCH_L, k);
}

/**
 * One query into caller-owned output: GreedySearch from the start node with list size `L`,
 * then the k closest of the list to `outIds`/`outDist` at `outOff` (reported distances,
 * ascending, padded). Nothing is validated here.
 */
export function searchGraph(
  graph: VamanaGraph,
  ctx: GraphSearchContext,
  dc: DistanceComputer,
  policy: MetricPolicy,
  entry: Int32Array,
  query: Float32Array,
  qOff: number,
  k: number,
  L: number,
  outIds: Int32Array,
  outDist: Float32Array,
  outOff: number,
  stats: SearchStats | undefined,
): void {
  if (graph.nodes === 0) {
    padRow(outIds, outDist, outOff, 0, k);
    return;
  }
  dc.setQuery(query, qOff);
  entry[0] = graph.medoid;
  graphSearchInto(ctx, dc, policy, graph.adj, graph.stride, entry, 0, 1, L, k, outIds, outDist, outOff, stats);
}
