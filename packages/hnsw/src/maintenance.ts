/**
 * Changing a built HNSW graph: deletion by marking, moving a point, and reconnecting the
 * graph around deleted points. The paper (Malkov & Yashunin, IEEE TPAMI 42(4), 2020,
 * arXiv:1603.09320) covers insertion only; these follow hnswlib.
 *
 * Steps → code:
 * - hnswlib `markDelete` → {@link deleteIds}: deleted nodes are never returned but still
 *   traversed, so the graph stays navigable.
 * - hnswlib `updatePoint` → {@link updateVector}: the old neighbours re-select their lists
 *   ({@link repairNeighbors}), then the node is relinked with INSERT's search (`linkNode`).
 * - hnswlib `repairConnectionsForUpdate`, applied to deletions → {@link compact}.
 *
 * @module
 */
import { AnnlabError, checkId, checkVectors, stableInput } from '@annlab/core';
import type { HnswState } from './hnsw-state.js';
import { linkNode } from './insert.js';
import { selectNeighbors, sortByDistance } from './select-neighbors.js';

/**
 * Check that `id` is an assigned id (`INVALID_PARAMETER` otherwise) and not deleted
 * (`NOT_FOUND`).
 */
export function checkLiveId(s: HnswState, id: unknown): number {
  checkId(id, s.store.size);
  if (s.graph.deleted[id as number] !== 0) {
    throw new AnnlabError('NOT_FOUND', `id ${String(id)} is deleted; add the vector again to get a new id.`);
  }
  return id as number;
}

/**
 * Mark one id or many deleted. Every id is checked first (an assigned id: `INVALID_PARAMETER`;
 * live: `NOT_FOUND`; no id twice: `INVALID_PARAMETER`); on error nothing is deleted.
 */
export function deleteIds(s: HnswState, ids: number | ArrayLike<number>): void {
  const g = s.graph;
  if (typeof ids === 'number') {
    checkLiveId(s, ids);
  } else {
    if (ids === null || typeof ids !== 'object' || !Number.isInteger((ids as ArrayLike<number>).length) || ids.length < 0) {
      throw new AnnlabError('INVALID_PARAMETER', `delete expects an id or an array of ids (number[] or Int32Array), got ${String(ids)}.`);
    }
    // Repeats are found with the visited tags (ids < idCount ≤ their capacity).
    const visited = s.visited;
    visited.clear();
    for (let i = 0; i < ids.length; i++) {
      const id = checkLiveId(s, ids[i]);
      if (!visited.visit(id)) {
        throw new AnnlabError('INVALID_PARAMETER', `id ${id} appears more than once in the ids to delete; pass each id once.`);
      }
    }
  }
  const n = typeof ids === 'number' ? 1 : ids.length;
  for (let i = 0; i < n; i++) {
    const id = typeof ids === 'number' ? ids : ids[i];
    g.deleted[id] = 1;
    g.live--;
    g.linkedDeletes = true;
  }
}

/**
 * Replace the vector of live `id` and relink it, in two steps (after hnswlib's
 * `updatePoint`):
 * 1. each old neighbour v of `id` re-selects its list, with the heuristic, from its own
 *    neighbours, the neighbours of `id` and `id` itself, measured from v — so links to the
 *    old position are dropped where something better is at hand ({@link repairNeighbors});
 * 2. `id`'s own links on every level are chosen afresh by a search from the entry point
 *    (as in INSERT), and it is offered as a reverse link to its new neighbours.
 * Nodes outside that neighbourhood that linked to `id` keep their (still valid) links.
 * Inputs are checked first; on error nothing changes.
 */
export function updateVector(s: HnswState, id: number, vector: Float32Array): void {
  checkLiveId(s, id);
  const n = checkVectors(vector, s.dim, 'vector');
  if (n !== 1) throw new AnnlabError('DIMENSION_MISMATCH', `update takes exactly one vector of dim = ${s.dim} values, got ${n} rows.`);
  s.store.set(id, stableInput(vector), 0);
  if (s.store.size === 1) return;
  repairNeighbors(s, id);
  s.dc.setQueryToRow(id);
  const g = s.graph;
  let ep = g.entryPoint;
  if (ep === id) {
    // Start from a neighbour of the entry point so the walk does not begin at the node itself.
    const top = g.maxLevel;
    const arr = g.linksOf(top);
    const base = g.linkBase(id, top);
    if (arr[base] > 0) ep = arr[base + 1];
  }
  linkNode(s, id, g.levels[id], ep);
}

