/**
 * What one IVF query did, in the index's own words: the cells it probed, nearest first, how
 * far their centroids were, how many stored vectors (or codes) each held, and the distance
 * computations it cost. `IvfFlatIndex.explain` and `IvfPqIndex.explain` return it; the CLI's
 * `explain` picture and teaching tools read it rather than re-deriving the probe order.
 *
 * Reference: Jégou, Douze & Schmid, TPAMI 2011, §IV.C — the query visits the w = `nprobe`
 * cells whose coarse centroids are nearest, and scans only their lists.
 *
 * @module
 */
import { SearchStats, createSearchResult, type Explanation, type MetricPolicy, type SearchResult } from '@annlab/core';

/** One IVF query, recorded (see the module doc). */
export interface IvfExplanation extends Explanation {
  /** The probed lists, nearest centroid first; length `min(nprobe, nlist)`. */
  readonly probes: Int32Array;
  /** Reported distance from the query to each probed list's centroid, same order as `probes`. */
  readonly probeDistances: Float32Array;
  /** Number of vectors (IVF-Flat) or codes (IVF-PQ) in each probed list: every one was scanned. */
  readonly listSizes: Int32Array;
  /** Distance computations of the query: `nlist` centroids + the scanned lists (+ re-ranked candidates). */
  readonly distanceComputations: number;
}

/** The scratch an IVF index holds after one query: its probes and list boundaries. */
export interface ProbeRecord {
  readonly probeLists: Int32Array;
  readonly probeDist: Float64Array;
  readonly listOffsets: Int32Array;
}

/**
 * Run `searchOne` (one query into a 1 × k result, counting into the given stats) and copy the
 * probes it left in `record` into an {@link IvfExplanation}; the work is also added to the
 * caller's `userStats` when given. Not a hot path: it allocates.
 */
export function explainProbes(
  k: number,
  np: number,
  record: ProbeRecord,
  policy: MetricPolicy,
  userStats: SearchStats | undefined,
  searchOne: (result: SearchResult, stats: SearchStats) => void,
): IvfExplanation {
  const result = createSearchResult(1, k);
  const stats = new SearchStats();
  searchOne(result, stats);
  if (userStats !== undefined) {
    userStats.queries += stats.queries;
    userStats.distanceComputations += stats.distanceComputations;
    userStats.hops += stats.hops;
  }
  const probes = record.probeLists.slice(0, np);
  const probeDistances = new Float32Array(np);
  const listSizes = new Int32Array(np);
  for (let p = 0; p < np; p++) {
    const l = probes[p];
    probeDistances[p] = policy.toReported(record.probeDist[p]);
    listSizes[p] = record.listOffsets[l + 1] - record.listOffsets[l];
  }
  return { result, probes, probeDistances, listSizes, distanceComputations: stats.distanceComputations };
}
