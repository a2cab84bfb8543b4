/**
 * k-means clustering (Lloyd's algorithm), the trainer behind the IVF coarse quantizer and the
 * product quantizer's codebooks.
 *
 * Idea: pick `k` initial centroids, then alternate two steps — assign every training point to
 * its nearest centroid, move every centroid to the mean of its points — for `niter`
 * iterations. Each step can only lower the objective (the sum of point-to-centroid
 * distances), so the recorded objective never increases. Spherical mode (for cosine and inner
 * product) assigns by largest dot product and renormalises each centroid to unit length
 * after the update, which maximises the summed dot products just as the mean minimises the
 * summed squared distances.
 *
 * References: S. Lloyd, "Least squares quantization in PCM", IEEE Trans. Inf. Theory 1982;
 * D. Arthur & S. Vassilvitskii, "k-means++: the advantages of careful seeding", SODA 2007;
 * FAISS `Clustering.cpp` (`ClusteringParameters`: subsampling to 256 points per centroid, the
 * warning below 39, empty-cluster splitting) as the reference behaviour.
 *
 * Map:
 * - subsample the training set → {@link KMeans.train} (`maxPointsPerCentroid`)
 * - initialisation: random distinct points, or k-means++ D² sampling → `initRandom`, `initPlusPlus`
 * - assignment step → `assignNearest` (core's tile kernels, internal/assign.ts), in fixed
 *   chunks on this thread or on a worker pool (`internal/parallel-assign.ts`, {@link KMeans.trainAsync})
 * - the loop itself → `lloyd`, a generator that yields each assignment step to its driver
 * - update step → `updateCentroids`; empty clusters → `splitEmptyClusters`
 *
 * Deviations from FAISS, stated honestly:
 * - Empty clusters: FAISS copies a large cluster's centroid (chosen with probability
 *   proportional to its size − 1) into the empty slot and nudges the two copies apart by
 *   ±1/1024 per component. annlab chooses the large cluster the same way but seeds the empty
 *   centroid at that cluster's member farthest from its centroid. Adding a centroid at a data
 *   point can only lower the next assignment's objective, whereas nudging the kept centroid
 *   off its mean can raise it slightly; this keeps "the objective never increases" exact.
 * - Centroids are accumulated in float64 and stored as float32.
 *
 * @module
 */
import {
  AnnlabError,
  Rng,
  checkDim,
  checkInteger,
  checkKnownKeys,
  checkOptions,
  checkSeed,
  checkVectors,
  dotRange,
  l2SquaredRange,
  type KernelBackend,
  checkAddOptions,
  type AddOptions,
  type ProgressCallback,
  type VectorStore,
  type TaskPool,
  splitPoolOptions,
} from '@annlab/core';
import { type AssignStep, AssignScratch, assignNearest, assignStepInChunks, centroidStore } from './internal/assign.js';
import { PoolAssigner } from './internal/parallel-assign.js';

/** How {@link KMeans} chooses its starting centroids. */
export type KMeansInit = 'random' | 'kmeans++';

/** Options for {@link KMeans}. */
export interface KMeansOptions {
  /** Dimension of the points. */
  dim: number;
  /** Number of clusters (centroids), ≥ 1 and ≤ the number of training points. */
  k: number;
  /**
   * Lloyd iterations. Build time is linear in it; 10–25 is usual (FAISS uses 25, and 10 for
   * IVF coarse quantizers); the objective gains little after ~20.
   * @defaultValue 25
   */
  niter?: number;
  /**
   * Initialisation. `'random'` takes k distinct training points (FAISS's default; free).
   * `'kmeans++'` samples each next centroid with probability proportional to its squared
   * distance to the nearest chosen one: a better start (lower objective after few
   * iterations) at the cost of k passes over the training set, which for large k can exceed
   * the whole Lloyd phase.
   * @defaultValue `'random'`
   */
  init?: KMeansInit;
  /**
   * Spherical k-means: assign by largest dot product and normalise centroids to unit length
   * (use for cosine on unit vectors, and for inner product). The objective is then
   * Σ (1 − ⟨x, c⟩).
   * @defaultValue false
   */
  spherical?: boolean;
  /**
   * Training sets larger than `k × maxPointsPerCentroid` are subsampled (seeded) to that
   * size, as FAISS does: more points barely move the centroids but cost time linearly.
   * @defaultValue 256
   */
  maxPointsPerCentroid?: number;
  /**
   * Below `k × minPointsPerCentroid` training points a warning is reported: the centroids
   * will be noisy (FAISS warns below 39).
   * @defaultValue 39
   */
  minPointsPerCentroid?: number;
  /**
   * Seed for subsampling, initialisation and empty-cluster splits.
   * @defaultValue 42
   */
  seed?: number;
  /**
   * Called with each warning (too few training points). Warnings are also kept in
   * {@link KMeans.warnings}; the library never writes to the console.
   */
  onWarning?: (message: string) => void;
  /**
   * Backend of the assignment tile kernels (see core's `KernelBackend`); results agree up
   * to floating-point summation order, only speed differs.
   * @defaultValue `'auto'`
   */
  kernels?: KernelBackend;
}

