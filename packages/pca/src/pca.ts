/**
 * Principal component analysis as a trainable linear transform (FAISS's `PCAMatrix`):
 * `train(x)` learns the mean and the `components` directions of largest variance, `apply`
 * maps vectors to their coordinates along those directions (optionally whitened to unit
 * variance), `reconstruct` maps coordinates back. Projecting onto the top principal
 * directions keeps as much of the data's spread as any linear map to that many dimensions
 * can (Eckart–Young), so distances shrink least; indexes built on the projections are
 * smaller and faster to search.
 *
 * Two solvers compute the same directions:
 *
 * - **exact**: the covariance C = Xcᵀ Xc / (n − 1) accumulated in blocks of rows with a
 *   register-blocked float64 kernel (`internal/gemm.ts`, or its WebAssembly SIMD twin
 *   `assembly/gemm.ts`), then Householder tridiagonalization, implicit QL for the
 *   eigenvalues and inverse iteration for the wanted eigenvectors (Golub & Van Loan,
 *   *Matrix Computations*, 4th ed., §8.3 and §8.2.2; the tred2/tql2 method of Numerical
 *   Recipes §11.2–11.3; `internal/eigen.ts`).
 *   Cost ≈ n·dim²/2 multiply-adds plus O(dim³); memory dim² float64.
 * - **randomized**: Halko, Martinsson & Tropp, "Finding structure with randomness:
 *   probabilistic algorithms for constructing approximate matrix decompositions", SIAM
 *   Review 53(2), 2011 (arXiv:0909.4061). A Gaussian test matrix with `components +
 *   oversampling` columns (§4.1, Alg. 4.1), power iterations with re-orthonormalization
 *   (Alg. 4.4), and the small eigenproblem on the captured subspace (Alg. 5.1, in its
 *   form scikit-learn uses: the SVD of orth(Xc Q)ᵀ Xc, taken from Q and Z = Xcᵀ Xc Q
 *   alone). Cost ≈ 2·(powerIterations + 1)·n·dim·l multiply-adds; memory O(dim·l); or, when
 *   it is fewer multiply-adds, n·dim²/2 + (powerIterations + 1)·l·dim² by forming Xcᵀ Xc once
 *   (`internal/gram.ts`, memory dim² float64) and iterating on it. Paper
 *   step → code: range finder and power iterations → `fitRandomized`'s data passes
 *   (`internal/data-pass.ts`: float32 WebAssembly SIMD on large fits, as scikit-learn's
 *   float32 products, float64 otherwise), orthonormalization → `orthonormalizeRows`, Alg. 5.1
 *   → `ritzFromPass` (all in `internal/fit.ts`).
 *
 * `solver: 'auto'` compares those two cost estimates and records its pick in
 * {@link Pca.solverUsed}. Deviations, stated honestly: eigenvalues use the unbiased divisor
 * n − 1 (as scikit-learn; FAISS divides by n); the randomized solver re-orthonormalizes
 * once per product with XcᵀXc rather than after each product with Xc and Xcᵀ (see
 * `fitRandomized`), and gets scikit-learn's final SVD without its extra pass over the data
 * (see `ritzFromPass`); each direction's sign is fixed so its largest-magnitude entry is
 * positive.
 *
 * @module
 */
import {
  AnnlabError,
  BinaryReader,
  BinaryWriter,
  MAX_ABS_COMPONENT,
  Rng,
  checkDim,
  checkInteger,
  checkKnownKeys,
  checkOptions,
  checkSeed,
  checkKernelBackend,
  checkTaskPool,
  checkVectors,
  stableInput,
  type KernelBackend,
  type TaskPool,
} from '@annlab/core';
import { gemmNT } from './internal/gemm.js';
import { exactSteps, type FitSteps, type PcaFit, randomizedSteps, runFitInline } from './internal/fit.js';
import { PoolPassRunner, runFitOnPool } from './internal/parallel-pass.js';

