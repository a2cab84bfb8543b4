/**
 * The index's structural invariants, checked in one pass (hnswlib's `checkIntegrity`), and
 * run by the loader on every file before any search can read it:
 *
 * - k-NN rows: `n × K`; ids in [0, n), never the row's own point, no repeats; filled entries
 *   first, then −1 padding at +Infinity; distances finite and ascending by (distance, id).
 * - search graph: `n × (1 + maxDegree)`; each count in [0, maxDegree]; ids in [0, n), no
 *   self-loops, no repeats.
 * - search tree (when it has leaves): every child and the root in range; walking from the root reaches every inner
 *   node and every leaf exactly once (so no cycles: a query's descent terminates); leaves are
 *   disjoint ranges covering `indices`, a permutation of [0, n).
 * - fallback entries (no tree): ids in [0, n), at least one when n > 0.
 *
 * A damaged structure is reported, never thrown, and the walk terminates on any input.
 *
 * @module
 */
import type { InvariantReport } from '@annlab/core';
import type { FlatTree } from './rp-tree.js';
import type { SearchGraph } from '../search-graph.js';

/** Most violations listed in a report. */
const MAX_ERRORS = 50;

/** Everything the invariants relate. */
export interface GraphParts {
  /** Points. */
  n: number;
  /** K. */
  k: number;
  /** `n × K` neighbour ids. */
  knnIds: Int32Array;
  /** `n × K` reported distances. */
  knnDist: Float32Array;
  /** The search graph. */
  graph: SearchGraph;
  /** The search tree (root −1: none). */
  tree: FlatTree;
  /** Fallback entry points. */
  entries: Int32Array;
}

/** Check every invariant of `g`. */
export function checkParts(g: GraphParts): InvariantReport {
  const errors: string[] = [];
  const fail = (msg: string): boolean => {
    if (errors.length < MAX_ERRORS) errors.push(msg);
    return errors.length >= MAX_ERRORS;
  };
  const report = (): InvariantReport => ({ ok: errors.length === 0, errors });
  const { n, k: K, knnIds, knnDist, graph, tree, entries } = g;
  const mark = new Int32Array(n).fill(-1);

  if (knnIds.length !== n * K || knnDist.length !== n * K) {
    fail(`k-NN rows hold ${knnIds.length} ids and ${knnDist.length} distances, expected ${n} × ${K}`);
    return report();
  }
  for (let i = 0; i < n; i++) {
    let padded = false;
    let prevD = -Infinity;
    let prevId = -1;
    for (let e = i * K, end = e + K; e < end; e++) {
      const id = knnIds[e];
      const d = knnDist[e];
      if (id === -1) {
        padded = true;
        if (d !== Infinity && fail(`k-NN row ${i}: padding slot with distance ${d}`)) return report();
        continue;
      }
      if (padded || id < 0 || id >= n || id === i || mark[id] === i) {
        if (fail(`k-NN row ${i}: bad or repeated id ${id}`)) return report();
        continue;
      }
      mark[id] = i;
      if (!Number.isFinite(d) || d < prevD || (d === prevD && id < prevId)) {
        if (fail(`k-NN row ${i}: distances not ascending by (distance, id) at id ${id}`)) return report();
      }
      prevD = d;
      prevId = id;
    }
  }

  const maxDegree = graph.maxDegree;
  const stride = maxDegree + 1;
  const links = graph.links;
  if (links.length !== n * stride) {
    fail(`search graph holds ${links.length} ints, expected ${n} × ${stride}`);
    return report();
  }
  mark.fill(-1);
  let edges = 0;
  for (let i = 0; i < n; i++) {
    const base = i * stride;
    const cnt = links[base];
    if (cnt < 0 || cnt > maxDegree) {
      if (fail(`search graph: point ${i} has degree ${cnt} outside [0, ${maxDegree}]`)) return report();
      continue;
    }
    edges += cnt;
    for (let j = 1; j <= cnt; j++) {
      const nb = links[base + j];
      if (nb < 0 || nb >= n || nb === i || mark[nb] === i) {
        if (fail(`search graph: point ${i} links to bad or repeated id ${nb}`)) return report();
        continue;
      }
      mark[nb] = i;
    }
  }
  if (edges !== graph.edges) fail(`search graph holds ${edges} edges, its header says ${graph.edges}`);

  checkTree(tree, n, fail);
  if (errors.length >= MAX_ERRORS) return report();
  for (let j = 0; j < entries.length; j++) {
    if (entries[j] < 0 || entries[j] >= n) fail(`entry point ${entries[j]} outside [0, ${n})`);
  }
  if (n > 0 && tree.leafCount === 0 && entries.length === 0) fail('no search tree and no entry points');
  return report();
}

function checkTree(tree: FlatTree, n: number, fail: (msg: string) => boolean): void {
  const inner = tree.innerCount;
  const leaves = tree.leafCount;
  if (leaves === 0) {
    if (inner !== 0 || tree.indices.length !== 0) fail('tree arrays present without leaves');
    return;
  }
  if (n === 0) {
    fail('a search tree over no points');
    return;
  }
  if (tree.normals.length !== inner * tree.dim || tree.children.length !== 2 * inner || tree.offsets.length !== inner) {
    fail('search tree section sizes disagree');
    return;
  }
  if (tree.leafStart.length !== leaves || tree.leafSizes.length !== leaves || tree.indices.length !== n) {
    fail('search tree leaf sections disagree');
    return;
  }
  const innerSeen = new Uint8Array(inner);
  const leafSeen = new Uint8Array(leaves);
  const stack: number[] = [tree.root];
  while (stack.length > 0) {
    const code = stack.pop() as number;
    if (code < 0) {
      const leaf = ~code;
      if (leaf >= leaves || leafSeen[leaf]) {
        if (fail(`search tree: leaf ${leaf} out of range or reached twice`)) return;
        continue;
      }
      leafSeen[leaf] = 1;
    } else {
      if (code >= inner || innerSeen[code]) {
        if (fail(`search tree: inner node ${code} out of range or reached twice`)) return;
        continue;
      }
      innerSeen[code] = 1;
      stack.push(tree.children[2 * code], tree.children[2 * code + 1]);
    }
  }
  for (let i = 0; i < inner; i++) if (!innerSeen[i] && fail(`search tree: inner node ${i} unreachable`)) return;
  const covered = new Uint8Array(n);
  for (let l = 0; l < leaves; l++) {
    if (!leafSeen[l] && fail(`search tree: leaf ${l} unreachable`)) return;
    const s = tree.leafStart[l];
    const size = tree.leafSizes[l];
    if (s < 0 || size < 1 || s + size > n) {
      if (fail(`search tree: leaf ${l} range out of bounds`)) return;
      continue;
    }
    for (let r = s; r < s + size; r++) {
      if (covered[r] && fail(`search tree: leaves overlap at slot ${r}`)) return;
      covered[r] = 1;
    }
  }
  const seen = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const id = tree.indices[r];
    if (!covered[r] && fail(`search tree: slot ${r} in no leaf`)) return;
    if (id < 0 || id >= n || seen[id]) {
      if (fail(`search tree: indices are not a permutation (id ${id})`)) return;
      continue;
    }
    seen[id] = 1;
  }
}
