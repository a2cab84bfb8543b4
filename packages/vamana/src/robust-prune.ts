/**
 * Algorithm 2, RobustPrune(p, 𝒱, α, R), of Subramanya, Devvrit, Kadekodi, Krishnaswamy,
 * Simhadri, "DiskANN: Fast Accurate Billion-point Nearest Neighbor Search on a Single Node",
 * NeurIPS 2019.
 *
 * Given a point p and a candidate pool 𝒱 (with p's current out-neighbours), it picks p's new
 * out-neighbours: repeatedly take the closest remaining candidate p*, keep it, and drop every
 * remaining p′ that p* "covers", i.e. α·d(p*, p′) ≤ d(p, p′); stop at R kept or an empty
 * pool. With α = 1 this is HNSW's neighbour heuristic (and the relative neighbourhood
 * graph's rule); with α > 1 a candidate survives unless it is clearly (by a factor α) closer
 * to a kept neighbour than to p, so long-range edges remain and greedy search converges in
 * fewer hops (the paper's Section 2.2).
 *
 * Paper step → code:
 * - 𝒱 ← (𝒱 ∪ N_out(p)) \ {p} → {@link PruneScratch.begin}, {@link PruneScratch.offer},
 *   {@link PruneScratch.offerNeighbours}, {@link PruneScratch.measure};
 * - "p* ← argmin d(p, p′)" in order → the pool sorted once by (distance, id) in {@link robustPrune};
 * - "if α·d(p*, p′) ≤ d(p, p′) remove p′" → one `distancesToIds` call from p* to the
 *   candidates still alive after it.
 *
 * Distances are the index's internal ones (squared L2, 1 − cos): α multiplies the squared
 * distance, as DiskANN's code (`occlude_list`) does. For inner product, −⟨x, y⟩ is not a
 * distance and the rule needs one, so pruning there measures squared L2 between the stored
 * vectors (the graph is a Euclidean Vamana graph searched by −⟨q, x⟩).
 *
 * @module
 */
import { MinHeap, VisitedSet, type DistanceComputer } from '@annlab/core';
import type { VamanaGraph } from './internal/graph.js';

/** Buffers RobustPrune reuses across calls: the pool, its alive flags, a sort heap. Fixed shape. */
export class PruneScratch {
  /** Pool ids, first `size` valid; sorted ascending by (distance, id) inside {@link robustPrune}. */
  ids: Int32Array;
  /** d(p, ·) parallel to `ids` (NaN until measured). */
  dist: Float64Array;
  /** 1 while a pool entry is still a candidate. */
  alive: Uint8Array;
  /** Ids gathered for one batched distance call. */
  gatherIds: Int32Array;
  /** Pool positions of `gatherIds`. */
  gatherPos: Int32Array;
  /** Distances of `gatherIds`. */
  gatherDist: Float64Array;
  /** Pool entries held. */
  size: number;
  /** Sorts the pool. */
  readonly heap: MinHeap;
  /** Deduplicates the pool (one tag per node id). */
  readonly seen: VisitedSet;

  constructor() {
    this.ids = new Int32Array(64);
    this.dist = new Float64Array(64);
    this.alive = new Uint8Array(64);
    this.gatherIds = new Int32Array(64);
    this.gatherPos = new Int32Array(64);
    this.gatherDist = new Float64Array(64);
    this.size = 0;
    this.heap = new MinHeap(64);
    this.seen = new VisitedSet(16);
  }

  /** Start a pool for point `p` (which never enters it) over ids [0, idCount). */
  begin(p: number, idCount: number): void {
    this.seen.ensureCapacity(idCount);
    this.seen.clear();
    this.seen.add(p);
    this.size = 0;
  }

  /** Add candidate `id` with d(p, id) = `d` (NaN: measure later) unless already in the pool. */
  offer(id: number, d: number): void {
    if (!this.seen.visit(id)) return;
    let n = this.size;
    if (n === this.ids.length) this.grow(n * 2);
    this.ids[n] = id;
    this.dist[n] = d;
    this.size = ++n;
  }

  /** Add p's current out-neighbours (distances to be measured). */
  offerNeighbours(graph: VamanaGraph, p: number): void {
    const adj = graph.adj;
    const base = p * graph.stride;
    const end = base + 1 + adj[base];
    for (let j = base + 1; j < end; j++) this.offer(adj[j], NaN);
  }

  /** Measure d(p, ·) for every pool entry still NaN (one batched call from row p). */
  measure(pdc: DistanceComputer, p: number): void {
    const n = this.size;
    let g = 0;
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(this.dist[i])) {
        this.gatherIds[g] = this.ids[i];
        this.gatherPos[g++] = i;
      }
    }
    if (g === 0) return;
    pdc.setQueryToRow(p);
    pdc.distancesToIds(this.gatherIds, 0, g, this.gatherDist, 0);
    for (let t = 0; t < g; t++) this.dist[this.gatherPos[t]] = this.gatherDist[t];
  }

  private grow(cap: number): void {
    const ids = new Int32Array(cap);
    ids.set(this.ids);
    const dist = new Float64Array(cap);
    dist.set(this.dist);
    this.ids = ids;
    this.dist = dist;
    this.alive = new Uint8Array(cap);
    this.gatherIds = new Int32Array(cap);
    this.gatherPos = new Int32Array(cap);
    this.gatherDist = new Float64Array(cap);
  }

  /** Bytes held. */
  memoryBytes(): number {
    return (
      this.ids.byteLength +
      this.dist.byteLength +
      this.alive.byteLength +
      this.gatherIds.byteLength +
      this.gatherPos.byteLength +
      this.gatherDist.byteLength +
      this.heap.dist.byteLength +
      this.heap.ids.byteLength +
      this.seen.memoryBytes()
    );
  }
}

/**
 * RobustPrune(p, 𝒱, α, R) over the pool in `s` (every distance measured): overwrite p's
 * out-neighbour list in `graph` with the kept candidates, closest first. `pdc` measures the
 * pruning distance between stored rows (its query is moved to each kept p*).
 */
export function robustPrune(graph: VamanaGraph, pdc: DistanceComputer, s: PruneScratch, p: number, alpha: number): void {
  const n = s.size;
  // Sort the pool by (distance, id) through the heap.
  const heap = s.heap;
  heap.clear();
  for (let i = 0; i < n; i++) heap.push(s.dist[i], s.ids[i]);
  const ids = s.ids;
  const dist = s.dist;
  const alive = s.alive;
  for (let i = 0; i < n; i++) {
    dist[i] = heap.dist[0];
    ids[i] = heap.pop();
    alive[i] = 1;
  }
  const adj = graph.adj;
  const R = graph.R;
  const base = p * graph.stride;
  const gIds = s.gatherIds;
  const gPos = s.gatherPos;
  const gDist = s.gatherDist;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (alive[i] === 0) continue;
    const star = ids[i];
    adj[base + 1 + kept++] = star;
    if (kept === R) break;
    let g = 0;
    for (let j = i + 1; j < n; j++) {
      if (alive[j] !== 0) {
        gIds[g] = ids[j];
        gPos[g++] = j;
      }
    }
    if (g === 0) break;
    pdc.setQueryToRow(star);
    pdc.distancesToIds(gIds, 0, g, gDist, 0);
    for (let t = 0; t < g; t++) {
      const j = gPos[t];
      if (alpha * gDist[t] <= dist[j]) alive[j] = 0;
    }
  }
  adj[base] = kept;
}
