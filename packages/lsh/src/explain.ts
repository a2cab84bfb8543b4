/**
 * One query's search, recorded for teaching (and for the picture of `annlab explain`): the
 * query's K hash values in every table, each probed bucket with its perturbed codes, score
 * and size, in the order the search visits them. A separate, allocating walk that follows
 * {@link searchTables} step for step (same probing sequences, same visiting order, same
 * `maxCandidates` cut), so its answer equals `search`'s.
 *
 * @module
 */
import { MaxHeap, createSearchResult, drainToRow, type Explanation } from '@annlab/core';
import { slotCodesInto } from './hash-family.js';
import type { SearchContext } from './search.js';

/** One bucket an explained query probed, in visiting order. */
export interface LshProbe {
  /** Table the bucket belongs to. */
  table: number;
  /** Rank in the table's probing sequence (0 = the query's own bucket). */
  rank: number;
  /** The bucket's K hash values (the query's, perturbed): bits for SimHash, slot numbers for E2LSH. */
  codes: Int32Array;
  /** Perturbation score Σ x² of the move from the query's bucket (0 for its own). */
  score: number;
  /** The bucket's 32-bit key. */
  key: number;
  /** Ids the bucket holds (0 when no stored vector hashed there). */
  bucketSize: number;
  /** Ids this probe added to the candidates (not seen in an earlier probe). */
  newCandidates: number;
}

/** What one query did, for teaching: see {@link LshIndex.explain}. */
export interface LshExplanation extends Explanation {
  /** The hash family: `'simhash'` (cosine) or `'e2lsh'` (euclidean). */
  readonly family: 'simhash' | 'e2lsh';
  /** The query's K hash values per table, `L × K` row-major. */
  readonly queryCodes: Int32Array;
  /** Every bucket probed, in visiting order (rank by rank, every table at each rank). */
  readonly probes: LshProbe[];
  /** Ids met in the probed buckets, with repeats. */
  readonly candidates: number;
  /** Distinct candidates (= distance computations). */
  readonly uniqueCandidates: number;
}

/**
 * Run one query (`query[0 .. dim)`) through the tables, recording every probe. Nothing is
 * validated here; the tables must be current. `live` is the number of stored vectors
 * (0: nothing is searched).
 */
export function explainTables(
  ctx: SearchContext,
  live: number,
  query: Float32Array,
  k: number,
  probes: number,
  maxCandidates: number,
): LshExplanation {
  const family = ctx.family;
  const tables = ctx.tables;
  const L = family.L;
  const K = family.K;
  const result = createSearchResult(1, k);
  const queryCodes = new Int32Array(L * K);
  const visits: LshProbe[] = [];
  let seen = 0;
  let unique = 0;
  if (live > 0) {
    const s = ctx.scratch;
    s.ensure(L, K, probes);
    ctx.dc.setQuery(query, 0);
    ctx.projDc.setQuery(ctx.dc.query, 0);
    const proj = new Float64Array(L * K);
    ctx.projDc.distancesToRange(0, L * K, proj, 0);
    const gaps = new Float64Array(L * K);
    const perTable: { keys: Uint32Array; codes: Int32Array; scores: Float64Array; count: number }[] = [];
    for (let t = 0; t < L; t++) {
      slotCodesInto(family, t, proj, 0, queryCodes, t * K, gaps, t * K);
      const keys = new Uint32Array(probes);
      const codes = new Int32Array(probes * K);
      const scores = new Float64Array(probes);
      const count = s.sequencer.generate(queryCodes, gaps, t * K, K, family.kind === 'e2lsh', family.w, probes, keys, 0, codes, scores);
      perTable.push({ keys, codes, scores, count });
    }
    const found = new Set<number>();
    const cand: number[] = [];
    gather: for (let r = 0; r < probes; r++) {
      for (let t = 0; t < L; t++) {
        const pt = perTable[t];
        if (r >= pt.count) continue;
        const key = pt.keys[r];
        const b = tables.find(t, key);
        const probe: LshProbe = {
          table: t,
          rank: r,
          codes: pt.codes.slice(r * K, (r + 1) * K),
          score: pt.scores[r],
          key,
          bucketSize: 0,
          newCandidates: 0,
        };
        visits.push(probe);
        if (b < 0) continue;
        const start = tables.bucketStart[b];
        const end = tables.bucketStart[b + 1];
        probe.bucketSize = end - start;
        seen += end - start;
        for (let i = start; i < end; i++) {
          const id = tables.bucketIds[i];
          if (!found.has(id)) {
            found.add(id);
            cand.push(id);
            probe.newCandidates++;
            if (cand.length >= maxCandidates) break gather;
          }
        }
      }
    }
    unique = cand.length;
    const ids = Int32Array.from(cand).sort();
    const dist = new Float64Array(unique);
    ctx.dc.distancesToIds(ids, 0, unique, dist, 0);
    const heap = new MaxHeap(k);
    for (let i = 0; i < unique; i++) heap.offer(dist[i], ids[i], k);
    drainToRow(heap, ctx.policy, k, result.ids, result.distances, 0);
  }
  return { result, family: family.kind, queryCodes, probes: visits, candidates: seen, uniqueCandidates: unique };
}
