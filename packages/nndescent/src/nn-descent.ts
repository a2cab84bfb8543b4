/**
 * NN-Descent: an approximate k-NN graph of a point set by repeated "local joins". Its one
 * idea is that a neighbour of a neighbour is likely a neighbour: each point introduces its
 * neighbours (and reverse neighbours) to each other, and every pair that turns out closer
 * than one side's current K-th neighbour improves that side's list. Starting from a rough
 * graph, a few rounds reach high accuracy while measuring only a small fraction of all pairs.
 *
 * Citation: W. Dong, M. Charikar and K. Li, "Efficient K-Nearest Neighbor Graph Construction
 * for Generic Similarity Measures", WWW 2011 (the "Moses" of the title page is Charikar's
 * given name). Refinements from pynndescent (L. McInnes, `pynndescent/pynndescent_.py`,
 * `utils.py`): random-projection-tree initialisation, heaps as parallel arrays, candidate
 * sampling by random priority.
 *
 * Paper step → code:
 * - Algorithm 2 (NNDescentFull), "B[v] ← Sample(V, K)": a random start → {@link initRandom};
 *   pynndescent first fills the lists from the leaves of random-projection trees →
 *   {@link initFromTrees} (`init_rp_tree`).
 * - "old[v] ← all items in B[v] with a false flag; new[v] ← ρK items in B[v] with a true
 *   flag", their reverses old′/new′ (also sampled to ρK), and marking sampled items false →
 *   {@link buildCandidates} (`new_build_candidates`).
 * - The local join "for u1, u2 ∈ new[v], u1 < u2, or u1 ∈ new[v], u2 ∈ old[v]:
 *   c ← c + UpdateNN(B[u1], ⟨u2, l⟩) + UpdateNN(B[u2], ⟨u1, l⟩)" → {@link localJoin}, with
 *   UpdateNN → `NeighborHeaps.push` (`checked_flagged_heap_push`).
 * - "return B if c < δNK" → the loop in {@link nnDescent}.
 *
 * Deviations, stated honestly: updates are applied at once, point by point (the paper's
 * sequential form; pynndescent batches them per block for threads, so its thresholds lag);
 * the per-point sample keeps ⌈ρK⌉ of forward and reverse candidates together, as
 * pynndescent's does, rather than ρK forward plus ρK reverse; for tiny sets (n ≤ K + 1)
 * every pair is measured and the graph is exact.
 *
 * @module
 */
import type { Rng, DistanceComputer } from '@annlab/core';
import { CandidateHeaps, NeighborHeaps } from './internal/neighbor-heaps.js';
import type { FlatTree } from './internal/rp-tree.js';

/** Parameters of one descent. */
export interface DescentParams {
  /** K. */
  nNeighbors: number;
  /** ρ: candidates sampled per point and kind, `max(1, ⌈ρK⌉)`. */
  rho: number;
  /** δ: stop once an iteration improves ≤ δ·K·n entries. */
  delta: number;
  /** Iteration cap. */
  maxIterations: number;
}

/** What {@link nnDescent} produced. */
export interface DescentResult {
  /** The graph: K heaps, one per point. */
  heaps: NeighborHeaps;
  /** Iterations run. */
  iterations: number;
  /** Entries improved per iteration. */
  updates: number[];
  /** True when every pair was measured (n ≤ K + 1). */
  exact: boolean;
  /** Distances computed during the build of the graph. */
  distanceComputations: number;
}

/** Scratch of the join: a point's new candidates, then its old ones, and their distances. */
class JoinScratch {
  ids: Int32Array;
  dist: Float64Array;
  constructor(size: number) {
    this.ids = new Int32Array(Math.max(1, size));
    this.dist = new Float64Array(Math.max(1, size));
  }
  ensure(size: number): void {
    if (this.ids.length >= size) return;
    this.ids = new Int32Array(size);
    this.dist = new Float64Array(size);
  }
}

/**
 * Build the approximate k-NN graph of the `n` rows behind `dc` (its store). `trees` are the
 * initialisation trees (possibly none); `rng` draws every random choice. `onIteration(i)`,
 * when given, runs after iteration i (1-based) of the descent, outside every loop over points.
 */
