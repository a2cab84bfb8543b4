/**
 * The coarse quantizer shared by {@link IvfFlatIndex} and {@link IvfPqIndex}: option checks,
 * training (k-means, spherical for cosine and inner product; on this thread or with its
 * assignment steps on a worker pool), and batch assignment.
 *
 * @module
 */
import {
  AnnlabError,
  PROGRESS_EVERY,
  checkInteger,
  normalizeInPlace,
  type AddOptions,
  type KernelBackend,
  type MetricPolicy,
  type ProgressCallback,
  type VectorStore,
  type TaskPool,
} from '@annlab/core';
import { KMeans, type KMeansInit } from '../kmeans.js';
import { AssignScratch, assignNearest } from './assign.js';

/** Options of the IVF indexes' `trainAsync`. */
export interface IvfTrainAsyncOptions extends AddOptions {
  /**
   * The worker pool that runs the k-means assignment steps (`KMeans.trainAsync`), such as
   * `createThreadPool({ threads })` from `@annlab/threads`. Left out, training runs in the
   * calling thread, as `train`.
   */
  pool?: TaskPool;
}

/** Validated coarse-quantizer build options. */
export interface CoarseOptions {
  nlist: number;
  niter: number;
  init: KMeansInit;
  maxPointsPerCentroid: number;
  onWarning: ((message: string) => void) | undefined;
}

/** Check the coarse options of an IVF index, applying defaults. */
export function checkCoarseOptions(
  o: { nlist?: unknown; niter?: unknown; init?: unknown; maxPointsPerCentroid?: unknown; onWarning?: unknown },
  defaults: { nlist: number; niter: number },
): CoarseOptions {
  const nlist = checkInteger('nlist', o.nlist ?? defaults.nlist, 1, 1 << 20);
  const niter = checkInteger('niter', o.niter ?? defaults.niter, 0, 100_000);
  const init = o.init ?? 'random';
  if (init !== 'random' && init !== 'kmeans++') {
    throw new AnnlabError('INVALID_PARAMETER', `init must be 'random' or 'kmeans++', got ${JSON.stringify(init)}.`);
  }
  const maxPointsPerCentroid = checkInteger('maxPointsPerCentroid', o.maxPointsPerCentroid ?? 256, 1);
  if (o.onWarning !== undefined && typeof o.onWarning !== 'function') {
    throw new AnnlabError('INVALID_PARAMETER', 'onWarning must be a function (message: string) => void.');
  }
  return { nlist, niter, init, maxPointsPerCentroid, onWarning: o.onWarning as ((message: string) => void) | undefined };
}

/** A copy of `x` with each row at unit length (cosine), or `x` itself when no normalisation is needed. */
export function preparedCopy(x: Float32Array, n: number, dim: number, policy: MetricPolicy): Float32Array {
  if (!policy.normalize) return x;
  const c = x.slice(0, n * dim);
  for (let i = 0; i < n; i++) normalizeInPlace(c, i * dim, dim);
  return c;
}

/**
 * Train the coarse centroids on prepared (normalised for cosine) vectors. Spherical k-means
 * for the dot-product metrics: unit centroids, assignment by largest ⟨x, c⟩.
 * `onProgress(done, niter)` after each k-means iteration; nothing is committed anywhere.
 * @returns the centroids (nlist × dim) and the k-means warnings.
 */
export function trainCoarse(
  x: Float32Array,
  dim: number,
  policy: MetricPolicy,
  o: CoarseOptions,
  seed: number,
  kernels: KernelBackend | undefined,
  onProgress: ProgressCallback | null = null,
): { centroids: Float32Array; warnings: string[] } {
  const km = coarseKMeans(x, dim, policy, o, seed, kernels);
  km.train(x, onProgress === null ? undefined : { onProgress });
  return { centroids: km.centroids, warnings: km.warnings };
}

/**
 * {@link trainCoarse} with the k-means assignment steps on a worker pool
 * (`KMeans.trainAsync`): the same centroids for any number of workers.
 */
export async function trainCoarseAsync(
  x: Float32Array,
  dim: number,
  policy: MetricPolicy,
  o: CoarseOptions,
  seed: number,
  kernels: KernelBackend | undefined,
  onProgress: ProgressCallback | null,
  pool: TaskPool,
): Promise<{ centroids: Float32Array; warnings: string[] }> {
  const km = coarseKMeans(x, dim, policy, o, seed, kernels);
  await km.trainAsync(x, onProgress === null ? { pool } : { onProgress, pool });
  return { centroids: km.centroids, warnings: km.warnings };
}

/** The coarse quantizer's k-means for `x` (refused when it has fewer rows than nlist). */
function coarseKMeans(
  x: Float32Array,
  dim: number,
  policy: MetricPolicy,
  o: CoarseOptions,
  seed: number,
  kernels: KernelBackend | undefined,
): KMeans {
  const n = x.length / dim;
  if (n < o.nlist) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `nlist = ${o.nlist} exceeds the ${n} training vectors; k-means needs at least one vector per list. ` +
        `Train on more vectors (≥ 39 × nlist is advisable) or lower nlist.`,
    );
  }
  return new KMeans({
    dim,
    k: o.nlist,
    niter: o.niter,
    init: o.init,
    spherical: policy.kind === 'dot',
    maxPointsPerCentroid: o.maxPointsPerCentroid,
    seed,
    onWarning: o.onWarning,
    kernels,
  });
}

/**
 * The nearest coarse centroid of each prepared row (labels) and the internal distance to it.
 * With `onProgress`, rows are assigned in blocks of `PROGRESS_EVERY` (a multiple of the
 * assignment tile, so every distance is computed exactly as in one pass) and
 * `onProgress(done, n)` runs after each.
 */
export function assignCoarse(
  x: Float32Array,
  n: number,
  dim: number,
  centroids: VectorStore,
  nlist: number,
  policy: MetricPolicy,
  onProgress: ProgressCallback | null = null,
): { labels: Int32Array; dists: Float64Array } {
  const labels = new Int32Array(n);
  const dists = new Float64Array(n);
  const scratch = new AssignScratch(dim, nlist);
  const dot = policy.kind === 'dot';
  if (onProgress === null) {
    assignNearest(x, 0, n, dim, centroids, nlist, dot, policy.bias, labels, dists, scratch);
    return { labels, dists };
  }
  for (let i0 = 0; i0 < n; i0 += PROGRESS_EVERY) {
    const nb = Math.min(PROGRESS_EVERY, n - i0);
    assignNearest(x, i0, nb, dim, centroids, nlist, dot, policy.bias, labels.subarray(i0), dists.subarray(i0), scratch);
    onProgress(i0 + nb, n);
  }
  return { labels, dists };
}

/** The error of a `trainAsync` (`owner`: the class name) whose index took vectors while it trained. */
export function addedWhileTraining(owner: string): AnnlabError {
  return new AnnlabError(
    'UNSUPPORTED_OPERATION',
    `${owner}.trainAsync: vectors were added while it trained; await trainAsync before adding.`,
  );
}