/** Which PCA algorithm to run: see {@link PcaOptions.solver}. */
export type PcaSolver = 'auto' | 'exact' | 'randomized';

/** Options for {@link Pca}. */
export interface PcaOptions {
  /** Dimension of the input vectors. Range 1–2^20. */
  dim: number;
  /**
   * Number of principal directions kept: the output dimension of {@link Pca.apply}. An
   * integer in [1, dim]. Fewer components make the transform (and any index behind it)
   * smaller and faster and lose more of the data's variance; read
   * {@link Pca.explainedVarianceRatio} to choose.
   */
  components: number;
  /**
   * Scale each output coordinate to unit variance (divide by √eigenvalue). Useful before
   * k-means or a product quantizer; it changes the geometry, so Euclidean distances between
   * outputs no longer approximate the original ones. Directions with (numerically) zero
   * variance, below 1e-12 of the largest, are left unscaled.
   * @defaultValue false
   */
  whiten?: boolean;
  /**
   * `'exact'`: covariance + dense eigensolver, cost ≈ n·dim²/2 + 2·dim³ multiply-adds, memory
   * dim² float64; deterministic and accurate to rounding. `'randomized'`: Halko et al.,
   * cost ≈ 2·(powerIterations + 1)·n·dim·(components + oversampling), memory O(dim·l);
   * accurate for the leading directions, best when components ≪ dim and dim is large. The
   * randomized solver takes its products with Xcᵀ Xc one of two ways, chosen by multiply-add
   * count: streaming the batch once per pass (2·(powerIterations + 1)·n·dim·l, memory O(dim·l)),
   * or, when n·dim²/2 + (powerIterations + 1)·l·dim² is smaller (for n ≫ dim: dim <
   * 4·(powerIterations + 1)·l) and dim² float64 fit in 256 MiB, forming the centred Gram matrix
   * Xcᵀ Xc once (dim·dim·8 bytes of memory, twice that briefly while it is formed) and
   * iterating on it: same iteration, same seeded determinism, results equal to rounding.
   * `'auto'` picks the one with the lower estimate and records it in {@link Pca.solverUsed}.
   * @defaultValue `'auto'`
   */
  solver?: PcaSolver;
  /**
   * Seed for the randomized solver's Gaussian test matrix (the exact solver uses no
   * randomness). Same seed and data give identical results.
   * @defaultValue 42
   */
  seed?: number;
  /**
   * Randomized solver: extra subspace dimensions beyond `components` (Halko et al. §4.2;
   * scikit-learn's `n_oversamples`). More costs time linearly and improves accuracy of the
   * trailing kept directions. Range 0–2^20; the subspace is capped at dim.
   * @defaultValue 10
   */
  oversampling?: number;
  /**
   * Randomized solver: power iterations (Halko et al. Alg. 4.4; scikit-learn's
   * `iterated_power`). Each adds one pass over the data (2·n·dim·l multiply-adds) and
   * sharpens the separation between kept and dropped directions. `'auto'` is
   * scikit-learn's rule: 7 when components < 0.1·min(n, dim), else 4.
   * @defaultValue `'auto'`
   */
  powerIterations?: number | 'auto';
  /**
   * Matrix kernels for fitting: `'js'` (TypeScript, float64: the reference), `'simd'` or
   * `'auto'` (WebAssembly SIMD where supported). With SIMD the exact solver and small
   * randomized fits run f64x2 kernels (about twice the TypeScript speed, same results up to
   * float64 summation order); randomized fits whose products have at least 2^25
   * multiply-adds (n·dim·(components + oversampling)) run their data passes in float32
   * f32x4 kernels, as scikit-learn does for float32 input: about 3× faster again, with
   * eigenvalues and directions within about 1e-6 relative of the float64 ones. Not stored
   * in files.
   * @defaultValue `'auto'`
   */
  kernels?: KernelBackend;
}