export function nnDescent(
  dc: DistanceComputer,
  n: number,
  p: DescentParams,
  trees: readonly FlatTree[],
  rng: Rng,
  onIteration: ((iteration: number) => void) | null = null,
): DescentResult {
  const K = p.nNeighbors;
  const heaps = new NeighborHeaps(n, K);
  const counter = { distances: 0 };
  if (n <= K + 1) {
    exactGraph(dc, heaps, n, counter);
    return { heaps, iterations: 0, updates: [], exact: true, distanceComputations: counter.distances };
  }
  const scratch = new JoinScratch(2 * K);
  for (let t = 0; t < trees.length; t++) initFromTrees(dc, heaps, trees[t], scratch, counter);
  initRandom(dc, heaps, rng, counter);
  const cap = Math.max(1, Math.ceil(p.rho * K));
  const fresh = new CandidateHeaps(n, cap);
  const old = new CandidateHeaps(n, cap);
  scratch.ensure(2 * cap);
  const updates: number[] = [];
  const stopAt = p.delta * K * n;
  let iterations = 0;
  while (iterations < p.maxIterations) {
    buildCandidates(heaps, fresh, old, rng);
    const c = localJoin(dc, heaps, fresh, old, scratch, counter);
    updates.push(c);
    iterations++;
    if (onIteration !== null) onIteration(iterations);
    if (c <= stopAt) break;
  }
  return { heaps, iterations, updates, exact: false, distanceComputations: counter.distances };
}

/** Every pair measured (tiny sets): each point's heap gets all other points. */
function exactGraph(dc: DistanceComputer, heaps: NeighborHeaps, n: number, counter: { distances: number }): void {
  const dist = new Float64Array(Math.max(1, n));
  for (let i = 0; i < n; i++) {
    dc.setQueryToRow(i);
    dc.distancesToRange(0, n, dist, 0);
    counter.distances += n;
    for (let j = 0; j < n; j++) if (j !== i) heaps.push(i, dist[j], j, 1);
  }
}

/**
 * pynndescent's `init_rp_tree`: every pair (p, q) inside one leaf of `tree` is offered to
 * both heaps when it beats either one's current K-th distance. Entries start "new".
 */
export function initFromTrees(
  dc: DistanceComputer,
  heaps: NeighborHeaps,
  tree: FlatTree,
  s: JoinScratch,
  counter: { distances: number },
): void {
  const K = heaps.k;
  const hd = heaps.dist;
  const indices = tree.indices;
  for (let leaf = 0; leaf < tree.leafCount; leaf++) {
    const start = tree.leafStart[leaf];
    const size = tree.leafSizes[leaf];
    s.ensure(size);
    const dist = s.dist;
    for (let a = 0; a < size - 1; a++) {
      const p = indices[start + a];
      const m = size - a - 1;
      dc.setQueryToRow(p);
      dc.distancesToIds(indices, start + a + 1, m, dist, 0);
      counter.distances += m;
      for (let r = 0; r < m; r++) {
        const d = dist[r];
        const q = indices[start + a + 1 + r];
        if (d < hd[p * K] || d < hd[q * K]) {
          heaps.push(p, d, q, 1);
          heaps.push(q, d, p, 1);
        }
      }
    }
  }
}

/** The paper's random start, for whatever the trees left unfilled (pynndescent's `init_random`). */
export function initRandom(dc: DistanceComputer, heaps: NeighborHeaps, rng: Rng, counter: { distances: number }): void {
  const n = heaps.n;
  const K = heaps.k;
  for (let i = 0; i < n; i++) {
    if (heaps.ids[i * K] >= 0) continue; // the farthest slot is filled only when the heap is full
    const missing = K - heaps.countOf(i);
    for (let j = 0; j < missing; j++) {
      const idx = rng.nextInt(n);
      if (idx === i) continue;
      heaps.push(i, dc.symmetric(i, idx), idx, 1);
      counter.distances++;
    }
  }
}

