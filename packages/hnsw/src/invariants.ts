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
 * at least it), no links to or from deleted nodes once `compact` has run, deletion flags 0
 * or 1, the upper-level CSR laid out as the index writes it (level-0 nodes own no block,
 * each other node's block follows the previous one's in id order, and the pool holds
 * exactly those blocks), the live count, the entry point (on the top level, live unless
 * deleted nodes are still linked; −1 exactly when the top level is −1); and count the live
 * nodes that cannot be reached from the entry point on level 0 (breadth-first).
 * O(n · M): duplicates are found with the visited tags, not by comparing pairs, so a crafted
 * file with M = 1000 is checked as fast as it is read. Reports, never throws.
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
  const seen = s.visited;
  seen.ensureCapacity(n);
  let edges = 0;
  let topLevel = -1;
  let live = 0;
  let nextBlock = 0;
  for (let u = 0; u < n; u++) {
    if (deleted[u] > 1) report(`node ${u}: deletion flag ${deleted[u]}, not 0 or 1`);
    if (deleted[u] === 0) live++;
    const L = levels[u];
    if (L > topLevel) topLevel = L;
    const off = g.upperOffset[u];
    if (L === 0 ? off !== -1 : off !== nextBlock) {
      report(
        `node ${u}: level ${L} but upper block offset ${off} (expected ${L === 0 ? -1 : nextBlock}: blocks follow each other in id order)`,
      );
      continue;
    }
    if (L > 0) nextBlock += L * g.strideU;
    if (nextBlock > g.upperUsed) {
      report(`node ${u}: upper block ends at ${nextBlock}, past the ${g.upperUsed} upper links stored`);
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
      if (cnt > 0 && !g.linkedDeletes && deleted[u] !== 0)
        report(`node ${u} level ${lc}: deleted and compacted away, but has ${cnt} links`);
      if (lc === 0) edges += cnt;
      seen.clear();
      for (let j = 1; j <= cnt; j++) {
        const v = arr[base + j];
        if (v < 0 || v >= n) {
          report(`node ${u} level ${lc}: neighbour ${v} out of range [0, ${n})`);
          continue;
        }
        if (v === u) report(`node ${u} level ${lc}: links to itself`);
        else if (levels[v] < lc) report(`node ${u} level ${lc}: neighbour ${v} has top level ${levels[v]}`);
        else if (!g.linkedDeletes && deleted[v] !== 0) report(`node ${u} level ${lc}: links to ${v}, deleted and compacted away`);
        if (!seen.visit(v)) report(`node ${u} level ${lc}: duplicate link to ${v}`);
      }
    }
  }
  if (nextBlock !== g.upperUsed) report(`the upper levels' blocks hold ${nextBlock} links, but ${g.upperUsed} are stored`);
  if (live !== g.live) report(`live count is ${g.live} but ${live} nodes are not deleted`);
  if ((g.entryPoint === -1) !== (g.maxLevel === -1)) report(`entry point ${g.entryPoint} with top level ${g.maxLevel}`);
  if (n === 0) {
    if (g.entryPoint !== -1) report(`empty index has entry point ${g.entryPoint}`);
  } else if (g.entryPoint < 0 || g.entryPoint >= n) {
    if (live > 0 || g.entryPoint !== -1) report(`entry point ${g.entryPoint} out of range`);
  } else if (levels[g.entryPoint] !== g.maxLevel) {
    report(`entry point ${g.entryPoint} has level ${levels[g.entryPoint]}, top level is ${g.maxLevel}`);
  } else if (!g.linkedDeletes && deleted[g.entryPoint] !== 0 && live > 0) {
    report(`entry point ${g.entryPoint} is deleted and compacted away`);
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
