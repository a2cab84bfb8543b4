/**
 * Searching the tables: hash the query, probe its buckets in every table (multi-probe adds
 * the neighbouring buckets), gather the distinct ids found and re-rank them exactly.
 *
 * Citations: P. Indyk and R. Motwani, "Approximate nearest neighbors: towards removing the
 * curse of dimensionality", STOC 1998 (L tables of K concatenated hashes, candidates from
 * the query's buckets checked exactly); A. Gionis, P. Indyk, R. Motwani, "Similarity search
 * in high dimensions via hashing", VLDB 1999; multi-probe: Q. Lv et al., VLDB 2007.
 *
 * Steps → code, all in {@link searchTables}:
 * - compute g_j(q) for every table j: all L·K projections in one
 *   `DistanceComputer.distancesToRange` call over the projection vectors, then
 *   `slotCodesInto` per table;
 * - the probing sequence of each table → `ProbeSequencer.generate` (`probes = 1`: only g_j(q),
 *   classic LSH);
 * - probes are visited rank by rank (every table's own bucket first, then every table's
 *   second-best bucket, …), so a `maxCandidates` cut keeps the most promising buckets;
 * - candidates are deduplicated with a visited set as they are gathered, then measured
 *   exactly in one `distancesToIds` call and the k best kept (Indyk–Motwani's exact check).
 *
 * @module
 */
import {
  type DistanceComputer,
  MaxHeap,
  SearchStats,
  VisitedSet,
  checkInteger,
  drainToRow,
  type MetricPolicy,
  type SearchParams,
} from '@annlab/core';
import { slotCodesInto, type HashFamily } from './hash-family.js';
import { ProbeSequencer } from './multi-probe.js';
import type { LshTables } from './internal/tables.js';

/** Search parameters for {@link LshIndex}. */
export interface LshSearchParams extends SearchParams {
  /**
   * Buckets probed per table (multi-probe, Lv et al. 2007): 1 is classic LSH (only the
   * query's own bucket); larger values add the neighbouring buckets with the smallest
   * perturbation scores. Recall and cost rise with it; multi-probe reaches a given recall
   * with far fewer tables (less memory) than classic LSH. A table has at most 2^K (SimHash)
   * or 3^K (E2LSH) distinct buckets to probe; larger values probe them all. Range 1–65536.
   * @defaultValue 1
   */
  probes?: number;
  /**
   * Most distinct candidates re-ranked per query: gathering stops once this many were
   * found (probes are visited best rank first, all tables at each rank). Bounds the cost of
   * queries that land in crowded buckets; recall falls when it cuts. Integer ≥ 1.
   * @defaultValue unlimited
   */
  maxCandidates?: number;
}

/** The keys {@link LshSearchParams} may hold. */
export const SEARCH_KEYS: readonly string[] = ['probes', 'maxCandidates', 'stats'];

/** Largest `probes`. */
export const MAX_PROBES = 65536;

/** The checked search knobs of one call. */
export interface ResolvedSearch {
  /** Buckets per table. */
  probes: number;
  /** Distinct candidates cap (Infinity when none). */
  maxCandidates: number;
}

/**
 * Check `probes` and `maxCandidates` and fill in their defaults.
 * @throws AnnlabError `INVALID_PARAMETER` for a value out of range.
 */
export function resolveSearch(params: LshSearchParams): ResolvedSearch {
  const probes = params.probes === undefined ? 1 : checkInteger('probes', params.probes, 1, MAX_PROBES);
  const maxCandidates = params.maxCandidates === undefined ? Infinity : checkInteger('maxCandidates', params.maxCandidates, 1);
  return { probes, maxCandidates };
}

/**
 * Work counters with LSH's own extras. Pass one as `stats` to {@link LshIndex.search}; a
 * plain `SearchStats` gets the common ones (`distanceComputations` = distinct candidates,
 * `hops` = buckets probed).
 */
