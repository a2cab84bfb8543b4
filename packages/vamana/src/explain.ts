/**
 * One query's search, recorded for teaching (and for the pictures of `annlab explain`): the
 * start node, the nodes GreedySearch expanded in order (the paper's visited set 𝒱) with
 * their distances, and the work done. It runs core's `graphSearchRecorded`, which makes the
 * same expansions as the fast path, so its answer equals `search`'s.
 *
 * @module
 */
import {
  createSearchResult,
  drainGraphResults,
  graphSearchRecorded,
  type DistanceComputer,
  type Explanation,
  type GraphSearchContext,
  type MetricPolicy,
} from '@annlab/core';
import type { VamanaGraph } from './internal/graph.js';

/** What one query did, for teaching: see {@link VamanaIndex.explain}. */
export interface VamanaExplanation extends Explanation {
  /** The start node s (the medoid), −1 for an empty index. */
  readonly entry: number;
  /** The list size used: max(searchL, k). */
  readonly searchL: number;
  /** Expanded nodes in expansion order (the paper's 𝒱). */
  readonly expanded: Int32Array;
  /** Reported distance of each expanded node to the query, parallel to `expanded`. */
  readonly expandedDistances: Float32Array;
  /** Query-to-node distances computed. */
  readonly distanceComputations: number;
}

/** Run one query (`query[0 .. dim)`) recording the expansions. Nothing is validated here. */
export function explainSearch(
  graph: VamanaGraph,
  ctx: GraphSearchContext,
  dc: DistanceComputer,
  policy: MetricPolicy,
  entry: Int32Array,
  query: Float32Array,
  k: number,
  L: number,
): VamanaExplanation {
  const result = createSearchResult(1, k);
  if (graph.nodes === 0) {
    return { result, entry: -1, searchL: L, expanded: new Int32Array(0), expandedDistances: new Float32Array(0), distanceComputations: 0 };
  }
  dc.setQuery(query, 0);
  entry[0] = graph.medoid;
  const counter = { distanceComputations: 0, hops: 0 };
  graphSearchRecorded(ctx, dc, graph.adj, graph.stride, entry, 0, 1, L, true, counter);
  const n = ctx.expandedCount;
  const expanded = ctx.expandedIds.slice(0, n);
  const expandedDistances = new Float32Array(n);
  for (let i = 0; i < n; i++) expandedDistances[i] = policy.toReported(ctx.expandedDist[i]);
  drainGraphResults(ctx, policy, k, result.ids, result.distances, 0);
  return { result, entry: graph.medoid, searchL: L, expanded, expandedDistances, distanceComputations: counter.distanceComputations };
}