/**
 * pynndescent's `new_build_candidates`: every entry (i → j) gets a random priority and is
 * offered, by its flag, to the "new" or "old" sample of both i and j (forward and reverse
 * neighbours); each sample keeps the `cap` smallest priorities, a uniform random subset.
 * Then every new entry that made it into i's new sample is flagged old: it takes part in
 * this round's join and will not be joined as new again.
 */
export function buildCandidates(heaps: NeighborHeaps, fresh: CandidateHeaps, old: CandidateHeaps, rng: Rng): void {
  fresh.reset();
  old.reset();
  const n = heaps.n;
  const K = heaps.k;
  const ids = heaps.ids;
  const flags = heaps.flags;
  for (let i = 0; i < n; i++) {
    for (let e = i * K, end = e + K; e < end; e++) {
      const j = ids[e];
      if (j < 0) continue;
      const pr = rng.nextFloat();
      if (flags[e] !== 0) {
        fresh.push(i, pr, j);
        fresh.push(j, pr, i);
      } else {
        old.push(i, pr, j);
        old.push(j, pr, i);
      }
    }
  }
  for (let i = 0; i < n; i++) {
    for (let e = i * K, end = e + K; e < end; e++) {
      if (flags[e] !== 0 && fresh.has(i, ids[e])) flags[e] = 0;
    }
  }
}

/**
 * The local join of every point v: each pair of v's new candidates, and each new candidate
 * with each old one, is measured and offered to both endpoints' heaps (UpdateNN).
 * @returns c, the number of heap entries that changed.
 */
export function localJoin(
  dc: DistanceComputer,
  heaps: NeighborHeaps,
  fresh: CandidateHeaps,
  old: CandidateHeaps,
  s: JoinScratch,
  counter: { distances: number },
): number {
  const n = heaps.n;
  const K = heaps.k;
  const hd = heaps.dist;
  const cand = s.ids;
  const dist = s.dist;
  let c = 0;
  for (let v = 0; v < n; v++) {
    const nn = fresh.gather(v, cand, 0);
    if (nn === 0) continue;
    const total = nn + old.gather(v, cand, nn);
    for (let a = 0; a < nn; a++) {
      const p = cand[a];
      const m = total - a - 1;
      if (m === 0) continue;
      dc.setQueryToRow(p);
      dc.distancesToIds(cand, a + 1, m, dist, 0);
      counter.distances += m;
      for (let r = 0; r < m; r++) {
        const q = cand[a + 1 + r];
        if (q === p) continue;
        const d = dist[r];
        if (d < hd[p * K] || d < hd[q * K]) {
          c += heaps.push(p, d, q, 1);
          c += heaps.push(q, d, p, 1);
        }
      }
    }
  }
  return c;
}

/**
 * The heaps as sorted rows: `ids` and internal `dist`, `n × K` row-major, each row ascending
 * by (distance, id), unfilled slots (−1, +Infinity) at the end.
 */
export function sortedRows(heaps: NeighborHeaps): { ids: Int32Array; dist: Float64Array } {
  const ids = heaps.ids.slice();
  const dist = heaps.dist.slice();
  const K = heaps.k;
  for (let i = 0; i < heaps.n; i++) sortRow(ids, dist, i * K, K);
  return { ids, dist };
}

/** Insertion sort of `len` entries at `start` by (distance, id), −1 ids last. */
export function sortRow(ids: Int32Array, dist: Float64Array, start: number, len: number): void {
  for (let a = start + 1, end = start + len; a < end; a++) {
    const d = dist[a];
    const id = ids[a];
    let b = a - 1;
    while (b >= start && before(d, id, dist[b], ids[b])) {
      dist[b + 1] = dist[b];
      ids[b + 1] = ids[b];
      b--;
    }
    dist[b + 1] = d;
    ids[b + 1] = id;
  }
}

/** (d1, id1) sorts before (d2, id2): smaller distance, then smaller id; −1 (empty) last. */
function before(d1: number, id1: number, d2: number, id2: number): boolean {
  if (id2 < 0) return id1 >= 0;
  if (id1 < 0) return false;
  return d1 < d2 || (d1 === d2 && id1 < id2);
}