export class LshSearchStats extends SearchStats {
  /** Buckets looked up (L × probes per query, fewer when `maxCandidates` cut). */
  bucketsProbed: number;
  /** Ids met in the probed buckets, counting an id again when another bucket holds it. */
  candidates: number;
  /** Projections computed (L × K per query). */
  projections: number;

  constructor() {
    super();
    this.bucketsProbed = 0;
    this.candidates = 0;
    this.projections = 0;
  }

  /** Set every counter back to zero. */
  override reset(): void {
    super.reset();
    this.bucketsProbed = 0;
    this.candidates = 0;
    this.projections = 0;
  }
}

/** Buffers one search context reuses: projections, codes, probe keys, candidates, top k. */
export class SearchScratch {
  /** Distances to the projection rows (−a·q), length L·K. */
  proj: Float64Array;
  /** The query's K codes per table, length L·K. */
  codes: Int32Array;
  /** The query's boundary gaps per function, length L·K. */
  gaps: Float64Array;
  /** Probe keys, table t's at `t·probes`, length L·probes. */
  probeKeys: Uint32Array;
  /** Probes generated per table, length L. */
  probeCount: Int32Array;
  /** Distinct candidate ids. */
  candIds: Int32Array;
  /** Their internal distances. */
  candDist: Float64Array;
  /** Marks candidates already gathered. */
  readonly visited: VisitedSet;
  /** The k best. */
  readonly topk: MaxHeap;
  /** The multi-probe sequence generator. */
  readonly sequencer: ProbeSequencer;

  constructor() {
    this.proj = new Float64Array(0);
    this.codes = new Int32Array(0);
    this.gaps = new Float64Array(0);
    this.probeKeys = new Uint32Array(0);
    this.probeCount = new Int32Array(0);
    this.candIds = new Int32Array(16);
    this.candDist = new Float64Array(16);
    this.visited = new VisitedSet(16);
    this.topk = new MaxHeap(16);
    this.sequencer = new ProbeSequencer();
  }

  /** Size the per-query buffers for L tables of K functions and `probes` probes. */
  ensure(L: number, K: number, probes: number): void {
    if (this.proj.length < L * K) {
      this.proj = new Float64Array(L * K);
      this.codes = new Int32Array(L * K);
      this.gaps = new Float64Array(L * K);
    }
    if (this.probeCount.length < L) this.probeCount = new Int32Array(L);
    if (this.probeKeys.length < L * probes) this.probeKeys = new Uint32Array(L * probes);
  }

  /** Bytes held. */
  memoryBytes(): number {
    return (
      this.proj.byteLength +
      this.codes.byteLength +
      this.gaps.byteLength +
      this.probeKeys.byteLength +
      this.probeCount.byteLength +
      this.candIds.byteLength +
      this.candDist.byteLength +
      this.visited.memoryBytes() +
      this.topk.dist.byteLength +
      this.topk.ids.byteLength +
      this.sequencer.memoryBytes()
    );
  }
}

/** What one search needs from the index (fixed shape, built once by the index). */
export class SearchContext {
  /** The hash functions. */
  readonly family: HashFamily;
  /** The tables (CSR current: the index rebuilds a stale one before searching). */
  readonly tables: LshTables;
  /** Distances to the stored vectors (its query is the normalised query). */
  readonly dc: DistanceComputer;
  /** Projections of the query: `−a·q` for every function (inner-product kernel). */
  readonly projDc: DistanceComputer;
  /** The index's metric policy (reported distances). */
  readonly policy: MetricPolicy;
  /** Reused buffers. */
  readonly scratch: SearchScratch;

  constructor(
    family: HashFamily,
    tables: LshTables,
    dc: DistanceComputer,
    projDc: DistanceComputer,
    policy: MetricPolicy,
    scratch: SearchScratch,
  ) {
    this.family = family;
    this.tables = tables;
    this.dc = dc;
    this.projDc = projDc;
    this.policy = policy;
    this.scratch = scratch;
  }
}