/** Options of {@link KMeans.trainAsync}. */
export interface KMeansTrainAsyncOptions extends AddOptions {
  /**
   * The worker pool that runs the assignment steps (see {@link KMeans.trainAsync}). Left
   * out, training runs in the calling thread, as `train`.
   */
  pool?: TaskPool;
}

const OPTION_KEYS = [
  'dim',
  'k',
  'niter',
  'init',
  'spherical',
  'maxPointsPerCentroid',
  'minPointsPerCentroid',
  'seed',
  'onWarning',
  'kernels',
] as const;

/** Seeded k-means (Lloyd) with k-means++ or random initialisation; see the module doc. */
export class KMeans {
  /** Dimension of the points. */
  readonly dim: number;
  /** Number of centroids. */
  readonly k: number;
  /** Lloyd iterations. */
  readonly niter: number;
  /** Initialisation method. */
  readonly init: KMeansInit;
  /** Whether centroids are kept at unit length and points assigned by dot product. */
  readonly spherical: boolean;
  /** Subsampling cap per centroid. */
  readonly maxPointsPerCentroid: number;
  /** Warning threshold per centroid. */
  readonly minPointsPerCentroid: number;
  /** Seed for every random choice. */
  readonly seed: number;
  /** Centroids, length `k * dim`, row-major (centroid, component). Zero until trained. */
  centroids: Float32Array;
  /**
   * Objective at the assignment step of each iteration, length `niter` after training:
   * Σ ‖x − c(x)‖² (or Σ (1 − ⟨x, c(x)⟩) when spherical) over the (subsampled) training
   * points. Never increases.
   */
  objective: Float64Array;
  /** Warnings from the last training (too few points per centroid). */
  warnings: string[];
  /** Number of empty clusters re-split during the last training, summed over iterations. */
  splits: number;
  /** True once {@link KMeans.train} has run. */
  isTrained: boolean;
  private readonly onWarning: ((message: string) => void) | undefined;
  private readonly kernels: KernelBackend | undefined;

  /** @param options - see {@link KMeansOptions}. */
  constructor(options: KMeansOptions) {
    checkOptions(options, 'KMeans');
    checkKnownKeys(options, OPTION_KEYS, 'KMeans');
    this.dim = checkDim(options.dim);
    this.k = checkInteger('k', options.k, 1, 1 << 24);
    this.niter = checkInteger('niter', options.niter ?? 25, 0, 100_000);
    const init = options.init ?? 'random';
    if (init !== 'random' && init !== 'kmeans++') {
      throw new AnnlabError('INVALID_PARAMETER', `init must be 'random' or 'kmeans++', got ${JSON.stringify(init)}.`);
    }
    this.init = init;
    this.spherical = options.spherical ?? false;
    if (typeof this.spherical !== 'boolean') throw new AnnlabError('INVALID_PARAMETER', `spherical must be true or false.`);
    this.maxPointsPerCentroid = checkInteger('maxPointsPerCentroid', options.maxPointsPerCentroid ?? 256, 1);
    this.minPointsPerCentroid = checkInteger('minPointsPerCentroid', options.minPointsPerCentroid ?? 39, 0);
    this.seed = checkSeed(options.seed ?? 42);
    if (options.onWarning !== undefined && typeof options.onWarning !== 'function') {
      throw new AnnlabError('INVALID_PARAMETER', 'onWarning must be a function (message: string) => void.');
    }
    this.onWarning = options.onWarning;
    this.kernels = options.kernels;
    this.centroids = new Float32Array(this.k * this.dim);
    this.objective = new Float64Array(0);
    this.warnings = [];
    this.splits = 0;
    this.isTrained = false;
  }

