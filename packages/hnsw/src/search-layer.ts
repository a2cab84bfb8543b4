/**
 * Alg. 2 SEARCH-LAYER of Malkov & Yashunin (IEEE TPAMI 42(4), 2020, arXiv:1603.09320): a
 * best-first search on one level from an entry point, keeping a candidate min-heap C and a
 * dynamic list W of the `ef` closest nodes found; it stops when the closest candidate is
 * farther than the farthest element of W. With ef = 1 on the upper levels it is a greedy
 * walk (hnswlib does the same).
 *
 * Paper step → code:
 * - SEARCH-LAYER(q, ep, ef, lc), query time → {@link searchLayer}: the fast path, with no
 *   filter, deletion or counting checks in its loop (hnswlib's `bare_bone_search`).
 * - SEARCH-LAYER at insert time, and with filters, deletions, counters or a trace →
 *   {@link searchLayerChecked}: one loop for both, with the extras switched by arguments.
 * - SEARCH-LAYER with ef = 1 → {@link greedyClosest}, and the descent through the upper
 *   levels of Alg. 1 and Alg. 5 → {@link greedyDescend}.
 *
 * Per expansion, the unvisited neighbours are gathered into a scratch list and measured with
 * one `DistanceComputer.distancesToIds` call. Results stay in the state's heaps: W in
 * `s.results` (a max-heap of at most `ef` items), the greedy answer in `s.greedyId` /
 * `s.greedyDist`.
 *
 * @module
 */
import type { AllowTest } from './filter.js';
import type { HnswState, Tracer } from './hnsw-state.js';

/**
 * SEARCH-LAYER with ef = 1 as a greedy walk on `level`: move to the closest neighbour while
 * it improves (ties to the smaller id). Result in `s.greedyId` / `s.greedyDist`. With a
 * `tracer`, each expanded node and each distance is counted (and the path recorded when
 * `tracer.path` is set); the plain path passes null.
 */
export function greedyClosest(s: HnswState, ep: number, epDist: number, level: number, tracer: Tracer | null): void {
  const dc = s.dc;
  const g = s.graph;
  const scratch = s.scratchIds;
  const sd = s.scratchDist;
  const arr = g.linksOf(level);
  let cur = ep;
  let curDist = epDist;
  let changed = true;
  while (changed) {
    changed = false;
    const base = g.linkBase(cur, level);
    const cnt = arr[base];
    for (let j = 0; j < cnt; j++) scratch[j] = arr[base + 1 + j];
    dc.distancesToIds(scratch, 0, cnt, sd, 0);
    if (tracer !== null) {
      tracer.hops++;
      tracer.distanceComputations += cnt;
      if (tracer.path !== null) tracer.path.push(cur);
    }
    for (let j = 0; j < cnt; j++) {
      const d = sd[j];
      if (d < curDist || (d === curDist && scratch[j] < cur)) {
        curDist = d;
        cur = scratch[j];
        changed = true;
      }
    }
  }
  s.greedyId = cur;
  s.greedyDist = curDist;
}

/**
 * Greedy descent from `ep` (at distance `epDist`) through levels `top` down to `bottom + 1`,
 * one {@link greedyClosest} walk per level; the query must already be set in `s.dc`. Result
 * in `s.greedyId` / `s.greedyDist` (`ep` itself when `top ≤ bottom`).
 */
export function greedyDescend(s: HnswState, ep: number, epDist: number, top: number, bottom: number): void {
  let cur = ep;
  let curDist = epDist;
  for (let lc = top; lc > bottom; lc--) {
    greedyClosest(s, cur, curDist, lc, null);
    cur = s.greedyId;
    curDist = s.greedyDist;
  }
  s.greedyId = cur;
  s.greedyDist = curDist;
}

/**
 * Alg. 2 SEARCH-LAYER, query-time fast path (every node may enter W): best-first search on
 * `level` from `ep` with a dynamic list of `ef` results. Leaves W in `s.results`.
 */