/** Options of {@link Pca.trainAsync}. */
export interface PcaTrainAsyncOptions {
  /**
   * The worker pool that runs the passes over the data (see {@link Pca.trainAsync}). Left
   * out, training runs in the calling thread, as `train`.
   */
  pool?: TaskPool;
}

const OPTION_KEYS = ['dim', 'components', 'whiten', 'solver', 'seed', 'oversampling', 'powerIterations', 'kernels'] as const;
const SOLVERS: readonly PcaSolver[] = ['auto', 'exact', 'randomized'];
/** Rows per block in apply / reconstruct. */
const APPLY_BLOCK = 64;
/** Directions whose eigenvalue is below this fraction of the largest are not whitened. */
const WHITEN_FLOOR = 1e-12;
/**
 * Loaders accept a stored direction whose length differs from 1 by at most this much (the
 * solvers leave about 1e-12): anything else was not written by `train`, and a long direction
 * would let `apply` overflow float32.
 */
const UNIT_TOLERANCE = 1e-6;

interface PcaFileParams {
  dim: number;
  components: number;
  whiten: boolean;
  solver: PcaSolver;
  seed: number;
  oversampling: number;
  powerIterations: number | 'auto';
  trained: boolean;
  solverUsed: 'exact' | 'randomized' | null;
  powerIterationsUsed: number;
  nSamples: number;
  totalVariance: number;
}

/**
 * PCA with an exact and a randomized solver, whitening, batch apply and reconstruct.
 *
 * Fitting in parallel: {@link Pca.trainAsync} runs the fit's passes over the data (the
 * means, the covariance or Gram matrix, the randomized solver's products Xc·Q and Xcᵀ·Y) on a
 * worker pool, split by rows into fixed chunks of 2,048; the workers compute each chunk's
 * partial sums and the calling thread adds them in chunk order, as `train` does, so the
 * result is the same bytes as `train` for any number of threads.
 *
 * @example
 * ```ts
 * import { Pca } from '@annlab/pca';
 * import { Rng } from '@annlab/core';
 *
 * const dim = 32;
 * const rng = new Rng(1); // seeded, as annlab's own builds are
 * const vectors = Float32Array.from({ length: 1000 * dim }, () => rng.nextFloat());
 * const pca = new Pca({ dim, components: 8, seed: 1 });
 * pca.train(vectors);                                  // mean and the 8 leading directions
 * const y = pca.apply(vectors);                        // 1000 × 8, row-major
 * const back = pca.reconstruct(y);                     // 1000 × 32: the closest points in the subspace
 * const kept = pca.explainedVarianceRatio;             // per component, non-increasing
 * const again = Pca.deserialize(pca.serialize());
 * again.apply(vectors);                                // identical to y
 * ```
 */
export class Pca {
  /** Algorithm tag in serialized files. */
  static readonly TAG: string = 'pca';
  /** Format version written by {@link Pca.serialize}. */
  static readonly FORMAT_VERSION: number = 1;

