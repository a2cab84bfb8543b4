/**
 * Inverted lists in CSR form (FAISS `InvertedLists`, flattened): list `l` holds slots
 * `[listOffsets[l], listOffsets[l + 1])`; slot `s` stores the id `listIds[s]` and its payload
 * (a vector or a PQ code) at row `s` of a parallel array.
 *
 * Adding after training rebuilds the CSR arrays by merging: old slots keep their order and
 * each list's new members go after its old ones, so ids within a list stay increasing. A
 * rebuild copies O(size) payload bytes per `add`, which is small beside the add's own cost
 * (assigning each new vector to one of `nlist` centroids costs `nlist × dim` per vector), and
 * it keeps every list contiguous: a probe is one linear scan, and the file sections are the
 * arrays themselves. Growable per-list buffers would make many tiny adds cheaper; annlab
 * favours batch adds and a simple layout.
 *
 * @module
 */

/** Where each slot of a merged CSR layout comes from. */
export interface ListMerge {
  /** New offsets, length nlist + 1. */
  readonly offsets: Int32Array;
  /**
   * For each new slot: `source < oldTotal` means old slot `source`; otherwise new row
   * `source − oldTotal` of the batch being added. Length `oldTotal + nNew`.
   */
  readonly source: Int32Array;
}

/**
 * Merge `nNew` rows with list labels `labels` into the CSR layout `oldOffsets` (nlist + 1
 * entries). Pure: computes the plan, copies nothing.
 */
export function planListMerge(oldOffsets: Int32Array, nlist: number, labels: Int32Array, nNew: number): ListMerge {
  const oldTotal = oldOffsets[nlist];
  const offsets = new Int32Array(nlist + 1);
  for (let i = 0; i < nNew; i++) offsets[labels[i] + 1]++;
  for (let l = 0; l < nlist; l++) offsets[l + 1] += offsets[l] + (oldOffsets[l + 1] - oldOffsets[l]);
  const source = new Int32Array(oldTotal + nNew);
  const fill = new Int32Array(nlist);
  for (let l = 0; l < nlist; l++) {
    const o0 = oldOffsets[l];
    const cnt = oldOffsets[l + 1] - o0;
    const dst = offsets[l];
    for (let s = 0; s < cnt; s++) source[dst + s] = o0 + s;
    fill[l] = dst + cnt;
  }
  for (let i = 0; i < nNew; i++) source[fill[labels[i]]++] = oldTotal + i;
  return { offsets, source };
}

/** Length of the longest list. */
export function maxListLength(offsets: Int32Array, nlist: number): number {
  let m = 0;
  for (let l = 0; l < nlist; l++) m = Math.max(m, offsets[l + 1] - offsets[l]);
  return m;
}
