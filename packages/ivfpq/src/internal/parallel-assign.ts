/**
 * The assignment step of k-means on a pool of workers, with the results of one thread.
 *
 * FAISS parallelises k-means the same way (`Clustering.cpp`: the assignment is a search of
 * the training points against the centroids, split over OpenMP threads; the update is the
 * cheap part). Here the points are cut into the fixed chunks of `assignStepInChunks`
 * ({@link ASSIGN_CHUNK_ROWS} rows), one task each ({@link ASSIGN_TASK}, handled by
 * {@link assignTask}, a pure function over typed arrays); each chunk's labels and distances
 * come back and are placed at its rows. A point's nearest centroid does not depend on which
 * worker computed it, so any number of threads gives the labels of one thread. The update
 * step then runs on the calling thread, summing the points in index order exactly as before:
 * the centroids, the objective, the codebooks and the files are the same bytes for 1, 2 or N
 * threads (and as before this module existed). The update is O(n·dim) against the
 * assignment's O(n·k·dim), so keeping it serial costs about 1/k of the work.
 *
 * This package starts no worker: the caller hands in a pool (`TaskPool`, e.g.
 * `@annlab/threads`'s) whose workers register {@link assignTask} under {@link ASSIGN_TASK}.
 * The points go to the workers once per training, in a `SharedArrayBuffer`; the centroids
 * once per iteration.
 *
 * @module
 */
import { sharedArray, type KernelBackend, type TaskPool, type VectorStore } from '@annlab/core';
import { ASSIGN_CHUNK_ROWS, type AssignStep, AssignScratch, assignNearest, centroidStore, refreshCentroidStore } from './assign.js';

/** The worker pool a parallel training runs on (core's {@link TaskPool}; `@annlab/threads`' pool has this shape). */
export type { TaskPool } from '@annlab/core';

/** The task name under which workers register {@link assignTask}. */
export const ASSIGN_TASK = 'ivfpq.assign';

/** What {@link assignTask} reads: one chunk of an assignment step. */
export interface AssignTaskPayload {
  /** All points, `n × dim` row-major; read only. */
  points: Float32Array;
  /** Dimension. */
  dim: number;
  /** Centroids, `k × dim` row-major; read only. */
  centroids: Float32Array;
  /** Number of centroids. */
  k: number;
  /** Assign by largest dot product (`bias − ⟨x, c⟩`) instead of squared L2. */
  dotMode: boolean;
  /** The `bias` of dot mode. */
  bias: number;
  /** Kernel backend of the centroid store (the caller's, so distances round alike). */
  kernels: KernelBackend | undefined;
  /** First row of the chunk. */
  rowStart: number;
  /** One past the chunk's last row. */
  rowEnd: number;
}

/** What {@link assignTask} returns: the chunk's labels and distances, row `rowStart` first. */
export interface AssignTaskResult {
  /** Nearest centroid per row of the chunk. */
  labels: Int32Array;
  /** Internal distance to it per row. */
  dists: Float64Array;
}

/**
 * The centroid store and tile scratch of the last {@link assignTask} on this thread, reused
 * while the shape and backend stay the same (a worker runs hundreds of chunks per training;
 * a fresh store per chunk would allocate a WebAssembly memory each time, and many short-lived
 * wasm memories make V8 collect garbage far more often).
 */
class TaskCache {
  /** Shape and backend the store was made for. */
  k: number;
  dim: number;
  kernels: KernelBackend | undefined;
  store: VectorStore | null;
  scratch: AssignScratch | null;

  constructor() {
    this.k = 0;
    this.dim = 0;
    this.kernels = undefined;
    this.store = null;
    this.scratch = null;
  }
}

const taskCache = new TaskCache();

/** The worker side of {@link ASSIGN_TASK}: rows `[rowStart, rowEnd)` against the centroids. */
export function assignTask(payload: AssignTaskPayload): AssignTaskResult {
  const p = payload;
  const rows = p.rowEnd - p.rowStart;
  const labels = new Int32Array(rows);
  const dists = new Float64Array(rows);
  const c = taskCache;
  if (c.store === null || c.scratch === null || c.k !== p.k || c.dim !== p.dim || c.kernels !== p.kernels) {
    c.store = centroidStore(p.centroids, p.k, p.dim, p.kernels);
    c.scratch = new AssignScratch(p.dim, p.k);
    c.k = p.k;
    c.dim = p.dim;
    c.kernels = p.kernels;
  } else {
    refreshCentroidStore(c.store, p.centroids, p.k);
  }
  assignNearest(p.points, p.rowStart, rows, p.dim, c.store, p.k, p.dotMode, p.bias, labels, dists, c.scratch);
  return { labels, dists };
}

/**
 * Runs the assignment steps of one training on a pool: the points are copied into shared
 * memory at the first step (and again only if a step brings another points array), the
 * centroids at every step.
 */
export class PoolAssigner {
  private readonly pool: TaskPool;
  private readonly kernels: KernelBackend | undefined;
  private source: Float32Array | null;
  private points: Float32Array;
  private centroids: Float32Array;

  constructor(pool: TaskPool, kernels: KernelBackend | undefined) {
    this.pool = pool;
    this.kernels = kernels;
    this.source = null;
    this.points = new Float32Array(0);
    this.centroids = new Float32Array(0);
  }

  /** Run `step` as one task per chunk of {@link ASSIGN_CHUNK_ROWS} rows; resolves once every chunk is placed. */
  async assign(step: AssignStep): Promise<void> {
    const { n, dim, k } = step;
    if (this.source !== step.points) {
      this.points = sharedArray(Float32Array, n * dim);
      this.points.set(step.points.subarray(0, n * dim));
      this.source = step.points;
    }
    // Every task of the previous step has settled, so the shared centroids can be overwritten.
    if (this.centroids.length !== k * dim) this.centroids = sharedArray(Float32Array, k * dim);
    this.centroids.set(step.centroids.subarray(0, k * dim));
    const base = { points: this.points, dim, centroids: this.centroids, k, dotMode: step.dotMode, bias: step.bias, kernels: this.kernels };
    const labels = step.labels;
    const dists = step.dists;
    const tasks: Promise<void>[] = [];
    for (let r0 = 0; r0 < n; r0 += ASSIGN_CHUNK_ROWS) {
      const payload: AssignTaskPayload = { ...base, rowStart: r0, rowEnd: Math.min(n, r0 + ASSIGN_CHUNK_ROWS) };
      tasks.push(
        this.pool.run(ASSIGN_TASK, payload).then((result) => {
          const r = result as AssignTaskResult;
          labels.set(r.labels, r0);
          dists.set(r.dists, r0);
        }),
      );
    }
    await settleAll(tasks);
  }
}

/** Wait for every promise to settle, then reject with the first failure if any. */
async function settleAll(tasks: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(tasks);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}