  /** Input dimension. */
  readonly dim: number;
  /** Output dimension: the number of principal directions kept. */
  readonly components: number;
  /** Whether outputs are scaled to unit variance. */
  readonly whiten: boolean;
  /** The solver asked for. */
  readonly solver: PcaSolver;
  /** Seed of the randomized solver. */
  readonly seed: number;
  /** Randomized solver oversampling. */
  readonly oversampling: number;
  /** Power iterations asked for (`'auto'` or a count). */
  readonly powerIterations: number | 'auto';
  /** The solver that ran in the last `train` (`null` before training). */
  solverUsed: 'exact' | 'randomized' | null;
  /** Matrix-kernel backend asked for. */
  readonly kernels: KernelBackend;
  /** The matrix kernels the last `train` ran on (`null` before training or after loading). */
  backendUsed: 'js' | 'simd' | null;
  /** Power iterations the randomized solver ran (0 for the exact solver). */
  powerIterationsUsed: number;
  /** Number of vectors the transform was trained on (0 before training). */
  nSamples: number;
  /** Per-feature mean of the training data, length dim. */
  mean: Float64Array;
  /**
   * Principal directions, row-major `components × dim` (row c is direction c, unit length,
   * rows mutually orthogonal), by decreasing variance.
   */
  componentMatrix: Float64Array;
  /**
   * Variance of the training data along each direction (divisor n − 1), length `components`,
   * non-increasing. The randomized solver's values are scikit-learn's estimate σ²/(n − 1)
   * from the SVD on its subspace: at most the variance along the direction, and equal to it
   * (to rounding) once the subspace has converged.
   */
  eigenvalues: Float64Array;
  /** Each direction's share of the total variance, length `components`; sums to ≤ 1. */
  explainedVarianceRatio: Float64Array;
  /** Total variance of the training data (trace of its covariance, divisor n − 1). */
  totalVariance: number;
  /** Output scale per direction: 1/√eigenvalue when whitening, else 1. Length `components`. */
  private scale: Float64Array;
  private isTrainedFlag: boolean;
  /** apply scratch: a centred block of rows (APPLY_BLOCK × dim), allocated on first use. */
  private blockX: Float64Array;
  /** apply scratch: the block's outputs (APPLY_BLOCK × components). */
  private blockY: Float64Array;

