/**
 * The graph's structural invariants, checked in one pass (hnswlib's `checkIntegrity`):
 * every out-degree in [0, R], every neighbour id in [0, nodes), no self-loops, no repeated
 * neighbour, a start node in range (−1 only when empty). Reachability from the start node is
 * not an invariant (Vamana does not guarantee it, e.g. on many duplicate points) and is
 * reported by {@link reachableFrom} instead.
 *
 * A damaged structure (a corrupted file, a bug) is reported, never thrown.
 *
 * @module
 */
import type { InvariantReport } from '@annlab/core';
import type { VamanaGraph } from './graph.js';

/** Most violations listed in a report. */
const MAX_ERRORS = 50;

/** Check `graph` (with `idCount` stored vectors). */
export function checkGraph(graph: VamanaGraph, idCount: number): InvariantReport {
  const errors: string[] = [];
  const fail = (msg: string): boolean => {
    if (errors.length < MAX_ERRORS) errors.push(msg);
    return errors.length >= MAX_ERRORS;
  };
  const report = (): InvariantReport => ({ ok: errors.length === 0, errors });
  const n = graph.nodes;
  if (n !== idCount && fail(`${n} graph nodes for ${idCount} stored vectors`)) return report();
  if (n === 0 ? graph.medoid !== -1 : graph.medoid < 0 || graph.medoid >= n) {
    if (fail(`start node ${graph.medoid} outside [0, ${n})`)) return report();
  }
  const adj = graph.adj;
  const stride = graph.stride;
  const R = graph.R;
  if (adj.length < n * stride && fail(`adjacency holds ${adj.length} ints, fewer than ${n} × ${stride}`)) return report();
  const mark = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const base = i * stride;
    const deg = adj[base];
    if (deg < 0 || deg > R) {
      if (fail(`node ${i} has out-degree ${deg} outside [0, ${R}]`)) return report();
      continue;
    }
    for (let j = 1; j <= deg; j++) {
      const v = adj[base + j];
      if (v < 0 || v >= n) {
        if (fail(`node ${i} links to ${v} outside [0, ${n})`)) return report();
      } else if (v === i) {
        if (fail(`node ${i} links to itself`)) return report();
      } else if (mark[v] === i) {
        if (fail(`node ${i} links to ${v} twice`)) return report();
      } else {
        mark[v] = i;
      }
    }
  }
  return report();
}

/** Number of nodes reachable from the start node (0 when empty). Assumes a valid graph. */
export function reachableFrom(graph: VamanaGraph): number {
  const n = graph.nodes;
  if (n === 0 || graph.medoid < 0) return 0;
  const seen = new Uint8Array(n);
  const stack = new Int32Array(n);
  let top = 0;
  stack[top++] = graph.medoid;
  seen[graph.medoid] = 1;
  let count = 1;
  const adj = graph.adj;
  const stride = graph.stride;
  while (top > 0) {
    const c = stack[--top];
    const base = c * stride;
    const deg = adj[base];
    for (let j = 1; j <= deg; j++) {
      const v = adj[base + j];
      if (seen[v] === 0) {
        seen[v] = 1;
        count++;
        stack[top++] = v;
      }
    }
  }
  return count;
}
