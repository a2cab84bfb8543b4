/**
 * Query-directed multi-probe: besides the query's own bucket, visit in each table the
 * buckets the query is most likely to have neighbours in, best first, so fewer tables reach
 * the same recall.
 *
 * Citation: Q. Lv, W. Josephson, Z. Wang, M. Charikar, K. Li, "Multi-Probe LSH: Efficient
 * Indexing for High-Dimensional Similarity Search", VLDB 2007.
 *
 * A probe is a perturbation vector Δ of the query's K hash values. For E2LSH, Δ_i ∈ {−1, 0,
 * +1} moves to the neighbouring slot on one side; its cost is the query's distance to that
 * side, x_i(−1) = f_i − slot_i·w or x_i(+1) = w − x_i(−1) (f_i = a_i·q + b_i). For SimHash,
 * flipping bit i costs |a_i·q| (the distance to hyperplane i). A perturbation set scores
 * Σ x², the paper's score(Δ): the smaller it is, the likelier a neighbour lies there.
 *
 * Paper steps → code (its Figure 4, "generating perturbation sequences"), all in
 * {@link ProbeSequencer.generate}:
 * - sort the 2K single perturbations by cost (K for SimHash) → z_1 ≤ … ≤ z_2K;
 * - start the min-heap with {1}; pop the smallest-score set A, push shift(A) (its largest
 *   element j becomes j + 1) and expand(A) (add j + 1); a popped A is emitted when valid (no
 *   function perturbed both ways);
 * - stop after `probes − 1` emitted sets (the first probe is the query's own bucket, Δ = 0).
 *
 * Sets are kept without allocation in a pool of nodes (score, largest element, the node of
 * the set without its largest element), so a set's elements are a chain of nodes.
 *
 * @module
 */
import { MinHeap } from '@annlab/core';
import { bucketKey } from './hash-family.js';

/** Generates one table's probing sequence at a time; one per search context. */
export class ProbeSequencer {
  /** Sorted single-perturbation costs (squared), length 2K (K for SimHash). */
  private z: Float64Array;
  /** Function of each sorted perturbation. */
  private zFn: Int32Array;
  /** Direction of each sorted perturbation (−1/+1; for SimHash +1 means "flip"). */
  private zDir: Int32Array;
  /** Pool: score of each node's set. */
  private score: Float64Array;
  /** Pool: largest element (position in the sorted list) of each node's set. */
  private last: Int32Array;
  /** Pool: node of the set without its largest element, or −1. */
  private prev: Int32Array;
  private used: number;
  private readonly heap: MinHeap;
  /** The perturbed codes being formed. */
  private pert: Int32Array;
  /** Epoch tags per function, to detect a function perturbed twice. */
  private tags: Int32Array;
  private epoch: number;

  constructor() {
    this.z = new Float64Array(0);
    this.zFn = new Int32Array(0);
    this.zDir = new Int32Array(0);
    this.score = new Float64Array(64);
    this.last = new Int32Array(64);
    this.prev = new Int32Array(64);
    this.used = 0;
    this.heap = new MinHeap(64);
    this.pert = new Int32Array(0);
    this.tags = new Int32Array(0);
    this.epoch = 0;
  }

  private node(score: number, last: number, prev: number): number {
    if (this.used === this.score.length) {
      const cap = this.used * 2;
      const s = new Float64Array(cap);
      s.set(this.score);
      const l = new Int32Array(cap);
      l.set(this.last);
      const p = new Int32Array(cap);
      p.set(this.prev);
      this.score = s;
      this.last = l;
      this.prev = p;
    }
    const i = this.used++;
    this.score[i] = score;
    this.last[i] = last;
    this.prev[i] = prev;
    return i;
  }