  /** @param options - see {@link PcaOptions}. */
  constructor(options: PcaOptions) {
    checkOptions(options, 'Pca');
    checkKnownKeys(options, OPTION_KEYS, 'Pca');
    this.dim = checkDim(options.dim);
    if (typeof options.components === 'number' && Number.isInteger(options.components) && options.components > this.dim) {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        `components = ${options.components} exceeds dim = ${this.dim}: PCA cannot keep more directions than the input has. Use components ≤ ${this.dim}.`,
      );
    }
    this.components = checkInteger('components', options.components, 1, this.dim);
    if (options.whiten !== undefined && typeof options.whiten !== 'boolean') {
      throw new AnnlabError('INVALID_PARAMETER', `whiten must be true or false, got ${String(options.whiten)}.`);
    }
    this.whiten = options.whiten ?? false;
    const solver = options.solver ?? 'auto';
    if (!SOLVERS.includes(solver)) {
      throw new AnnlabError('INVALID_PARAMETER', `solver must be one of 'auto', 'exact', 'randomized', got ${String(solver)}.`);
    }
    this.solver = solver;
    this.seed = checkSeed(options.seed ?? 42);
    this.oversampling = checkInteger('oversampling', options.oversampling ?? 10, 0, 1 << 20);
    const pi = options.powerIterations ?? 'auto';
    this.powerIterations = pi === 'auto' ? 'auto' : checkInteger('powerIterations', pi, 0, 1000);
    this.kernels = checkKernelBackend(options.kernels);
    this.backendUsed = null;
    this.solverUsed = null;
    this.powerIterationsUsed = 0;
    this.nSamples = 0;
    this.mean = new Float64Array(0);
    this.componentMatrix = new Float64Array(0);
    this.eigenvalues = new Float64Array(0);
    this.explainedVarianceRatio = new Float64Array(0);
    this.totalVariance = 0;
    this.scale = new Float64Array(0);
    this.isTrainedFlag = false;
    this.blockX = new Float64Array(0);
    this.blockY = new Float64Array(0);
  }

  /** True once {@link Pca.train} has run. */
  get isTrained(): boolean {
    return this.isTrainedFlag;
  }

  /** Variance along each direction (same as {@link Pca.eigenvalues}; scikit-learn's `explained_variance_`). */
  get explainedVariance(): Float64Array {
    return this.eigenvalues;
  }

  /** Estimated multiply-adds of each solver for n training vectors (what `'auto'` compares). */
  costEstimate(n: number): {
    /** Multiply-adds of the exact solver. */
    exact: number;
    /** Multiply-adds of the randomized solver. */
    randomized: number;
  } {
    const d = this.dim;
    const l = this.subspaceSize();
    const q = this.resolvePowerIterations(n);
    return { exact: (n * d * d) / 2 + 2 * d * d * d, randomized: 2 * (q + 1) * n * d * l };
  }

  private subspaceSize(): number {
    return Math.min(this.dim, this.components + this.oversampling);
  }

  private resolvePowerIterations(n: number): number {
    if (this.powerIterations !== 'auto') return this.powerIterations;
    return this.components < 0.1 * Math.min(n, this.dim) ? 7 : 4;
  }

  /**
   * Learn the mean and principal directions from `n × dim` row-major vectors. Needs
   * n ≥ max(components, 2). Replaces any earlier training; on error nothing changes.
   */
  train(x: Float32Array): void {
    const plan = this.planFit(x);
    const fit = runFitInline(plan.steps, plan.x, plan.n);
    this.adopt(fit, plan.n, plan.solver, plan.q);
    this.backendUsed = fit.backend;
  }

  /**
   * {@link Pca.train} with its passes over the data run in parallel on `options.pool`: a
   * worker pool whose workers run this package's `pcaPassTask` under `PCA_PASS_TASK`, such as
   * `createThreadPool({ threads })` from `@annlab/threads`. The passes are where a fit spends
   * its time: the means, the covariance (exact solver) or the centred Gram matrix, and the
   * randomized solver's products Xc·Q and Xcᵀ·Y, each once per power iteration. Each is cut
   * into fixed chunks of 2,048 rows, one task each; the workers compute the chunks' partial
   * sums and the calling thread adds them in chunk order, exactly as `train` does. So the
   * mean, the directions and the eigenvalues are the same bytes as `train` gives, for any
   * number of workers. The eigensolver and the small l × l problems stay on the calling
   * thread (O(dim³) and O(l²·dim), little beside the passes when n ≫ dim). Memory: the
   * vectors once more in shared memory (n × dim × 4 bytes), plus 2 × threads chunk partials
   * (dim² float64 each for the covariance) and one per worker.
   *
   * Without `pool` this is `train`. Nothing is committed until every pass is back: a failed
   * task rejects the promise and leaves the transform as it was (untrained, or its earlier
   * training).
   */
  async trainAsync(x: Float32Array, options?: PcaTrainAsyncOptions): Promise<void> {
    if (options !== undefined) {
      checkOptions(options, 'Pca.trainAsync options');
      checkKnownKeys(options, ['pool'], 'Pca.trainAsync options');
    }
    if (options?.pool === undefined) {
      this.train(x);
      return;
    }
    const pool = checkTaskPool(options.pool, 'Pca.trainAsync options');
    const plan = this.planFit(x);
    const fit = await runFitOnPool(plan.steps, new PoolPassRunner(pool, plan.x, plan.n, this.dim));
    this.adopt(fit, plan.n, plan.solver, plan.q);
    this.backendUsed = fit.backend;
  }

  /** Check the training vectors, pick the solver, and set up its fit (not started). */
  private planFit(x: Float32Array): { x: Float32Array; n: number; solver: 'exact' | 'randomized'; q: number; steps: FitSteps } {
    const n = checkVectors(x, this.dim, 'training vectors');
    if (n === 0) {
      throw new AnnlabError('EMPTY_INDEX', 'PCA needs training vectors; got an empty batch.');
    }
    if (n < this.components || n < 2) {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        `PCA with components = ${this.components} needs at least ${Math.max(this.components, 2)} training vectors (fewer samples than components), got ${n}. ` +
          `Train on more vectors or lower components.`,
      );
    }
    let solver = this.solver;
    if (solver === 'auto') {
      const cost = this.costEstimate(n);
      solver = cost.exact <= cost.randomized ? 'exact' : 'randomized';
    }
    if (solver === 'exact') {
      return { x: stableInput(x), n, solver, q: 0, steps: exactSteps(n, this.dim, this.components, this.kernels) };
    }
    const q = this.resolvePowerIterations(n);
    const steps = randomizedSteps(n, this.dim, this.components, this.subspaceSize(), q, new Rng(this.seed), this.kernels);
    return { x: stableInput(x), n, solver, q, steps };
  }

  private adopt(fit: PcaFit, n: number, solverUsed: 'exact' | 'randomized', q: number): void {
    const k = this.components;
    this.mean = fit.mean;
    this.componentMatrix = fit.components;
    this.eigenvalues = fit.eigenvalues;
    this.totalVariance = fit.totalVariance;
    this.explainedVarianceRatio = new Float64Array(k);
    this.scale = new Float64Array(k);
    const top = fit.eigenvalues[0];
    for (let c = 0; c < k; c++) {
      const ev = fit.eigenvalues[c];
      this.explainedVarianceRatio[c] = fit.totalVariance > 0 ? ev / fit.totalVariance : 0;
      this.scale[c] = this.whiten && ev > top * WHITEN_FLOOR && ev > 0 ? 1 / Math.sqrt(ev) : 1;
    }
    this.solverUsed = solverUsed;
    this.powerIterationsUsed = q;
    this.nSamples = n;
    this.isTrainedFlag = true;
  }

  private checkTrained(what: string): void {
    if (!this.isTrainedFlag) {
      throw new AnnlabError('NOT_TRAINED', `Pca.${what} needs a trained transform: call train(vectors) first.`);
    }
  }

  /**
   * Project `n × dim` vectors onto the principal directions: `n × components` outputs,
   * y_c = ⟨x − mean, w_c⟩ (divided by √λ_c when whitening).
   */
  apply(x: Float32Array): Float32Array {
    this.checkTrained('apply');
    const n = checkVectors(x, this.dim, 'vectors');
    const out = new Float32Array(n * this.components);
    this.applyInto(stableInput(x), n, out, true);
    return out;
  }

  /**
   * The projection without validation, into caller-owned output (`n × components` at 0).
   * With `center` false the mean is not subtracted: y_c = ⟨x, w_c⟩ (scaled when whitening),
   * the map an inner-product search applies to its queries.
   */
  applyInto(x: Float32Array, n: number, out: Float32Array, center: boolean): void {
    const dim = this.dim;
    const k = this.components;
    const mean = this.mean;
    const w = this.componentMatrix;
    const scale = this.scale;
    if (this.blockX.length < Math.min(APPLY_BLOCK, n) * dim) {
      this.blockX = new Float64Array(APPLY_BLOCK * dim);
      this.blockY = new Float64Array(APPLY_BLOCK * k);
    }
    const xc = this.blockX;
    const y = this.blockY;
    for (let r0 = 0; r0 < n; r0 += APPLY_BLOCK) {
      const rows = Math.min(APPLY_BLOCK, n - r0);
      for (let r = 0; r < rows; r++) {
        const src = (r0 + r) * dim;
        const dst = r * dim;
        if (center) for (let j = 0; j < dim; j++) xc[dst + j] = x[src + j] - mean[j];
        else for (let j = 0; j < dim; j++) xc[dst + j] = x[src + j];
      }
      y.fill(0, 0, rows * k);
      gemmNT(xc, 0, rows, w, 0, k, dim, y, 0, k);
      for (let r = 0; r < rows; r++) {
        const o = (r0 + r) * k;
        for (let c = 0; c < k; c++) out[o + c] = y[r * k + c] * scale[c];
      }
    }
  }

  /**
   * Map `n × components` outputs back to `n × dim` input space: x̂ = mean + Σ_c y_c·w_c
   * (undoing the whitening scale). Exact (to rounding) when components = dim; otherwise the
   * closest point to the original within the kept subspace.
   */
  reconstruct(y: Float32Array): Float32Array {
    this.checkTrained('reconstruct');
    const k = this.components;
    const dim = this.dim;
    const n = checkVectors(y, k, 'PCA outputs');
    y = stableInput(y);
    const out = new Float32Array(n * dim);
    const row = new Float64Array(dim);
    const w = this.componentMatrix;
    for (let i = 0; i < n; i++) {
      row.set(this.mean);
      for (let c = 0; c < k; c++) {
        const coef = y[i * k + c] / this.scale[c];
        const oc = c * dim;
        for (let j = 0; j < dim; j++) row[j] += coef * w[oc + j];
      }
      out.set(row, i * dim);
    }
    return out;
  }

  /** Output scale per direction (1/√eigenvalue when whitening, else 1), length `components`; a copy. */
  outputScale(): Float64Array {
    return Float64Array.from(this.scale);
  }

  /**
   * Bytes the trained transform uses: 8·dim (mean) + 8·components·dim (directions) +
   * 3 × 8·components (eigenvalues, explained-variance ratios, output scales), all float64;
   * no training scratch.
   */
  usedBytes(): number {
    return (
      this.mean.byteLength +
      this.componentMatrix.byteLength +
      this.eigenvalues.byteLength +
      this.explainedVarianceRatio.byteLength +
      this.scale.byteLength
    );
  }

  /** Bytes held by the transform's typed arrays, its block scratch included (see {@link Pca.usedBytes}). */
  memoryBytes(): number {
    return (
      this.mean.byteLength +
      this.componentMatrix.byteLength +
      this.eigenvalues.byteLength +
      this.explainedVarianceRatio.byteLength +
      this.scale.byteLength +
      this.blockX.byteLength +
      this.blockY.byteLength
    );
  }

  /** The transform as an annlab file: options, training facts, then mean, directions, eigenvalues (float64). */
  serialize(): Uint8Array {
    const w = new BinaryWriter(Pca.TAG, Pca.FORMAT_VERSION);
    const params: PcaFileParams = {
      dim: this.dim,
      components: this.components,
      whiten: this.whiten,
      solver: this.solver,
      seed: this.seed,
      oversampling: this.oversampling,
      powerIterations: this.powerIterations,
      trained: this.isTrainedFlag,
      solverUsed: this.solverUsed,
      powerIterationsUsed: this.powerIterationsUsed,
      nSamples: this.nSamples,
      totalVariance: this.totalVariance,
    };
    w.json(params);
    w.array(this.mean);
    w.array(this.componentMatrix);
    w.array(this.eigenvalues);
    return w.finish();
  }

  /**
   * Load a transform written by {@link Pca.serialize}; damaged or foreign bytes throw
   * `AnnlabError`. Beyond the container's checks, the stored transform must be one `train`
   * could have produced: mean within the stored-vector range, unit-length directions,
   * eigenvalues non-negative and non-increasing, training facts in range; otherwise
   * `CORRUPT_DATA` naming the field.
   */
  static deserialize(bytes: Uint8Array): Pca {
    const r = BinaryReader.open(bytes, Pca.TAG);
    r.expectVersion(Pca.FORMAT_VERSION);
    const record = r.json<unknown>();
    if (record === null || typeof record !== 'object' || Array.isArray(record)) throw corrupt('the parameter record is not an object');
    const p = record as Partial<PcaFileParams>;
    let pca: Pca;
    try {
      pca = new Pca({
        dim: p.dim as number,
        components: p.components as number,
        whiten: p.whiten,
        solver: p.solver,
        seed: p.seed,
        oversampling: p.oversampling,
        powerIterations: p.powerIterations,
      });
    } catch (e) {
      throw new AnnlabError('CORRUPT_DATA', `PCA file has invalid parameters: ${(e as Error).message}`, { cause: e });
    }
    if (p.trained !== true && p.trained !== false) throw corrupt(`trained is ${JSON.stringify(p.trained)}, not true or false`);
    const trained = p.trained;
    const mean = r.f64array(trained ? pca.dim : 0);
    const comps = r.f64array(trained ? pca.dim * pca.components : 0);
    const eig = r.f64array(trained ? pca.components : 0);
    r.finish();
    if (trained) {
      const facts = checkTrainingFacts(p, pca.components);
      checkTransform(mean, comps, eig, pca.dim, pca.components, facts.totalVariance);
      pca.adopt(
        {
          mean: Float64Array.from(mean),
          components: Float64Array.from(comps),
          eigenvalues: Float64Array.from(eig),
          totalVariance: facts.totalVariance,
          backend: 'js',
        },
        facts.nSamples,
        facts.solverUsed,
        facts.powerIterationsUsed,
      );
    }
    return pca;
  }
}

