/**
 * The ADC scan, IVF-PQ's hot loop, with its plain reference beside it (tested against each
 * other in test/adc-scan.test.ts).
 *
 * @module
 */
import type { MaxHeap } from '@annlab/core';

/**
 * Scan the codes of slots [start, end) with an ADC table: distance = base + Σ_j
 * table[j·ksub + code_j]; offers each to `heap` (keeping `limit`). The hot loop of IVF-PQ:
 * typed arrays, integer offsets, no allocation. When m is a multiple of 4 the sum runs in
 * four independent accumulators (the same unrolling as core's kernels); the generic loop
 * below is the same computation, written plainly.
 * @returns the updated pruning threshold (the heap's worst kept distance once full).
 */
export function scanCodes(
  codes: Uint8Array,
  ids: Int32Array,
  start: number,
  end: number,
  m: number,
  ksub: number,
  table: Float64Array,
  base: number,
  heap: MaxHeap,
  limit: number,
  worst: number,
): number {
  if ((m & 3) === 0) {
    const step = 4 * ksub;
    for (let s = start; s < end; s++) {
      const c = s * m;
      let d0 = base;
      let d1 = 0;
      let d2 = 0;
      let d3 = 0;
      for (let j = 0, t = 0; j < m; j += 4, t += step) {
        d0 += table[t + codes[c + j]];
        d1 += table[t + ksub + codes[c + j + 1]];
        d2 += table[t + 2 * ksub + codes[c + j + 2]];
        d3 += table[t + 3 * ksub + codes[c + j + 3]];
      }
      const d = d0 + d1 + (d2 + d3);
      if (d <= worst) {
        heap.offer(d, ids[s], limit);
        if (heap.size === limit) worst = heap.dist[0];
      }
    }
    return worst;
  }
  for (let s = start; s < end; s++) {
    const c = s * m;
    let d = base;
    for (let j = 0, t = 0; j < m; j++, t += ksub) d += table[t + codes[c + j]];
    if (d <= worst) {
      heap.offer(d, ids[s], limit);
      if (heap.size === limit) worst = heap.dist[0];
    }
  }
  return worst;
}

/**
 * Reference ADC scan: the same contract as {@link scanCodes}, one accumulator, no pruning
 * threshold (every code is offered). The readable definition the fast loop is held to.
 */
export function scanCodesRef(
  codes: Uint8Array,
  ids: Int32Array,
  start: number,
  end: number,
  m: number,
  ksub: number,
  table: Float64Array,
  base: number,
  heap: MaxHeap,
  limit: number,
): void {
  for (let s = start; s < end; s++) {
    let d = base;
    for (let j = 0; j < m; j++) d += table[j * ksub + codes[s * m + j]];
    heap.offer(d, ids[s], limit);
  }
}

/**
 * ADC scan with the table split in two, summed per lookup: distance = base + Σ_j
 * (tableA[aOff + j·ksub + code_j] + tableB[j·ksub + code_j]). IVF-PQ uses it for Euclidean
 * residual search with the precomputed term 2 (tableA, one block per list) and the per-query
 * term 3 (tableB) when the list is short: adding the two tables first costs m·ksub additions
 * per list, scanning with two lookups costs m per code, so for fewer than ksub codes the
 * two-lookup scan is cheaper (FAISS makes the same choice between its "tables" and
 * "pointer" scans). Same pruning and heap contract as {@link scanCodes}.
 * @returns the updated pruning threshold.
 */
export function scanCodesTwoTables(
  codes: Uint8Array,
  ids: Int32Array,
  start: number,
  end: number,
  m: number,
  ksub: number,
  tableA: Float32Array,
  aOff: number,
  tableB: Float64Array,
  base: number,
  heap: MaxHeap,
  limit: number,
  worst: number,
): number {
  if ((m & 1) === 0) {
    const step = 2 * ksub;
    for (let s = start; s < end; s++) {
      const c = s * m;
      let d0 = base;
      let d1 = 0;
      for (let j = 0, t = 0; j < m; j += 2, t += step) {
        const c0 = t + codes[c + j];
        const c1 = t + ksub + codes[c + j + 1];
        d0 += tableA[aOff + c0] + tableB[c0];
        d1 += tableA[aOff + c1] + tableB[c1];
      }
      const d = d0 + d1;
      if (d <= worst) {
        heap.offer(d, ids[s], limit);
        if (heap.size === limit) worst = heap.dist[0];
      }
    }
    return worst;
  }
  for (let s = start; s < end; s++) {
    const c = s * m;
    let d = base;
    for (let j = 0, t = 0; j < m; j++, t += ksub) {
      const cj = t + codes[c + j];
      d += tableA[aOff + cj] + tableB[cj];
    }
    if (d <= worst) {
      heap.offer(d, ids[s], limit);
      if (heap.size === limit) worst = heap.dist[0];
    }
  }
  return worst;
}