  /**
   * Learn the centroids from `n × dim` row-major points (n ≥ k). Retraining starts afresh
   * from the same seed, so equal inputs give equal centroids.
   *
   * @param options - `onProgress(done, niter)` after each iteration (once with (0, 0) when
   *   `niter` is 0). Training commits only at the end: a callback that throws leaves the
   *   k-means as it was before the call.
   */
  train(x: Float32Array, options?: AddOptions): void {
    const onProgress = this.checkTraining(x, options, 'KMeans.train options');
    const run = this.lloyd(x, onProgress);
    let store: VectorStore | null = null;
    let scratch: AssignScratch | null = null;
    for (let r = run.next(); r.done !== true; r = run.next()) {
      const step = r.value;
      store ??= centroidStore(step.centroids, step.k, step.dim, this.kernels);
      scratch ??= new AssignScratch(step.dim, step.k);
      assignStepInChunks(step, store, scratch);
    }
  }

  /**
   * {@link KMeans.train} with each assignment step run in parallel on `options.pool` (FAISS
   * runs it on OpenMP threads): a worker pool whose workers run this package's `assignTask`
   * under `ASSIGN_TASK`, such as `createThreadPool({ threads })` from `@annlab/threads`.
   * The points are cut into fixed chunks of 2,048 rows, one task each; the update step stays
   * on the calling thread, summing in point order. So the centroids, the objective and
   * everything trained from them are the same bytes as `train` gives, for any number of
   * workers. The assignment is nearly all of the work (k distances per point against one
   * addition), so time falls about linearly with the workers; memory: the (subsampled)
   * points once more, in shared memory.
   *
   * Without `pool` this is `train`. Nothing is committed until the last iteration: a failed
   * task or a throwing callback rejects the promise and leaves the k-means as it was.
   */
  async trainAsync(x: Float32Array, options?: KMeansTrainAsyncOptions): Promise<void> {
    const { pool, rest: trainOptions } = splitPoolOptions(options, ['onProgress', 'pool'], 'KMeans.trainAsync options');
    if (pool === undefined) {
      this.train(x, trainOptions);
      return;
    }
    const assigner = new PoolAssigner(pool, this.kernels);
    const onProgress = this.checkTraining(x, trainOptions, 'KMeans.trainAsync options');
    const run = this.lloyd(x, onProgress);
    for (let r = run.next(); r.done !== true; r = run.next()) await assigner.assign(r.value);
  }