/** Step 1 of {@link updateVector}: the old neighbours of `id` re-select their lists. */
export function repairNeighbors(s: HnswState, id: number): void {
  const g = s.graph;
  const visited = s.visited;
  const dcAux = s.dcAux;
  for (let lc = 0; lc <= g.levels[id]; lc++) {
    const arr = g.linksOf(lc);
    const cap = g.capOf(lc);
    const ib = g.linkBase(id, lc);
    const icnt = arr[ib];
    s.growSel(2 * cap + 2);
    for (let j = 1; j <= icnt; j++) {
      const v = arr[ib + j];
      const vb = g.linkBase(v, lc);
      const vcnt = arr[vb];
      visited.clear();
      visited.add(v);
      const ids = s.selIds;
      let m = 0;
      for (let t = 1; t <= vcnt; t++) if (visited.visit(arr[vb + t])) ids[m++] = arr[vb + t];
      for (let t = 1; t <= icnt; t++) if (visited.visit(arr[ib + t])) ids[m++] = arr[ib + t];
      if (visited.visit(id)) ids[m++] = id;
      dcAux.setQueryToRow(v);
      dcAux.distancesToIds(ids, 0, m, s.selDist, 0);
      sortByDistance(ids, s.selDist, m);
      const kept = selectNeighbors(s, v, ids, s.selDist, m, cap, s.chosen);
      arr[vb] = kept;
      for (let t = 0; t < kept; t++) arr[vb + 1 + t] = s.chosen[t];
    }
  }
}

/**
 * Reconnect the graph around deleted nodes and unlink them (hnswlib's
 * `repairConnectionsForUpdate` idea applied to deletions): for every live node that links
 * to a deleted one, the candidates are its live neighbours plus the live neighbours of its
 * deleted neighbours, and its list is re-selected from them. Deleted nodes then have no
 * links in or out, so searches stop visiting them, and the entry point moves to a live node
 * of the highest level if it was deleted. Ids do not change.
 */
export function compact(s: HnswState): void {
  const g = s.graph;
  const n = s.store.size;
  if (!g.linkedDeletes) return;
  const visited = s.visited;
  const dcAux = s.dcAux;
  const deleted = g.deleted;
  const levels = g.levels;
  for (let lc = 0; lc <= g.maxLevel; lc++) {
    const arr = g.linksOf(lc);
    const cap = g.capOf(lc);
    for (let u = 0; u < n; u++) {
      if (deleted[u] !== 0 || levels[u] < lc) continue;
      const base = g.linkBase(u, lc);
      const cnt = arr[base];
      let touched = false;
      for (let j = 1; j <= cnt; j++) if (deleted[arr[base + j]] !== 0) touched = true;
      if (!touched) continue;
      visited.clear();
      visited.add(u);
      let m = 0;
      for (let j = 1; j <= cnt; j++) {
        const v = arr[base + j];
        // A live neighbour stays a candidate; a deleted one is replaced by its live neighbours.
        const vb = deleted[v] === 0 ? -1 : g.linkBase(v, lc);
        const vc = vb < 0 ? 1 : arr[vb];
        for (let t = 1; t <= vc; t++) {
          const x = vb < 0 ? v : arr[vb + t];
          if (deleted[x] !== 0 || !visited.visit(x)) continue;
          if (m === s.selIds.length) s.growSel(m * 2);
          s.selIds[m++] = x;
        }
      }
      dcAux.setQueryToRow(u);
      dcAux.distancesToIds(s.selIds, 0, m, s.selDist, 0);
      sortByDistance(s.selIds, s.selDist, m);
      // The heuristic measures with dc.symmetric, which does not depend on the query.
      const kept = selectNeighbors(s, u, s.selIds, s.selDist, m, cap, s.chosen);
      arr[base] = kept;
      for (let j = 0; j < kept; j++) arr[base + 1 + j] = s.chosen[j];
    }
  }
  for (let u = 0; u < n; u++) {
    if (deleted[u] === 0) continue;
    for (let lc = 0; lc <= levels[u]; lc++) g.linksOf(lc)[g.linkBase(u, lc)] = 0;
  }
  g.linkedDeletes = false;
  // Entry point: the live node with the highest level (smallest id among ties).
  if (deleted[g.entryPoint] !== 0) {
    let best = -1;
    let bestLevel = -1;
    for (let u = 0; u < n; u++) {
      if (deleted[u] === 0 && levels[u] > bestLevel) {
        best = u;
        bestLevel = levels[u];
      }
    }
    g.entryPoint = best;
    g.maxLevel = bestLevel;
  }
}
