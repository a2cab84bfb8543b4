/**
 * One query's search, recorded for teaching (and for the picture of `annlab explain`): the
 * tree leaf that gave the entry points, the entry points themselves, and every point the
 * best-first search expanded, in order, with its distance. The same search as
 * {@link searchGraph} (core's `graphSearchRecorded` expands the same nodes in the same order
 * as `graphSearch`), so `result` equals `search`'s answer.
 *
 * @module
 */
import {
  GraphSearchContext,
  createSearchResult,
  drainGraphResults,
  graphSearchRecorded,
  type DistanceComputer,
  type Explanation,
  type MetricPolicy,
} from '@annlab/core';
import type { FlatTree } from './internal/rp-tree.js';
import type { SearchGraph } from './search-graph.js';

/** What one query did, for teaching: see {@link NnDescentIndex.explain}. */
export interface NnDescentExplanation extends Explanation {
  /** The leaf of the search tree the query fell into (−1 when the index keeps no tree). */
  readonly leaf: number;
  /** The entry points: the leaf's points (or the fixed entry points without a tree). */
  readonly entries: Int32Array;
  /** The beam width used: max(efSearch, k). */
  readonly efSearch: number;
  /** Points expanded by the best-first search, in expansion order. */
  readonly expanded: Int32Array;
  /** Reported distance of each expanded point to the query. */
  readonly expandedDistances: Float32Array;
  /** Query-to-point distances computed (entries included). */
  readonly distanceComputations: number;
}

/** Run one query (`query[0 .. dim)`) with a fresh context, recording the search. Nothing is validated here. */
export function explainSearch(
  graph: SearchGraph,
  tree: FlatTree,
  fallback: Int32Array,
  size: number,
  dc: DistanceComputer,
  policy: MetricPolicy,
  query: Float32Array,
  k: number,
  ef: number,
): NnDescentExplanation {
  const result = createSearchResult(1, k);
  if (size === 0) {
    return {
      result,
      leaf: -1,
      entries: new Int32Array(0),
      efSearch: ef,
      expanded: new Int32Array(0),
      expandedDistances: new Float32Array(0),
      distanceComputations: 0,
    };
  }
  dc.setQuery(query, 0);
  let leaf = -1;
  let entries = fallback.slice();
  if (tree.leafCount > 0) {
    leaf = tree.leafOf(dc.query, 0);
    const s = tree.leafStart[leaf];
    entries = tree.indices.slice(s, s + tree.leafSizes[leaf]);
  }
  const ctx = new GraphSearchContext(size, graph.maxDegree);
  const counter = { distanceComputations: 0, hops: 0 };
  graphSearchRecorded(ctx, dc, graph.links, graph.maxDegree + 1, entries, 0, entries.length, ef, true, counter);
  const n = ctx.expandedCount;
  const expanded = ctx.expandedIds.slice(0, n);
  const expandedDistances = new Float32Array(n);
  for (let i = 0; i < n; i++) expandedDistances[i] = policy.toReported(ctx.expandedDist[i]);
  drainGraphResults(ctx, policy, k, result.ids, result.distances, 0);
  return { result, leaf, entries, efSearch: ef, expanded, expandedDistances, distanceComputations: counter.distanceComputations };
}