/** A `CORRUPT_DATA` error about a PCA file. */
function corrupt(message: string): AnnlabError {
  return new AnnlabError('CORRUPT_DATA', `PCA file is inconsistent: ${message}.`);
}

/** The training facts of a trained transform's record, each checked. */
function checkTrainingFacts(
  p: Partial<PcaFileParams>,
  components: number,
): { solverUsed: 'exact' | 'randomized'; nSamples: number; powerIterationsUsed: number; totalVariance: number } {
  const { solverUsed, nSamples, powerIterationsUsed, totalVariance } = p;
  if (solverUsed !== 'exact' && solverUsed !== 'randomized') throw corrupt(`solverUsed is ${JSON.stringify(solverUsed)}`);
  if (typeof nSamples !== 'number' || !Number.isSafeInteger(nSamples) || nSamples < Math.max(2, components)) {
    throw corrupt(`nSamples is ${JSON.stringify(nSamples)}; training needs an integer ≥ max(2, components = ${components})`);
  }
  if (
    typeof powerIterationsUsed !== 'number' ||
    !Number.isInteger(powerIterationsUsed) ||
    powerIterationsUsed < 0 ||
    powerIterationsUsed > 1000
  ) {
    throw corrupt(`powerIterationsUsed is ${JSON.stringify(powerIterationsUsed)}, not an integer in [0, 1000]`);
  }
  if (typeof totalVariance !== 'number' || !Number.isFinite(totalVariance) || totalVariance < 0) {
    throw corrupt(`totalVariance is ${JSON.stringify(totalVariance)}, not a finite number ≥ 0`);
  }
  return { solverUsed, nSamples, powerIterationsUsed, totalVariance };
}

