/**
 * Alg. 5 K-NN-SEARCH of Malkov & Yashunin (IEEE TPAMI 42(4), 2020, arXiv:1603.09320): greedy
 * descent from the entry point through the upper levels (ef = 1), a layer search of width
 * efSearch on level 0, and the k closest elements of W as the answer.
 *
 * Paper step → code:
 * - K-NN-SEARCH(hnsw, q, K, ef), plain → {@link knnSearch}: no filter, no counters, no
 *   deleted node still linked; the fast path that `HnswIndex.searchInto` takes.
 * - K-NN-SEARCH with filters, deletions, counters or a trace → {@link searchChecked}. It
 *   adds what the paper does not cover: a bitset filter that lets few ids through is
 *   answered by an exact scan of the allowed ids (cost model below), and a graph search that
 *   returns fewer than k while more ids pass is completed by a scan ({@link scanAllowed}).
 *
 * @module
 */
import { AnnlabError, checkInteger, checkSearchParams, drainToRow, type SearchStats } from '@annlab/core';
import { bitsetCount, type HnswFilter } from './filter.js';
import { SCAN_BLOCK, type HnswState } from './hnsw-state.js';
import { searchLevel0 } from './internal/wasm-traversal.js';
import { greedyClosest, greedyDescend, searchLayerChecked } from './search-layer.js';
import { HnswSearchStats, type HnswLayerTrace, type HnswSearchParams, type HnswStrategy } from './types.js';

/** Search parameter names {@link checkHnswSearchParams} accepts. */
const SEARCH_KEYS = ['stats', 'efSearch', 'filter', 'rerank'] as const;

/** The default level-0 beam width when `efSearch` is not given (raised to k when smaller). */
export const DEFAULT_EF_SEARCH = 64;

/**
 * Validate search parameters (core's one path for unknown keys and `stats`, then `efSearch`,
 * `filter` and `rerank`). @returns the parameters, `{}` for undefined.
 */
export function checkHnswSearchParams(params: unknown, what: string): HnswSearchParams {
  const p = checkSearchParams<HnswSearchParams>(params, SEARCH_KEYS, what);
  if (p.efSearch !== undefined) checkInteger('efSearch', p.efSearch, 1, 1 << 24);
  if (p.rerank !== undefined) checkInteger('rerank', p.rerank, 0, 1024);
  const f = p.filter;
  if (f !== undefined && !(f instanceof Uint8Array) && typeof f !== 'function') {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `filter must be a Uint8Array bitset (bit id&7 of byte id>>3) or a function (id) => boolean, got ${typeof f}. ` +
        `Build a bitset with bitsetFromIds(ids, index.idCount).`,
    );
  }
  return p;
}

/**
 * Alg. 5 K-NN-SEARCH, plain path: greedy descent through the upper levels, a beam search
 * of width `ef` on level 0 (in WebAssembly on the SIMD backend, see `searchLevel0`), the k
 * best of W written to `outIds`/`outDist` at `outOff` (ascending, padded).
 */
export function knnSearch(
  s: HnswState,
  query: Float32Array,
  qOff: number,
  k: number,
  ef: number,
  outIds: Int32Array,
  outDist: Float32Array,
  outOff: number,
): void {
  const W = s.results;
  W.clear();
  const g = s.graph;
  const ep = g.entryPoint;
  if (ep >= 0) {
    const dc = s.dc;
    dc.setQuery(query, qOff);
    greedyDescend(s, ep, dc.distanceTo(ep), g.maxLevel, 0);
    searchLevel0(s, s.greedyId, s.greedyDist, ef, false);
    while (W.size > k) W.pop();
  }
  drainToRow(W, s.policy, k, outIds, outDist, outOff);
}

