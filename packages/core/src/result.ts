/**
 * Helpers for building {@link SearchResult}s the same way in every index.
 *
 * @module
 */
import type { MaxHeap } from './heap.js';
import type { MetricPolicy } from './metrics.js';
import type { SearchResult } from './types.js';

/** A result of `nq × k` filled with padding (id −1, distance +Infinity). */
export function createSearchResult(nq: number, k: number): SearchResult {
  const ids = new Int32Array(nq * k).fill(-1);
  const distances = new Float32Array(nq * k).fill(Infinity);
  return { nq, k, ids, distances };
}

/**
 * Empty a top-k {@link MaxHeap} into one result row at `outOff`: ascending by (distance, id),
 * converted to reported distances, padded with −1/+Infinity up to `k`.
 *
 * @returns the number of real results written.
 */
export function drainToRow(
  heap: MaxHeap,
  policy: MetricPolicy,
  k: number,
  outIds: Int32Array,
  outDist: Float32Array,
  outOff: number,
): number {
  const n = heap.size;
  for (let i = n - 1; i >= 0; i--) {
    outDist[outOff + i] = policy.toReported(heap.dist[0]);
    outIds[outOff + i] = heap.pop();
  }
  padRow(outIds, outDist, outOff, n, k);
  return n;
}

/**
 * Pad one result row at `outOff` with −1/+Infinity from column `from` up to `k` (`from = 0`:
 * the whole row, an empty index's answer).
 */
export function padRow(outIds: Int32Array, outDist: Float32Array, outOff: number, from: number, k: number): void {
  for (let i = from; i < k; i++) {
    outIds[outOff + i] = -1;
    outDist[outOff + i] = Infinity;
  }
}
