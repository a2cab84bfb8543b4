/**
 * Alg. 1 INSERT of Malkov & Yashunin (IEEE TPAMI 42(4), 2020, arXiv:1603.09320): a new
 * point draws its top level l from an exponentially decaying distribution, walks greedily
 * down from the entry point to level l + 1, and on each level from min(l, top) down to 0
 * runs a layer search of width efConstruction, links to the neighbours selected from what it
 * found, and is linked back from them (shrinking any list that overflows).
 *
 * Paper step → code:
 * - level draw `l = ⌊−ln(unif(0..1)) · mL⌋`, mL = 1/ln M → {@link drawLevel}.
 * - INSERT(hnsw, q, M, Mmax, efConstruction, mL) → {@link insertNode}; the search-and-link
 *   body (also used by `update`) → {@link linkNode}.
 * - "add bidirectional connections … shrink connections if needed" → {@link addReverseLink}.
 *
 * Deviations (hnswlib's): Mmax0 = 2·M on level 0; only the closest element of W is passed
 * down as the next level's entry point; an overflowing list is shrunk with the heuristic
 * over its old list plus the new node (`getNeighborsByHeuristic2` in
 * `mutuallyConnectNewElement`). The layer search breaks distance ties towards newer ids (see
 * `searchLayerChecked`), so exact duplicates stay connected (hnswlib #263).
 *
 * @module
 */
import { PROGRESS_EVERY, type ProgressCallback, Rng, reportProgress } from '@annlab/core';
import { MAX_LEVEL } from './graph-layout.js';
import type { HnswState } from './hnsw-state.js';
import { InsertBatch } from './internal/wasm-insert.js';
import { searchLevel0 } from './internal/wasm-traversal.js';
import { greedyDescend, searchLayerChecked } from './search-layer.js';
import { selectNeighbors, sortByDistance } from './select-neighbors.js';

/**
 * Draw a node level: ⌊−ln(u) · mL⌋ with u uniform in (0, 1] from the seeded Rng, capped at
 * 255. P(level ≥ l) = M^(−l).
 */
export function drawLevel(s: HnswState): number {
  const u = 1 - s.rng.nextDouble();
  return Math.min(MAX_LEVEL, Math.floor(-Math.log(u) * s.mL));
}

/**
 * Append `n` validated rows of `vectors` and insert each with Alg. 1; ids continue from the
 * current id count. `onProgress(done, n)` runs after every {@link PROGRESS_EVERY} inserts and
 * after the last, between two inserts, so an exception from it leaves a consistent graph of
 * the rows inserted so far.
 *
 * On the SIMD backend the inserts run in WebAssembly, {@link PROGRESS_EVERY} ids per call
 * (`assembly/insert.ts`, the same steps as {@link insertNode} with the same results, bit for
 * bit); the JS loop below is the readable reference, and runs for `kernels: 'js'` indexes.
 */
export function addRows(s: HnswState, vectors: Float32Array, n: number, onProgress: ProgressCallback | null = null): void {
  s.ensureCapacity(s.store.size + n);
  const dim = s.dim;
  const g = s.graph;
  for (let i = 0; i < n; ) {
    // The loop needs an entry point: the first node of an empty graph is inserted below.
    if (s.traversal !== null && g.entryPoint >= 0) {
      const count = Math.min(n - i, PROGRESS_EVERY - (i % PROGRESS_EVERY));
      if (addBatchInWasm(s, vectors, i, count)) {
        i += count;
        reportProgress(onProgress, i, n);
        continue;
      }
    }
    const id = s.store.append(vectors, i * dim, 1);
    insertNode(s, id, drawLevel(s));
    g.live++;
    i++;
    reportProgress(onProgress, i, n);
  }
}

/**
 * Append rows `[from, from + count)` of `vectors` and prepare them for the INSERT loop, as
 * {@link insertNode} would one by one: the first row of an empty graph becomes its entry
 * point; every other row gets its level drawn and its upper block reserved, in id order.
 * @returns the first id the loop has to link.
 */
export function stageRows(s: HnswState, vectors: Float32Array, from: number, count: number): number {
  const g = s.graph;
  let next = s.store.append(vectors, from * s.dim, count);
  const end = next + count;
  if (g.entryPoint < 0) {
    insertNode(s, next, drawLevel(s));
    next++;
  }
  for (let q = next; q < end; q++) g.allocateNode(q, drawLevel(s));
  return next;
}

/**
 * Append rows `[from, from + count)` of `vectors` and insert them with the WebAssembly loop on
 * this thread (the graph has an entry point). @returns false, changing nothing, when the
 * memory cannot hold the loop's temporary state (the caller inserts in JS).
 */
function addBatchInWasm(s: HnswState, vectors: Float32Array, from: number, count: number): boolean {
  const g = s.graph;
  const rng = s.rng.state();
  const upperUsed = g.upperUsed;
  const first = stageRows(s, vectors, from, count);
  const end = first + count;
  const batch = InsertBatch.prepare(s, first, end, 1);
  if (batch === null) {
    // Undo the appends and draws: the JS loop redoes them one by one.
    g.upperOffset.fill(-1, first, end);
    g.levels.fill(0, first, end);
    g.upperUsed = upperUsed;
    s.store.truncate(first);
    s.rng = Rng.fromState(rng);
    return false;
  }
  try {
    batch.runHere();
    batch.finish(s);
  } finally {
    batch.drop();
  }
  g.live += count;
  return true;
}