  /**
   * Write the keys of the first `probes` buckets of one table's probing sequence to
   * `outKeys[outOff …]`: the query's own bucket, then perturbations by ascending score.
   *
   * @param codes - the query's K hash values in this table at `codesOff`.
   * @param gaps - per function, the query's distance to its slot's lower boundary (E2LSH,
   *   in [0, w)) or to the hyperplane (SimHash), at `codesOff`.
   * @param e2lsh - true for E2LSH (±1 slot moves), false for SimHash (bit flips).
   * @param w - the E2LSH width (unused for SimHash).
   * @param outCodes - when not null, receives each probe's K perturbed codes (explain).
   * @param outScores - when not null, receives each probe's score (explain).
   * @returns the number of probes written: `probes`, or fewer when the table has fewer
   *   distinct perturbations (3^K for E2LSH, 2^K for SimHash, the own bucket included).
   */
  generate(
    codes: Int32Array,
    gaps: Float64Array,
    codesOff: number,
    K: number,
    e2lsh: boolean,
    w: number,
    probes: number,
    outKeys: Uint32Array,
    outOff: number,
    outCodes: Int32Array | null,
    outScores: Float64Array | null,
  ): number {
    outKeys[outOff] = bucketKey(codes, codesOff, K);
    if (outCodes !== null) for (let i = 0; i < K; i++) outCodes[i] = codes[codesOff + i];
    if (outScores !== null) outScores[0] = 0;
    if (probes <= 1) return 1;
    const M = e2lsh ? 2 * K : K;
    if (this.z.length < M) {
      this.z = new Float64Array(M);
      this.zFn = new Int32Array(M);
      this.zDir = new Int32Array(M);
    }
    if (this.pert.length < K) {
      this.pert = new Int32Array(K);
      this.tags = new Int32Array(K);
      this.epoch = 0;
    }
    const z = this.z;
    const zFn = this.zFn;
    const zDir = this.zDir;
    // Insertion sort of the single perturbations by (cost, function, direction): K is small.
    for (let p = 0; p < M; p++) {
      const fn = e2lsh ? p >> 1 : p;
      const dir = e2lsh && (p & 1) === 1 ? 1 : -1;
      const g = gaps[codesOff + fn];
      const x = e2lsh ? (dir < 0 ? g : w - g) : g;
      const cost = x * x;
      let j = p;
      while (j > 0 && z[j - 1] > cost) {
        z[j] = z[j - 1];
        zFn[j] = zFn[j - 1];
        zDir[j] = zDir[j - 1];
        j--;
      }
      z[j] = cost;
      zFn[j] = fn;
      zDir[j] = e2lsh ? dir : 1;
    }
    const heap = this.heap;
    heap.clear();
    this.used = 0;
    heap.push(z[0], this.node(z[0], 0, -1));
    const pert = this.pert;
    const tags = this.tags;
    let written = 1;
    while (written < probes && heap.size > 0) {
      const s = heap.dist[0];
      const a = heap.pop();
      const m = this.last[a];
      if (m + 1 < M) {
        heap.push(s - z[m] + z[m + 1], this.node(s - z[m] + z[m + 1], m + 1, this.prev[a]));
        heap.push(s + z[m + 1], this.node(s + z[m + 1], m + 1, a));
      }
      // Apply the set's perturbations; a function met twice makes the set invalid.
      for (let i = 0; i < K; i++) pert[i] = codes[codesOff + i];
      if (++this.epoch === 0x7fffffff) {
        tags.fill(0);
        this.epoch = 1;
      }
      const epoch = this.epoch;
      let valid = true;
      for (let n = a; n >= 0; n = this.prev[n]) {
        const pos = this.last[n];
        const fn = zFn[pos];
        if (tags[fn] === epoch) {
          valid = false;
          break;
        }
        tags[fn] = epoch;
        if (e2lsh) pert[fn] += zDir[pos];
        else pert[fn] ^= 1;
      }
      if (!valid) continue;
      outKeys[outOff + written] = bucketKey(pert, 0, K);
      if (outCodes !== null) for (let i = 0; i < K; i++) outCodes[written * K + i] = pert[i];
      if (outScores !== null) outScores[written] = s;
      written++;
    }
    return written;
  }

  /** Bytes of scratch held. */
  memoryBytes(): number {
    return (
      this.z.byteLength +
      this.zFn.byteLength +
      this.zDir.byteLength +
      this.score.byteLength +
      this.last.byteLength +
      this.prev.byteLength +
      this.heap.dist.byteLength +
      this.heap.ids.byteLength +
      this.pert.byteLength +
      this.tags.byteLength
    );
  }
}