/**
 * Check a stored transform: |mean| within the range stored vectors may have, each direction
 * of unit length, eigenvalues ≥ 0, non-increasing, summing to at most the total variance.
 */
function checkTransform(mean: Float64Array, comps: Float64Array, eig: Float64Array, dim: number, k: number, totalVariance: number): void {
  for (let j = 0; j < dim; j++) {
    if (!(Math.abs(mean[j]) <= MAX_ABS_COMPONENT)) throw corrupt(`mean[${j}] is ${mean[j]}, outside ±${MAX_ABS_COMPONENT}`);
  }
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += comps[c * dim + j] * comps[c * dim + j];
    if (!(Math.abs(Math.sqrt(s) - 1) <= UNIT_TOLERANCE))
      throw corrupt(`direction ${c} of componentMatrix has length ${Math.sqrt(s)}, not 1`);
  }
  let sum = 0;
  for (let c = 0; c < k; c++) {
    if (!(eig[c] >= 0)) throw corrupt(`eigenvalues[${c}] is ${eig[c]}, below 0`);
    if (c > 0 && eig[c] > eig[c - 1]) throw corrupt(`eigenvalues[${c}] = ${eig[c]} exceeds eigenvalues[${c - 1}] = ${eig[c - 1]}`);
    sum += eig[c];
  }
  if (sum > totalVariance * (1 + UNIT_TOLERANCE) + Number.MIN_VALUE) {
    throw corrupt(`the eigenvalues sum to ${sum}, more than the total variance ${totalVariance}`);
  }
}