/**
 * Alg. 1 INSERT: link the stored row `q` into the graph with top level `level`.
 *
 * Greedy descent (ef = 1) from the entry point down to `level + 1`; then on each level
 * from min(level, maxLevel) down to 0 a beam search of width efConstruction, neighbour
 * selection (M links), and reverse links, shrinking any neighbour list that overflows.
 */
export function insertNode(s: HnswState, q: number, level: number): void {
  const g = s.graph;
  g.allocateNode(q, level);
  if (g.entryPoint < 0) {
    g.entryPoint = q;
    g.maxLevel = level;
    return;
  }
  s.dc.setQueryToRow(q);
  linkNode(s, q, level, g.entryPoint);
  if (level > g.maxLevel) {
    g.entryPoint = q;
    g.maxLevel = level;
  }
}

/**
 * The body of INSERT for a node whose query is already set in `s.dc`: search from `ep`,
 * choose neighbours on levels min(level, maxLevel) … 0, write them, add reverse links.
 * `q` itself is never taken as its own neighbour (it may already be in the graph when
 * updating).
 */
export function linkNode(s: HnswState, q: number, level: number, ep: number): void {
  const g = s.graph;
  greedyDescend(s, ep, s.dc.distanceTo(ep), g.maxLevel, level);
  let cur = s.greedyId;
  let curDist = s.greedyDist;
  const top = Math.min(level, g.maxLevel);
  const strideU = g.strideU;
  // Choose all levels' neighbours first, then write, so the searches see a consistent graph.
  if (s.pendingLinks.length < (top + 1) * strideU) s.pendingLinks = new Int32Array((top + 1) * strideU);
  const pending = s.pendingLinks;
  for (let lc = top; lc >= 0; lc--) {
    // Level 0 runs in WebAssembly on the SIMD backend (same results as the JS loop).
    if (lc === 0) searchLevel0(s, cur, curDist, s.efConstruction, true);
    else searchLayerChecked(s, cur, curDist, s.efConstruction, lc, null, true, null);
    const count = drainResultsExcluding(s, q);
    if (count > 0) {
      cur = s.selIds[0];
      curDist = s.selDist[0];
    }
    const kept = selectNeighbors(s, q, s.selIds, s.selDist, count, s.M, s.chosen);
    const pb = lc * strideU;
    pending[pb] = kept;
    for (let j = 0; j < kept; j++) pending[pb + 1 + j] = s.chosen[j];
  }
  for (let lc = top; lc >= 0; lc--) {
    const pb = lc * strideU;
    const kept = pending[pb];
    const arr = g.linksOf(lc);
    const base = g.linkBase(q, lc);
    arr[base] = kept;
    for (let j = 0; j < kept; j++) arr[base + 1 + j] = pending[pb + 1 + j];
    for (let j = 0; j < kept; j++) addReverseLink(s, pending[pb + 1 + j], q, lc);
  }
}

/**
 * Add the link e → q on level `lc`; if e's list is full, shrink {e's list ∪ q} back to
 * its capacity with the neighbour-selection rule, as hnswlib does.
 */
export function addReverseLink(s: HnswState, e: number, q: number, lc: number): void {
  const g = s.graph;
  const arr = g.linksOf(lc);
  const base = g.linkBase(e, lc);
  const cnt = arr[base];
  for (let j = 1; j <= cnt; j++) if (arr[base + j] === q) return;
  const cap = g.capOf(lc);
  if (cnt < cap) {
    arr[base + 1 + cnt] = q;
    arr[base] = cnt + 1;
    return;
  }
  const ids = s.selIds;
  const dist = s.selDist;
  for (let j = 0; j < cnt; j++) ids[j] = arr[base + 1 + j];
  ids[cnt] = q;
  const dcAux = s.dcAux;
  dcAux.setQueryToRow(e);
  dcAux.distancesToIds(ids, 0, cnt + 1, dist, 0);
  sortByDistance(ids, dist, cnt + 1);
  const kept = selectNeighbors(s, e, ids, dist, cnt + 1, cap, s.chosen);
  arr[base] = kept;
  for (let j = 0; j < kept; j++) arr[base + 1 + j] = s.chosen[j];
}

/**
 * Empty the insert-time result heap W (ids stored as `~id`, see `searchLayerChecked`) into
 * `s.selIds`/`s.selDist`, ascending by distance with ties newest (largest id) first, leaving
 * out `exclude`. @returns the number written.
 */
function drainResultsExcluding(s: HnswState, exclude: number): number {
  const W = s.results;
  const n = W.size;
  s.growSel(n);
  const ids = s.selIds;
  const dist = s.selDist;
  for (let i = n - 1; i >= 0; i--) {
    dist[i] = W.dist[0];
    ids[i] = ~W.pop();
  }
  let w = 0;
  for (let i = 0; i < n; i++) {
    if (ids[i] === exclude) continue;
    ids[w] = ids[i];
    dist[w] = dist[i];
    w++;
  }
  return w;
}
