/**
 * The structural checks of an HNSW graph (hnswlib's `checkIntegrity`), run by tests, by the
 * loader on every file, and by users who want to know how healthy a graph is.
 *
 * @module
 */
import type { HnswState } from './hnsw-state.js';
import type { HnswInvariantReport } from './types.js';

/** Most violations listed in a report. */
const MAX_ERRORS = 50;

/**
 * Check the graph: link counts within bounds (M above level 0, Mmax0 on it), neighbour ids
 * in range, no self links, no duplicate links, neighbours on the level (their top level is
 * at least it), no links to deleted nodes once `compact` has run, upper blocks inside the
 * pool, the live count, the entry point on the top level; and count the live nodes that
 * cannot be reached from the entry point on level 0 (breadth-first). O(n · M). Reports,
 * never throws.
 */
export function checkInvariants(s: HnswState): HnswInvariantReport {
  const g = s.graph;
  const errors: string[] = [];
  const report = (msg: string): void => {
    if (errors.length < MAX_ERRORS) errors.push(msg);
  };
  const n = s.store.size;
  const levels = g.levels;
  const deleted = g.deleted;
  let edges = 0;
  let topLevel = -1;
  let live = 0;
  for (let u = 0; u < n; u++) {
    if (deleted[u] === 0) live++;
    const L = levels[u];
    if (L > topLevel) topLevel = L;
    if (L > 0 && (g.upperOffset[u] < 0 || g.upperOffset[u] + L * g.strideU > g.upperUsed)) {
      report(`node ${u}: level ${L} but upper block offset ${g.upperOffset[u]} is out of range`);
      continue;
    }
    for (let lc = 0; lc <= L; lc++) {
      const arr = g.linksOf(lc);
      const base = g.linkBase(u, lc);
      const cnt = arr[base];
      const cap = g.capOf(lc);
      if (cnt < 0 || cnt > cap) {
        report(`node ${u} level ${lc}: ${cnt} links, bound is ${cap}`);
        continue;
      }
      if (lc === 0) edges += cnt;
      for (let j = 1; j <= cnt; j++) {
        const v = arr[base + j];
        if (v < 0 || v >= n) report(`node ${u} level ${lc}: neighbour ${v} out of range [0, ${n})`);
        else if (v === u) report(`node ${u} level ${lc}: links to itself`);
        else if (levels[v] < lc) report(`node ${u} level ${lc}: neighbour ${v} has top level ${levels[v]}`);
        else if (!g.linkedDeletes && deleted[v] !== 0) report(`node ${u} level ${lc}: links to ${v}, deleted and compacted away`);
        for (let t = 1; t < j; t++) if (arr[base + t] === v) report(`node ${u} level ${lc}: duplicate link to ${v}`);
      }
    }
  }
  if (live !== g.live) report(`live count is ${g.live} but ${live} nodes are not deleted`);
  if (n === 0) {
    if (g.entryPoint !== -1) report(`empty index has entry point ${g.entryPoint}`);
  } else if (g.entryPoint < 0 || g.entryPoint >= n) {
    if (live > 0) report(`entry point ${g.entryPoint} out of range`);
  } else if (levels[g.entryPoint] !== g.maxLevel) {
    report(`entry point ${g.entryPoint} has level ${levels[g.entryPoint]}, top level is ${g.maxLevel}`);
  }
  if (g.entryPoint >= 0 && topLevel > g.maxLevel) {
    // Only nodes unlinked by compact() may sit above the entry point's level.
    for (let u = 0; u < n; u++) {
      if (levels[u] > g.maxLevel && deleted[u] === 0) report(`node ${u} has level ${levels[u]} above the top level ${g.maxLevel}`);
    }
  }
  return { ok: errors.length === 0, errors, unreachable: countUnreachable(s), nodes: n, edges };
}

/** Live nodes not reachable from the entry point on level 0 (0 for an empty graph). */
function countUnreachable(s: HnswState): number {
  const g = s.graph;
  const n = s.store.size;
  const ep = g.entryPoint;
  if (ep < 0 || ep >= n) return 0;
  const seen = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  queue[tail++] = ep;
  seen[ep] = 1;
  const links0 = g.links0;
  const s0 = g.stride0;
  while (head < tail) {
    const u = queue[head++];
    const base = u * s0;
    const cnt = Math.min(links0[base], g.Mmax0);
    for (let j = 1; j <= cnt; j++) {
      const v = links0[base + j];
      if (v >= 0 && v < n && seen[v] === 0) {
        seen[v] = 1;
        queue[tail++] = v;
      }
    }
  }
  let unreachable = 0;
  for (let u = 0; u < n; u++) if (seen[u] === 0 && g.deleted[u] === 0) unreachable++;
  return unreachable;
}