/**
 * Alg. 5 on the checked path (filters, deletions, stats, trace). When `layers` is given, one
 * {@link HnswLayerTrace} per level is appended to it.
 *
 * Cost model for a bitset filter: a filtered beam search needs about ef·Mmax0/s distances to
 * collect ef allowed results when a fraction s = allowed/n passes; a scan needs `allowed`.
 * So the allowed ids are scanned exactly when allowed² ≤ ef·Mmax0·n. A predicate cannot be
 * counted cheaply, so it always starts with the graph.
 * @returns the strategy used.
 */
export function searchChecked(
  s: HnswState,
  query: Float32Array,
  qOff: number,
  k: number,
  ef: number,
  filter: HnswFilter | undefined,
  stats: SearchStats | undefined,
  layers: HnswLayerTrace[] | null,
  outIds: Int32Array,
  outDist: Float32Array,
  outOff: number,
): HnswStrategy {
  const g = s.graph;
  const allow = s.allow;
  allow.set(g.deleted, filter);
  const W = s.results;
  W.clear();
  const dc = s.dc;
  const n = s.store.size;
  const tracer = s.tracer;
  tracer.reset();
  let strategy: HnswStrategy = 'graph';
  const perLayer = stats instanceof HnswSearchStats ? stats.hopsPerLayer : null;
  if (g.entryPoint >= 0) {
    dc.setQuery(query, qOff);
    let scanFirst = false;
    if (allow.bits !== null) {
      const allowed = bitsetCount(allow.bits, n);
      scanFirst = allowed * allowed <= ef * g.Mmax0 * n;
    }
    if (scanFirst) {
      strategy = 'scan';
    } else {
      let cur = g.entryPoint;
      let curDist = dc.distanceTo(cur);
      tracer.distanceComputations++;
      for (let lc = g.maxLevel; lc >= 0; lc--) {
        const hops0 = tracer.hops;
        const dist0 = tracer.distanceComputations;
        let trace: HnswLayerTrace | null = null;
        if (layers !== null) {
          trace = { level: lc, entry: cur, path: [], distanceComputations: 0 };
          layers.push(trace);
          tracer.path = trace.path;
        }
        if (lc > 0) {
          greedyClosest(s, cur, curDist, lc, tracer);
          cur = s.greedyId;
          curDist = s.greedyDist;
        } else {
          searchLayerChecked(s, cur, curDist, ef, 0, allow, false, tracer);
        }
        if (trace !== null) trace.distanceComputations = tracer.distanceComputations - dist0 + (lc === g.maxLevel ? 1 : 0);
        if (perLayer !== null) {
          while (perLayer.length <= lc) perLayer.push(0);
          perLayer[lc] += tracer.hops - hops0;
        }
      }
      while (W.size > k) W.pop();
      if (W.size < k && W.size < g.live) strategy = 'graph+scan';
    }
    if (strategy !== 'graph') {
      W.clear();
      tracer.distanceComputations += scanAllowed(s, k);
    }
  }
  drainToRow(W, s.policy, k, outIds, outDist, outOff);
  if (stats !== undefined) {
    stats.queries++;
    stats.hops += tracer.hops;
    stats.distanceComputations += tracer.distanceComputations;
  }
  allow.release();
  tracer.path = null;
  return strategy;
}

/**
 * Exact scan over every id the allow test accepts into W (the k best), in blocks of
 * {@link SCAN_BLOCK} ids measured with one `distancesToIds` call each.
 * @returns distances computed.
 */
export function scanAllowed(s: HnswState, k: number): number {
  const allow = s.allow;
  const W = s.results;
  const dc = s.dc;
  const ids = s.scratchIds;
  const sd = s.scratchDist;
  const n = s.store.size;
  let computed = 0;
  let m = 0;
  for (let id = 0; id <= n; id++) {
    if (id < n && allow.allows(id)) ids[m++] = id;
    if (m === SCAN_BLOCK || (id === n && m > 0)) {
      dc.distancesToIds(ids, 0, m, sd, 0);
      computed += m;
      for (let j = 0; j < m; j++) W.offer(sd[j], ids[j], k);
      m = 0;
    }
  }
  return computed;
}
