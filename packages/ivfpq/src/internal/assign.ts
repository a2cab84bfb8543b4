/**
 * Batch nearest-centroid assignment and per-query probe selection, shared by k-means, the
 * IVF indexes and the product quantizer.
 *
 * Assignment tiles blocks of points against blocks of centroids through core's
 * `distanceTileInto` (the register-blocked `l2SquaredTile` / `dotTile` kernels, or their
 * WebAssembly SIMD twins when the centroid store lives in wasm memory), so each loaded
 * centroid component is reused by several points; then it keeps the best centroid per point. Exact distances, no norm expansion: the
 * k-means objective computed from them is exactly what the monotonicity test checks.
 *
 * @module
 */
import { VectorStore, distanceTileInto, type KernelBackend, type MaxHeap } from '@annlab/core';

/** Points per assignment tile: their running minima stay in registers/cache. */
const POINT_BLOCK = 64;
/** Target bytes of centroid rows per tile (about half an L2 cache). */
const CENTROID_BLOCK_BYTES = 256 * 1024;

/** Reusable scratch for {@link assignNearest}, sized for one `dim` and centroid count. */
export class AssignScratch {
  /** Centroids per tile (even). */
  readonly centroidBlock: number;
  /** Tile of distances, length `POINT_BLOCK * centroidBlock`. */
  readonly tile: Float64Array;

  constructor(dim: number, k: number) {
    let cb = Math.max(2, Math.floor(CENTROID_BLOCK_BYTES / (4 * dim)));
    cb = Math.min(cb & ~1, Math.max(2, k + (k & 1)));
    this.centroidBlock = cb;
    this.tile = new Float64Array(POINT_BLOCK * cb);
  }
}

/**
 * A store holding a copy of `k × dim` centroids, on the requested kernel backend (the tile
 * kernels read their rows from a store).
 */
export function centroidStore(centroids: Float32Array, k: number, dim: number, kernels: KernelBackend | undefined): VectorStore {
  const store = new VectorStore(dim, { kernels, capacity: k });
  store.append(centroids, 0, k);
  return store;
}

/** Overwrite the rows of a store made by {@link centroidStore} with updated centroids. */
export function refreshCentroidStore(store: VectorStore, centroids: Float32Array, k: number): void {
  store.data.set(centroids.subarray(0, k * store.dim));
}

/**
 * For each of the `n` rows of `x` (row-major, `dim` per row, starting at row `xStart`), the
 * nearest of the `k` rows of the `centroids` store: `labels[i]` and its internal distance `dists[i]`
 * (squared L2 when `dotMode` is false, else `bias − ⟨x, c⟩`). Ties go to the smaller centroid
 * index.
 */
export function assignNearest(
  x: Float32Array,
  xStart: number,
  n: number,
  dim: number,
  centroids: VectorStore,
  k: number,
  dotMode: boolean,
  bias: number,
  labels: Int32Array,
  dists: Float64Array,
  scratch: AssignScratch,
): void {
  if (centroids.dim !== dim) throw new Error(`assignNearest: centroid store has dim ${centroids.dim}, points have ${dim}`);
  const cb = scratch.centroidBlock;
  const tile = scratch.tile;
  for (let p0 = 0; p0 < n; p0 += POINT_BLOCK) {
    const pb = Math.min(POINT_BLOCK, n - p0);
    for (let i = 0; i < pb; i++) {
      labels[p0 + i] = -1;
      dists[p0 + i] = Infinity;
    }
    for (let c0 = 0; c0 < k; c0 += cb) {
      const count = Math.min(cb, k - c0);
      distanceTileInto(centroids, dotMode ? 'dot' : 'l2', bias, x, xStart + p0, pb, c0, count, tile);
      for (let i = 0; i < pb; i++) {
        let best = dists[p0 + i];
        let bestC = labels[p0 + i];
        const base = i * count;
        for (let r = 0; r < count; r++) {
          const d = tile[base + r];
          if (d < best) {
            best = d;
            bestC = c0 + r;
          }
        }
        dists[p0 + i] = best;
        labels[p0 + i] = bestC;
      }
    }
    // A point whose every distance is NaN cannot occur (inputs are validated finite), but a
    // label of -1 would corrupt the lists: fall back to centroid 0.
    for (let i = 0; i < pb; i++) if (labels[p0 + i] < 0) labels[p0 + i] = 0;
  }
}

/**
 * The `nprobe` closest lists given the query's distances to all `nlist` centroids in
 * `centroidDist`: written ascending by (distance, list) to `outLists` / `outDist`.
 * @returns the number written (`min(nprobe, nlist)`).
 */
export function selectProbes(
  centroidDist: Float64Array,
  nlist: number,
  nprobe: number,
  heap: MaxHeap,
  outLists: Int32Array,
  outDist: Float64Array,
): number {
  heap.clear();
  let worst = Infinity;
  for (let c = 0; c < nlist; c++) {
    const d = centroidDist[c];
    // Lists arrive in increasing order, so an equal distance never beats the current worst.
    if (d < worst) {
      heap.offer(d, c, nprobe);
      if (heap.size === nprobe) worst = heap.dist[0];
    }
  }
  return heap.drainAscending(outLists, outDist, 0);
}