/**
 * Hash the query and generate every table's probe keys into the scratch (`probeKeys`,
 * `probeCount`). Shared by the search and its explained twin.
 */
export function hashQuery(ctx: SearchContext, query: Float32Array, qOff: number, probes: number): void {
  const family = ctx.family;
  const L = family.L;
  const K = family.K;
  const s = ctx.scratch;
  s.ensure(L, K, probes);
  ctx.dc.setQuery(query, qOff);
  ctx.projDc.setQuery(ctx.dc.query, 0);
  ctx.projDc.distancesToRange(0, L * K, s.proj, 0);
  const e2lsh = family.kind === 'e2lsh';
  const w = family.w;
  const codes = s.codes;
  const gaps = s.gaps;
  const keys = s.probeKeys;
  const count = s.probeCount;
  const seq = s.sequencer;
  for (let t = 0; t < L; t++) {
    slotCodesInto(family, t, s.proj, 0, codes, t * K, gaps, t * K);
    count[t] = seq.generate(codes, gaps, t * K, K, e2lsh, w, probes, keys, t * probes, null, null);
  }
}

/**
 * One query into caller-owned output: the k nearest of `query[qOff .. qOff + dim)` go to
 * `outIds`/`outDist` at `outOff`, ascending, padded. Nothing is validated here; the tables
 * must be current (`tables.indexed === tables.count`).
 */
export function searchTables(
  ctx: SearchContext,
  query: Float32Array,
  qOff: number,
  k: number,
  probes: number,
  maxCandidates: number,
  outIds: Int32Array,
  outDist: Float32Array,
  outOff: number,
  stats: SearchStats | undefined,
): void {
  hashQuery(ctx, query, qOff, probes);
  const s = ctx.scratch;
  const tables = ctx.tables;
  const L = tables.L;
  const keys = s.probeKeys;
  const count = s.probeCount;
  const bucketStart = tables.bucketStart;
  const bucketIds = tables.bucketIds;
  const visited = s.visited;
  visited.ensureCapacity(tables.indexed);
  visited.clear();
  const tags = visited.tags;
  const epoch = visited.epoch;
  let cand = s.candIds;
  let unique = 0;
  let seen = 0;
  let looked = 0;
  gather: for (let r = 0; r < probes; r++) {
    for (let t = 0; t < L; t++) {
      if (r >= count[t]) continue;
      looked++;
      const b = tables.find(t, keys[t * probes + r]);
      if (b < 0) continue;
      const start = bucketStart[b];
      const end = bucketStart[b + 1];
      seen += end - start;
      if (unique + (end - start) > cand.length) {
        let cap = cand.length * 2;
        while (cap < unique + (end - start)) cap *= 2;
        const next = new Int32Array(cap);
        next.set(cand.subarray(0, unique));
        cand = s.candIds = next;
        s.candDist = new Float64Array(cap);
      }
      for (let i = start; i < end; i++) {
        const id = bucketIds[i];
        if (tags[id] !== epoch) {
          tags[id] = epoch;
          cand[unique++] = id;
          if (unique >= maxCandidates) break gather;
        }
      }
    }
  }
  // Visit rows in address order (a forward sweep the prefetcher can follow).
  if (unique > 1) cand.subarray(0, unique).sort();
  const dist = s.candDist;
  ctx.dc.distancesToIds(cand, 0, unique, dist, 0);
  const topk = s.topk;
  topk.clear();
  let worst = Infinity;
  for (let i = 0; i < unique; i++) {
    const d = dist[i];
    if (d <= worst) {
      topk.offer(d, cand[i], k);
      if (topk.size === k) worst = topk.dist[0];
    }
  }
  drainToRow(topk, ctx.policy, k, outIds, outDist, outOff);
  if (stats !== undefined) {
    stats.queries++;
    stats.distanceComputations += unique;
    stats.hops += looked;
    if (stats instanceof LshSearchStats) {
      stats.bucketsProbed += looked;
      stats.candidates += seen;
      stats.projections += L * ctx.family.K;
    }
  }
}
