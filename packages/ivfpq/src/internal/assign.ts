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
export const POINT_BLOCK = 64;

/**
 * Rows per chunk of a chunked assignment ({@link assignStepInChunks}, and one task of a
 * parallel one): a multiple of {@link POINT_BLOCK}, so every point is tiled with the same
 * neighbours as in one pass and gets the same distances, whatever the chunking.
 */
export const ASSIGN_CHUNK_ROWS = 2048;
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

/**
 * One assignment step of a k-means training: the nearest of the `k` rows of `centroids` for
 * each of the `n` rows of `points`, written to `labels` / `dists` (see {@link assignNearest}).
 */
export interface AssignStep {
  /** Points, `n × dim` row-major (the same array for every step of a training). */
  points: Float32Array;
  /** Number of points. */
  n: number;
  /** Dimension. */
  dim: number;
  /** Centroids, `k × dim` row-major (updated between steps). */
  centroids: Float32Array;
  /** Number of centroids. */
  k: number;
  /** Assign by largest dot product (`bias − ⟨x, c⟩`) instead of squared L2. */
  dotMode: boolean;
  /** The `bias` of dot mode. */
  bias: number;
  /** Output: nearest centroid per point, length ≥ n. */
  labels: Int32Array;
  /** Output: internal distance to it per point, length ≥ n. */
  dists: Float64Array;
}

/**
 * Run `step` in chunks of {@link ASSIGN_CHUNK_ROWS} rows, in order, on the calling thread,
 * through `store` (a {@link centroidStore} of the step's `k × dim` shape, refreshed here with
 * the step's centroids). The same chunks as a parallel step; each point's result is the one a
 * single pass gives.
 */
export function assignStepInChunks(step: AssignStep, store: VectorStore, scratch: AssignScratch): void {
  refreshCentroidStore(store, step.centroids, step.k);
  for (let r0 = 0; r0 < step.n; r0 += ASSIGN_CHUNK_ROWS) {
    const rows = Math.min(ASSIGN_CHUNK_ROWS, step.n - r0);
    assignNearest(
      step.points,
      r0,
      rows,
      step.dim,
      store,
      step.k,
      step.dotMode,
      step.bias,
      step.labels.subarray(r0),
      step.dists.subarray(r0),
      scratch,
    );
  }
}