export function searchLayer(s: HnswState, ep: number, epDist: number, ef: number, level: number): void {
  const visited = s.visited;
  const C = s.candidates;
  const W = s.results;
  const dc = s.dc;
  const g = s.graph;
  const scratch = s.scratchIds;
  const sd = s.scratchDist;
  visited.clear();
  const tags = visited.tags;
  const epoch = visited.epoch;
  C.clear();
  W.clear();
  tags[ep] = epoch;
  C.push(epDist, ep);
  W.push(epDist, ep);
  const isBase = level === 0;
  const arr = isBase ? g.links0 : g.upperLinks;
  const stride0 = g.stride0;
  const upperOffset = g.upperOffset;
  const uOff = (level - 1) * g.strideU;
  while (C.size > 0) {
    if (C.dist[0] > W.dist[0]) break;
    const c = C.pop();
    const base = isBase ? c * stride0 : upperOffset[c] + uOff;
    const cnt = arr[base];
    let m = 0;
    for (let j = 1; j <= cnt; j++) {
      const nb = arr[base + j];
      if (tags[nb] !== epoch) {
        tags[nb] = epoch;
        scratch[m++] = nb;
      }
    }
    if (m === 0) continue;
    dc.distancesToIds(scratch, 0, m, sd, 0);
    for (let j = 0; j < m; j++) {
      const d = sd[j];
      if (W.size < ef) {
        const nb = scratch[j];
        C.push(d, nb);
        W.push(d, nb);
      } else if (d < W.dist[0]) {
        const nb = scratch[j];
        C.push(d, nb);
        W.replaceTop(d, nb);
      }
    }
  }
}

/**
 * Alg. 2 SEARCH-LAYER with the extras the fast path leaves out, chosen per call:
 *
 * - `allow` (filters and deletions; null = every node): only ids it accepts enter W, but
 *   every reached node is still traversed, and while W holds fewer than `ef` results every
 *   reached node stays a candidate, so a selective filter widens the search instead of
 *   ending it early (hnswlib's rule when deletions or filters are present).
 * - `newerFirst` (INSERT): W breaks distance ties in favour of the *larger* id — it stores
 *   `~id` (`id ^ −1`), so the heap's (distance, id) order does it; read ids back with `~`.
 *   With a block of identical points (all at distance 0), W then collects the most recently
 *   inserted copies instead of always the oldest ones, so each new copy links to its recent
 *   predecessors and every copy keeps in-links (hnswlib #263; see `hnsw-index.ts`). Without
 *   ties the search is the same as {@link searchLayer}.
 * - `tracer`: count expansions and distances, and record the expansion order.
 *
 * Without a filter W is never short of `ef` while a candidate is closer than its farthest
 * element, so the stopping rule is the fast path's one.
 */
export function searchLayerChecked(
  s: HnswState,
  ep: number,
  epDist: number,
  ef: number,
  level: number,
  allow: AllowTest | null,
  newerFirst: boolean,
  tracer: Tracer | null,
): void {
  const visited = s.visited;
  const C = s.candidates;
  const W = s.results;
  const dc = s.dc;
  const g = s.graph;
  const scratch = s.scratchIds;
  const sd = s.scratchDist;
  const flip = newerFirst ? -1 : 0;
  visited.clear();
  const tags = visited.tags;
  const epoch = visited.epoch;
  C.clear();
  W.clear();
  tags[ep] = epoch;
  C.push(epDist, ep);
  if (allow === null || allow.allows(ep)) W.push(epDist, ep ^ flip);
  const isBase = level === 0;
  const arr = isBase ? g.links0 : g.upperLinks;
  const stride0 = g.stride0;
  const upperOffset = g.upperOffset;
  const uOff = (level - 1) * g.strideU;
  while (C.size > 0) {
    if (W.size >= ef && C.dist[0] > W.dist[0]) break;
    const c = C.pop();
    const base = isBase ? c * stride0 : upperOffset[c] + uOff;
    const cnt = arr[base];
    let m = 0;
    for (let j = 1; j <= cnt; j++) {
      const nb = arr[base + j];
      if (tags[nb] !== epoch) {
        tags[nb] = epoch;
        scratch[m++] = nb;
      }
    }
    if (tracer !== null) {
      tracer.hops++;
      tracer.distanceComputations += m;
      if (tracer.path !== null) tracer.path.push(c);
    }
    if (m === 0) continue;
    dc.distancesToIds(scratch, 0, m, sd, 0);
    for (let j = 0; j < m; j++) {
      const d = sd[j];
      const nb = scratch[j];
      if (W.size < ef) {
        C.push(d, nb);
        if (allow === null || allow.allows(nb)) W.push(d, nb ^ flip);
      } else {
        const top = W.dist[0];
        if (d < top || (d === top && flip !== 0 && (nb ^ flip) < W.ids[0])) {
          C.push(d, nb);
          if (allow === null || allow.allows(nb)) W.replaceTop(d, nb ^ flip);
        }
      }
    }
  }
}