  /** Check the training points (n ≥ k), then the options; returns `onProgress`. */
  private checkTraining(x: Float32Array, options: AddOptions | undefined, what: string): ProgressCallback | null {
    const n = checkVectors(x, this.dim, 'training vectors');
    const onProgress = checkAddOptions(options, what);
    if (n < this.k) {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        `k-means needs at least k = ${this.k} training vectors, got ${n}. Train on more vectors or use fewer clusters (nlist / nbits).`,
      );
    }
    return onProgress;
  }

  /**
   * Lloyd's algorithm on checked points, as a generator: it yields each assignment step for
   * the driver to run (in this thread, {@link KMeans.train}; on a pool,
   * {@link KMeans.trainAsync}) and continues with the step's labels and distances. Everything
   * else (subsampling, initialisation, update, empty-cluster splits, progress, the commit at
   * the end) happens here, once for both drivers.
   */
  private *lloyd(x: Float32Array, onProgress: ProgressCallback | null): Generator<AssignStep, void, void> {
    const { k, dim } = this;
    const n = x.length / dim;
    const rng = new Rng(this.seed);
    const warnings: string[] = [];
    if (n < k * this.minPointsPerCentroid) {
      warnings.push(
        `k-means: ${n} training points for ${k} centroids (< ${this.minPointsPerCentroid} per centroid); ` +
          `centroids will be noisy. Train on at least ${k * this.minPointsPerCentroid} points or use fewer clusters.`,
      );
    }
    // Subsample (FAISS: max 256 points per centroid), keeping the sample in index order.
    let pts = x;
    let np = n;
    const cap = k * this.maxPointsPerCentroid;
    if (n > cap) {
      const pick = rng.sample(n, cap).sort();
      pts = new Float32Array(cap * dim);
      for (let i = 0; i < cap; i++) pts.set(x.subarray(pick[i] * dim, pick[i] * dim + dim), i * dim);
      np = cap;
    }

    const centroids = new Float32Array(k * dim);
    if (this.init === 'kmeans++') this.initPlusPlus(pts, np, centroids, rng);
    else this.initRandom(pts, np, centroids, rng);

    const labels = new Int32Array(np);
    const dists = new Float64Array(np);
    const sums = new Float64Array(k * dim);
    const counts = new Int32Array(k);
    const step: AssignStep = { points: pts, n: np, dim, centroids, k, dotMode: this.spherical, bias: 1, labels, dists };
    const objective = new Float64Array(this.niter);
    let splits = 0;
    for (let it = 0; it < this.niter; it++) {
      yield step; // the driver assigns: labels, dists
      let obj = 0;
      for (let i = 0; i < np; i++) obj += dists[i];
      objective[it] = obj;
      this.updateCentroids(pts, np, labels, sums, counts, centroids);
      splits += this.splitEmptyClusters(pts, np, labels, dists, counts, centroids, rng);
      if (onProgress !== null) onProgress(it + 1, this.niter);
    }
    if (onProgress !== null && this.niter === 0) onProgress(0, 0);
    this.centroids = centroids;
    this.objective = objective;
    this.splits = splits;
    this.warnings = warnings;
    this.isTrained = true;
    if (this.onWarning !== undefined) for (const w of warnings) this.onWarning(w);
  }

  /**
   * Nearest centroid of each of the `n × dim` rows of `x`, through core's tile kernels.
   * @param labels - optional output, length ≥ n.
   * @param distances - optional output for the internal distances (squared L2, or 1 − ⟨x, c⟩ when spherical).
   * @returns the labels.
   */
  assign(x: Float32Array, labels?: Int32Array, distances?: Float64Array): Int32Array {
    if (!this.isTrained) throw new AnnlabError('NOT_TRAINED', 'KMeans.assign needs trained centroids: call train(x) first.');
    const n = checkVectors(x, this.dim, 'vectors');
    const out = labels ?? new Int32Array(n);
    const d = distances ?? new Float64Array(n);
    if (out.length < n || d.length < n) throw new AnnlabError('INVALID_PARAMETER', `assign outputs must hold at least ${n} entries.`);
    const store = centroidStore(this.centroids, this.k, this.dim, this.kernels);
    assignNearest(x, 0, n, this.dim, store, this.k, this.spherical, 1, out, d, new AssignScratch(this.dim, this.k));
    return out;
  }

  /** Random init: k distinct training points (FAISS's default). */
  private initRandom(pts: Float32Array, np: number, centroids: Float32Array, rng: Rng): void {
    const dim = this.dim;
    const pick = rng.sample(np, this.k);
    for (let c = 0; c < this.k; c++) centroids.set(pts.subarray(pick[c] * dim, pick[c] * dim + dim), c * dim);
    if (this.spherical) normalizeRows(centroids, this.k, dim);
  }

  /**
   * k-means++ (Arthur & Vassilvitskii 2007): the first centroid uniformly, each next one with
   * probability ∝ D(x)², D being the distance to the nearest centroid chosen so far.
   */
  private initPlusPlus(pts: Float32Array, np: number, centroids: Float32Array, rng: Rng): void {
    const dim = this.dim;
    const minD = new Float64Array(np).fill(Infinity);
    const d = new Float64Array(np);
    let chosen = rng.nextInt(np);
    for (let c = 0; c < this.k; c++) {
      centroids.set(pts.subarray(chosen * dim, chosen * dim + dim), c * dim);
      if (this.spherical) normalizeRows(centroids.subarray(c * dim, c * dim + dim), 1, dim);
      if (c === this.k - 1) break;
      if (this.spherical) dotRange(centroids, c * dim, pts, 0, np, dim, 1, d, 0);
      else l2SquaredRange(centroids, c * dim, pts, 0, np, dim, d, 0);
      let total = 0;
      for (let i = 0; i < np; i++) {
        if (d[i] < minD[i]) minD[i] = d[i];
        total += minD[i] > 0 ? minD[i] : 0;
      }
      if (!(total > 0)) {
        chosen = rng.nextInt(np); // every point coincides with a centroid: any choice is as good
        continue;
      }
      let r = rng.nextDouble() * total;
      chosen = np - 1;
      for (let i = 0; i < np; i++) {
        const w = minD[i] > 0 ? minD[i] : 0;
        if (r < w) {
          chosen = i;
          break;
        }
        r -= w;
      }
    }
  }

  /** Update step: each non-empty centroid moves to its points' mean (unit direction when spherical). */
  private updateCentroids(
    pts: Float32Array,
    np: number,
    labels: Int32Array,
    sums: Float64Array,
    counts: Int32Array,
    centroids: Float32Array,
  ): void {
    const dim = this.dim;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < np; i++) {
      const c = labels[i];
      counts[c]++;
      const so = c * dim;
      const po = i * dim;
      for (let j = 0; j < dim; j++) sums[so + j] += pts[po + j];
    }
    for (let c = 0; c < this.k; c++) {
      const cnt = counts[c];
      if (cnt === 0) continue;
      const so = c * dim;
      if (this.spherical) {
        let nn = 0;
        for (let j = 0; j < dim; j++) nn += sums[so + j] * sums[so + j];
        if (nn === 0) continue; // points cancel out: every unit direction scores 0, keep the old one
        const inv = 1 / Math.sqrt(nn);
        for (let j = 0; j < dim; j++) centroids[so + j] = sums[so + j] * inv;
      } else {
        const inv = 1 / cnt;
        for (let j = 0; j < dim; j++) centroids[so + j] = sums[so + j] * inv;
      }
    }
  }

  /**
   * Re-seed every empty cluster from a large one (see the module doc): cluster j is chosen
   * with probability ∝ (size_j − 1) (FAISS's rule), and the empty centroid is placed on j's
   * member farthest from j's centroid at the last assignment.
   * @returns the number of clusters re-seeded.
   */
  private splitEmptyClusters(
    pts: Float32Array,
    np: number,
    labels: Int32Array,
    dists: Float64Array,
    counts: Int32Array,
    centroids: Float32Array,
    rng: Rng,
  ): number {
    const { k, dim } = this;
    let splits = 0;
    for (let ci = 0; ci < k; ci++) {
      if (counts[ci] !== 0) continue;
      let weight = 0;
      for (let c = 0; c < k; c++) if (counts[c] > 1) weight += counts[c] - 1;
      if (weight === 0) break; // every cluster has ≤ 1 point: nothing to split
      let r = rng.nextDouble() * weight;
      let cj = -1;
      for (let c = 0; c < k; c++) {
        if (counts[c] <= 1) continue;
        cj = c;
        r -= counts[c] - 1;
        if (r < 0) break;
      }
      let far = -1;
      let farD = -Infinity;
      for (let i = 0; i < np; i++) {
        if (labels[i] === cj && dists[i] > farD) {
          farD = dists[i];
          far = i;
        }
      }
      centroids.set(pts.subarray(far * dim, far * dim + dim), ci * dim);
      if (this.spherical) normalizeRows(centroids.subarray(ci * dim, ci * dim + dim), 1, dim);
      // The point now belongs to ci: it cannot be picked twice.
      labels[far] = ci;
      counts[cj]--;
      counts[ci] = 1;
      splits++;
    }
    return splits;
  }
}

/** Scale each of the first `n` rows of `a` to unit length (zero rows stay zero). */
function normalizeRows(a: Float32Array, n: number, dim: number): void {
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    let s = 0;
    for (let j = 0; j < dim; j++) s += a[o + j] * a[o + j];
    if (s === 0) continue;
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < dim; j++) a[o + j] *= inv;
  }
}
