/**
 * One query's search, recorded for teaching (and for the pictures of `annlab explain`):
 * which leaves the priority queue produced, in which tree, with which priority, and how many
 * candidates they gave. A separate, allocating walk that follows {@link searchForest} step
 * for step (Annoy's `_get_all_nns`), so its answer equals `search`'s.
 *
 * @module
 */
import {
  MaxHeap,
  MinHeap,
  createSearchResult,
  dot,
  drainToRow,
  type DistanceComputer,
  type Explanation,
  type MetricPolicy,
} from '@annlab/core';
import type { FlatForest } from './internal/flat-forest.js';

/** One leaf an explained query collected, in visiting order. */
export interface RpForestLeafVisit {
  /** Tree the leaf belongs to (index into the forest's roots). */
  tree: number;
  /** Leaf index (into `leafStart` / `leafCount`). */
  leaf: number;
  /** The queue priority it was popped with: the smallest margin on the path from the root (+Infinity for a root leaf). */
  priority: number;
  /** A copy of the leaf's item ids. */
  items: Int32Array;
}

/** What one query did, for teaching: see {@link RpForestIndex.explain}. */
export interface RpForestExplanation extends Explanation {
  /** Every leaf visited, in the order the priority queue produced them. */
  readonly visits: RpForestLeafVisit[];
  /** Per tree, the leaves visited in that tree (in visiting order). */
  readonly leavesByTree: number[][];
  /** Candidates collected, with repeats. */
  readonly candidates: number;
  /** Distinct candidates (= distance computations). */
  readonly uniqueCandidates: number;
}

/**
 * Run one query (`query[0 .. dim)`) through the forest, recording every leaf visit. Nothing
 * is validated here; `live` is the number of live items (0: nothing is searched).
 */
export function explainForest(
  forest: FlatForest,
  dc: DistanceComputer,
  policy: MetricPolicy,
  live: number,
  query: Float32Array,
  k: number,
  searchK: number,
): RpForestExplanation {
  const roots = forest.roots;
  const result = createSearchResult(1, k);
  const visits: RpForestLeafVisit[] = [];
  const leavesByTree: number[][] = [];
  for (let t = 0; t < roots.length; t++) leavesByTree.push([]);
  let seen = 0;
  let unique = 0;
  if (live > 0) {
    const treeOfLeaf = forest.treeOfLeaves();
    dc.setQuery(query, 0);
    const q = dc.query;
    const queue = new MinHeap(64);
    // Tie-break ids in this queue are node codes, exactly as in searchForest.
    for (let t = 0; t < roots.length; t++) queue.push(-Infinity, roots[t]);
    const found = new Set<number>();
    const cand: number[] = [];
    while (seen < searchK && queue.size > 0) {
      const priority = -queue.dist[0];
      const code = queue.pop();
      if (code < 0) {
        const leaf = ~code;
        const s = forest.leafStart[leaf];
        const n = forest.leafSizes[leaf];
        const items = forest.leafItems.slice(s, s + n);
        const tree = treeOfLeaf[leaf];
        visits.push({ tree, leaf, priority, items });
        leavesByTree[tree].push(leaf);
        for (let r = 0; r < n; r++) {
          if (!found.has(items[r])) {
            found.add(items[r]);
            cand.push(items[r]);
          }
        }
        seen += n;
      } else {
        const m = dot(forest.splitNormals, code * forest.treeDim, q, 0, forest.dim) + forest.splitOffsets[code];
        queue.push(-(priority < m ? priority : m), forest.children[2 * code + 1]);
        queue.push(-(priority < -m ? priority : -m), forest.children[2 * code]);
      }
    }
    unique = cand.length;
    const ids = Int32Array.from(cand);
    const dist = new Float64Array(unique);
    dc.distancesToIds(ids, 0, unique, dist, 0);
    const heap = new MaxHeap(k);
    for (let r = 0; r < unique; r++) heap.offer(dist[r], ids[r], k);
    drainToRow(heap, policy, k, result.ids, result.distances, 0);
  }
  return { result, visits, leavesByTree, candidates: seen, uniqueCandidates: unique };
}
