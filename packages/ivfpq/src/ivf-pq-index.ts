/**
 * IVF-PQ (IVFADC): an inverted file whose lists hold product-quantization codes instead of
 * vectors. A coarse k-means quantizer assigns each vector to one of `nlist` lists; the
 * residual (vector minus its list's centroid) is encoded by a product quantizer into `m`
 * bytes. A query picks its `nprobe` nearest lists and scores every code in them with
 * asymmetric distance computation (ADC: table lookups, no decoding). Optionally, the best
 * `k × rerank` candidates are re-scored exactly against stored full vectors (FAISS's
 * `IndexRefineFlat`), which buys back most of the recall the compression loses at the cost
 * of keeping the vectors in memory.
 *
 * Reference: H. Jégou, M. Douze, C. Schmid, "Product quantization for nearest neighbor
 * search", IEEE TPAMI 33(1), 2011: Section III.A (ADC), Section IV (IVFADC: coarse
 * quantizer, residual encoding, Fig. 5 / Eq. 19–21). FAISS `IndexIVFPQ` (with its
 * precomputed tables) and `IndexRefineFlat` as the reference behaviour.
 *
 * Map:
 * - coarse quantizer q_c and residual product quantizer q_p (Sec. IV.A–B) → {@link IvfPqIndex.train}
 * - indexing: assign to q_c, encode r(y) = y − q_c(y), append (id, code) to the list → {@link IvfPqIndex.add}
 * - search: w = nprobe nearest cells, ADC on the residuals (Sec. IV.C) → {@link IvfPqIndex.searchInto},
 *   the table per list as derived below, the scan in `scanCodes`
 * - re-ranking (not in the paper; FAISS `IndexRefineFlat`) → the `rerank` search parameter, done
 *   by core's `Refiner`
 * - one query recorded for teaching (probes, their distances and sizes) → {@link IvfPqIndex.explain}
 *
 * Two implementations of the search, chosen by the `kernels` option: the TypeScript loops in
 * this file and `internal/adc-scan.ts` (`kernels: 'js'`, the readable reference), and on the
 * SIMD backend one WebAssembly call per query (`assembly/ivf.ts`: coarse ranking, table
 * build, code scan with its top-k heap, exact re-rank) over the index's own memory
 * (`internal/ivf-wasm.ts`), where `listIds`, `listOffsets`, `listCodes`, `precomputed` and
 * the kept vectors then live. Both compute the same distances in the same order on the same
 * backend (test/ivf-wasm.test.ts).
 *
 * Deviations: cosine and inner product use spherical k-means for the coarse quantizer; for
 * them the residual trick needs no precomputed table (see the derivation below).
 *
 * @module
 */
import {
  AnnlabError,
  BinaryWriter,
  DistanceComputer,
  MaxHeap,
  Refiner,
  VectorStore,
  asCorruptData,
  checkDim,
  checkId,
  beginAdd,
  checkAddOptions,
  checkInteger,
  checkK,
  checkKnownKeys,
  checkMetric,
  checkOptions,
  checkSeed,
  checkVectors,
  createSearchResult,
  dotRange,
  drainToRow,
  metricPolicy,
  offsetSeed,
  resolveKernelBackend,
  Rng,
  stableInput,
  type AddOptions,
  type Explainable,
  type IndexClass,
  type IndexOptions,
  type KernelBackend,
  type LoadOptions,
  type MemoryReport,
  type Metric,
  type MetricPolicy,
  type ProgressCallback,
  type Reconstructible,
  type SearchParams,
  type SearchResult,
  type TrainableIndex,
  splitPoolOptions,
} from '@annlab/core';
import type { KMeansInit } from './kmeans.js';
import { explainProbes, type IvfExplanation } from './ivf-explanation.js';
import { ProductQuantizer } from './product-quantizer.js';
import { centroidStore, selectProbes } from './internal/assign.js';
import { scanCodes, scanCodesTwoTables } from './internal/adc-scan.js';
import {
  addedWhileTraining,
  assignCoarse,
  checkCoarseOptions,
  preparedCopy,
  trainCoarse,
  trainCoarseAsync,
  type CoarseOptions,
  type IvfTrainAsyncOptions,
} from './internal/coarse.js';
import { planListMerge } from './internal/inverted-lists.js';
import { IvfWasm } from './internal/ivf-wasm.js';
import {
  checkCoarseSections,
  checkExplainQuery,
  checkProbeParams,
  checkStoredRange,
  checkStoredRows,
  corrupt,
  expectLength,
  intField,
  listSizesOf,
  openIvfFile,
} from './internal/ivf-common.js';

/** Options for {@link IvfPqIndex}. */
export interface IvfPqIndexOptions extends IndexOptions {
  /**
   * Number of inverted lists (coarse k-means cells). More lists: shorter lists to scan at
   * equal nprobe, but more centroids to compare per query and a longer training.
   * @defaultValue 256
   */
  nlist?: number;
  /**
   * Sub-quantizers, i.e. bytes per code (required; must divide dim). More bytes per vector
   * give more accurate ADC distances (higher recall) and a slower scan (m lookups per
   * candidate).
   */
  m: number;
  /**
   * Bits per sub-quantizer code, 1–8 (ksub = 2^nbits centroids per sub-space).
   * @defaultValue 8
   */
  nbits?: number;
  /**
   * Coarse k-means iterations.
   * @defaultValue 10 (FAISS's IVF default)
   */
  niter?: number;
  /**
   * k-means iterations per sub-quantizer.
   * @defaultValue 25 (FAISS's PQ default)
   */
  pqNiter?: number;
  /**
   * Coarse k-means initialisation (see {@link KMeansInit}).
   * @defaultValue `'random'`
   */
  init?: KMeansInit;
  /**
   * k-means training sets above `clusters × maxPointsPerCentroid` vectors are subsampled
   * (coarse and PQ alike).
   * @defaultValue 256
   */
  maxPointsPerCentroid?: number;
  /**
   * Encode residuals against the coarse centroid (IVFADC) rather than the raw vectors. The
   * residuals are smaller and more alike across lists, so the same m bytes quantize them
   * far more accurately (higher recall at equal memory).
   * @defaultValue true
   */
  byResidual?: boolean;
  /**
   * Keep the full vectors (4·dim bytes per vector, in a core VectorStore) so searches can
   * re-rank candidates exactly with the `rerank` parameter (FAISS's `IndexRefineFlat`).
   * @defaultValue false
   */
  keepVectors?: boolean;
  /**
   * Euclidean with residuals: precompute the query-independent term of the distance
   * (nlist × m × ksub float32 values, see the derivation in `searchInto`) when it takes at
   * most this many bytes. Saves about dim × ksub multiply-adds per probed list; 0 disables.
   * @defaultValue 134217728 (128 MiB)
   */
  precomputedTableMaxBytes?: number;
  /** Receives training warnings (too few training vectors); see also {@link IvfPqIndex.warnings}. */
  onWarning?: (message: string) => void;
}

/** Search parameters for {@link IvfPqIndex}. */
export interface IvfPqSearchParams extends SearchParams {
  /**
   * Lists to scan per query, in [1, nlist] (larger values are clamped). Query time grows
   * about linearly with it; recall rises, up to the limit the codes allow.
   * @defaultValue 1
   */
  nprobe?: number;
  /**
   * Re-rank factor: when ≥ 1, the best `k × rerank` candidates by ADC distance are re-scored
   * exactly against the stored vectors (needs `keepVectors: true`) and the k best of those
   * returned, with exact distances. 0 returns ADC estimates. Typical: 2–20; cost is
   * `k × rerank` exact distance computations per query.
   * @defaultValue 0
   */
  rerank?: number;
}

const OPTION_KEYS = [
  'dim',
  'metric',
  'seed',
  'kernels',
  'nlist',
  'm',
  'nbits',
  'niter',
  'pqNiter',
  'init',
  'maxPointsPerCentroid',
  'byResidual',
  'keepVectors',
  'precomputedTableMaxBytes',
  'onWarning',
] as const;
const SEARCH_KEYS = ['stats', 'nprobe', 'rerank'] as const;

/**
 * How a query's ADC tables are formed (chosen once per index; see `searchInto`). The values
 * are shared with `assembly/ivf.ts` (its `mode`).
 */
enum TableMode {
  /** Euclidean, residuals, precomputed term 2: one ⟨q_j, c⟩ table per query, one add per entry per list. */
  L2Precomputed = 0,
  /** Euclidean, residuals, no precomputed table: a full L2 table of the query's residual per list. */
  L2PerList = 1,
  /** Euclidean on raw vectors: one L2 table per query. */
  L2Raw = 2,
  /** Cosine / inner product: one −⟨q_j, c⟩ table per query, a per-list constant. */
  Dot = 3,
}

/** The parameters written to a file. */
interface IvfPqFileParams {
  dim: number;
  metric: Metric;
  seed: number;
  nlist: number;
  m: number;
  nbits: number;
  niter: number;
  pqNiter: number;
  init: KMeansInit;
  maxPointsPerCentroid: number;
  byResidual: boolean;
  keepVectors: boolean;
  precomputedTableMaxBytes: number;
  trained: boolean;
}

/** Rows per chunk when encoding during `add` (bounds the residual scratch). */
const ENCODE_CHUNK = 4096;

/**
 * Inverted file with product-quantized residuals and optional exact re-ranking; see the module doc.
 *
 * @example
 * ```ts
 * import { IvfPqIndex } from '@annlab/ivfpq';
 * import { Rng } from '@annlab/core';
 *
 * const dim = 32;
 * const rng = new Rng(1); // seeded, as annlab's own builds are
 * const vectors = Float32Array.from({ length: 1000 * dim }, () => rng.nextFloat());
 * const index = new IvfPqIndex({ dim, metric: 'euclidean', nlist: 16, m: 8, nbits: 4, keepVectors: true, seed: 1 });
 * index.add(vectors);                                  // the first add trains, then encodes (8 codes of 4 bits each)
 * const queries = vectors.subarray(0, 5 * dim);
 * const r = index.search(queries, 10, { nprobe: 4, rerank: 4 }); // 40 PQ candidates re-ranked exactly
 * const again = IvfPqIndex.deserialize(index.serialize());
 * again.search(queries, 10, { nprobe: 4, rerank: 4 }); // identical to r
 * ```
 */
export class IvfPqIndex
  implements TrainableIndex<IvfPqSearchParams>, Reconstructible, Explainable<IvfPqSearchParams, IvfExplanation>, MemoryReport
{
  /** Algorithm tag in serialized files. */
  static readonly TAG: string = 'ivfpq';
  /** Format version written by {@link IvfPqIndex.serialize}. */
  static readonly FORMAT_VERSION: number = 1;

  /** Vector dimension. */
  readonly dim: number;
  /** Distance searched by. */
  readonly metric: Metric;
  /** Seed for training. */
  readonly seed: number;
  /** Number of inverted lists. */
  readonly nlist: number;
  /** Sub-quantizers (bytes per code). */
  readonly m: number;
  /** Bits per sub-quantizer code. */
  readonly nbits: number;
  /** Coarse k-means iterations. */
  readonly niter: number;
  /** Coarse k-means initialisation. */
  readonly init: KMeansInit;
  /** k-means subsampling cap per centroid. */
  readonly maxPointsPerCentroid: number;
  /** Whether residuals (not raw vectors) are encoded. */
  readonly byResidual: boolean;
  /** Whether full vectors are kept for re-ranking. */
  readonly keepVectors: boolean;
  /** Size cap of the precomputed term-2 table. */
  readonly precomputedTableMaxBytes: number;
  /** Coarse centroids: a store of `nlist` rows (unit length for cosine / inner product) once trained. */
  readonly centroids: VectorStore;
  /** The product quantizer (codebooks layout (m, ksub, dsub)). */
  readonly pq: ProductQuantizer;
  /** CSR list boundaries, length nlist + 1: list l is slots [listOffsets[l], listOffsets[l+1]). */
  listOffsets: Int32Array;
  /** Id in each slot, length `size`, grouped by list, increasing within a list. */
  listIds: Int32Array;
  /** Codes in slot order, length `size × m`: slot s's code is bytes [s·m, s·m + m). */
  listCodes: Uint8Array;
  /**
   * Full vectors in id order (normalised for cosine) when `keepVectors`, else null. On the
   * SIMD backend its rows (like `listIds`, `listCodes` and `precomputed`) are a view of the
   * WebAssembly search memory, re-taken whenever the lists change: re-read after `add`.
   */
  readonly vectors: VectorStore | null;
  /**
   * Precomputed term 2 for Euclidean residual search, length nlist·m·ksub, layout
   * (list, j, c): ‖r_jc‖² + 2⟨centroid_l,j, r_jc⟩; null when not used.
   */
  precomputed: Float32Array | null;
  /** Warnings from training. */
  warnings: string[];
  /** True once trained. */
  isTrained: boolean;

  private readonly kernels: KernelBackend | undefined;
  /** Whether searches run in WebAssembly (the SIMD backend); see {@link IvfPqIndex.fused}. */
  private readonly wasmSearch: boolean;
  /** The WebAssembly search memory once trained on the SIMD backend; null: the TypeScript loops search. */
  private fused: IvfWasm | null;
  /** {@link IvfWasm.generation} the public views were taken at. */
  private fusedGeneration: number;
  private readonly policy: MetricPolicy;
  private readonly coarse: CoarseOptions;
  private readonly centroidDc: DistanceComputer;
  /** Exact re-ranking against `vectors` (null without `keepVectors`). */
  private readonly refiner: Refiner | null;
  private mode: TableMode;
  private readonly heap: MaxHeap;
  private readonly probeHeap: MaxHeap;
  private readonly centroidDist: Float64Array;
  private readonly probeLists: Int32Array;
  private readonly probeDist: Float64Array;
  /** Per-query table (m × ksub) and per-list table (m × ksub). */
  private readonly queryTable: Float64Array;
  private readonly listTable: Float64Array;
  /** Query residual scratch, length dim. */
  private readonly residual: Float32Array;
  /** Re-rank scratch: the ADC candidates drained from the heap (grown on demand). */
  private candIds: Int32Array;
  private candDist: Float64Array;

  /** @param options - see {@link IvfPqIndexOptions}; `dim` and `m` are required. */
  constructor(options: IvfPqIndexOptions) {
    checkOptions(options, 'IvfPqIndex');
    checkKnownKeys(options, OPTION_KEYS, 'IvfPqIndex');
    this.dim = checkDim(options.dim);
    this.metric = checkMetric(options.metric);
    this.seed = checkSeed(options.seed ?? 42);
    this.coarse = checkCoarseOptions(options, { nlist: 256, niter: 10 });
    this.nlist = this.coarse.nlist;
    this.niter = this.coarse.niter;
    this.init = this.coarse.init;
    this.maxPointsPerCentroid = this.coarse.maxPointsPerCentroid;
    if (options.m === undefined) {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        `IvfPqIndex needs m, the number of sub-quantizers (bytes per code), a divisor of dim = ${this.dim}.`,
      );
    }
    this.pq = new ProductQuantizer({
      dim: this.dim,
      m: options.m,
      nbits: options.nbits ?? 8,
      niter: options.pqNiter ?? 25,
      maxPointsPerCentroid: this.maxPointsPerCentroid,
      seed: offsetSeed(this.seed, 1),
      onWarning: options.onWarning,
      kernels: options.kernels,
    });
    this.m = this.pq.m;
    this.nbits = this.pq.nbits;
    this.byResidual = checkBoolean('byResidual', options.byResidual, true);
    this.keepVectors = checkBoolean('keepVectors', options.keepVectors, false);
    this.precomputedTableMaxBytes = checkInteger('precomputedTableMaxBytes', options.precomputedTableMaxBytes ?? 128 * 1024 * 1024, 0);
    this.kernels = options.kernels;
    this.wasmSearch = resolveKernelBackend(options.kernels) === 'simd';
    this.fused = null;
    this.fusedGeneration = 0;
    this.policy = metricPolicy(this.metric);
    this.centroids = new VectorStore(this.dim, { kernels: options.kernels });
    this.listOffsets = new Int32Array(this.nlist + 1);
    this.listIds = new Int32Array(0);
    this.listCodes = new Uint8Array(0);
    // On the SIMD backend the kept vectors live in the search memory (the store is a plain view of it).
    const vectorKernels = this.wasmSearch ? 'js' : options.kernels;
    this.vectors = this.keepVectors ? new VectorStore(this.dim, { normalize: this.policy.normalize, kernels: vectorKernels }) : null;
    this.precomputed = null;
    this.warnings = [];
    this.isTrained = false;
    this.centroidDc = new DistanceComputer(this.centroids, this.policy);
    this.refiner = this.vectors !== null ? new Refiner(this.vectors, this.policy) : null;
    this.mode = this.policy.kind === 'dot' ? TableMode.Dot : this.byResidual ? TableMode.L2PerList : TableMode.L2Raw;
    this.heap = new MaxHeap(16);
    this.probeHeap = new MaxHeap(this.nlist);
    this.centroidDist = new Float64Array(this.nlist);
    this.probeLists = new Int32Array(this.nlist);
    this.probeDist = new Float64Array(this.nlist);
    const mk = this.m * this.pq.ksub;
    this.queryTable = new Float64Array(mk);
    this.listTable = new Float64Array(mk);
    this.residual = new Float32Array(this.dim);
    this.candIds = new Int32Array(16);
    this.candDist = new Float64Array(16);
  }

  /** Number of stored vectors. */
  get size(): number {
    return this.listIds.length;
  }

  /**
   * Learn the coarse centroids (k-means, n ≥ nlist) and the product quantizer (on the
   * residuals of a sample of at most ksub × maxPointsPerCentroid vectors) from `n × dim`
   * vectors. Refused once the index holds vectors.
   *
   * @param options - `onProgress(done, total)` after each k-means iteration: `total = niter +
   *   m × pqNiter` (coarse, then each sub-quantizer). Training commits only at the end: a
   *   callback that throws leaves the index as it was before the call.
   */
  train(vectors: Float32Array, options?: AddOptions): void {
    const n = checkVectors(vectors, this.dim, 'training vectors');
    const onProgress = checkAddOptions(options, 'IvfPqIndex.train options');
    if (this.size > 0) {
      throw new AnnlabError('UNSUPPORTED_OPERATION', 'IvfPqIndex is already trained and holds vectors; build a new index to retrain.');
    }
    this.trainRows(vectors, n, onProgress, this.trainingSteps());
  }

  /** k-means iterations of a training: coarse `niter`, then `pqNiter` per sub-quantizer. */
  private trainingSteps(): number {
    return this.niter + this.m * this.pq.niter;
  }

  /**
   * {@link IvfPqIndex.train} with the k-means assignment steps (coarse quantizer, then each
   * sub-quantizer) on `options.pool`, a worker pool such as `createThreadPool({ threads })`
   * from `@annlab/threads` (see `KMeans.trainAsync`): centroids, codebooks and the file are
   * the same bytes for any number of workers, and training time falls about linearly with
   * them. Without `pool` this is `train`. A failed task or a throwing callback rejects the
   * promise and leaves the index as it was; do not add to the index while it trains.
   */
  async trainAsync(vectors: Float32Array, options?: IvfTrainAsyncOptions): Promise<void> {
    const { pool, rest: trainOptions } = splitPoolOptions(options, ['onProgress', 'pool'], 'IvfPqIndex.trainAsync options');
    if (pool === undefined) {
      this.train(vectors, trainOptions);
      return;
    }
    const n = checkVectors(vectors, this.dim, 'training vectors');
    const onProgress = checkAddOptions(trainOptions, 'IvfPqIndex.trainAsync options');
    const busy = (): boolean => this.size > 0;
    if (busy()) {
      throw new AnnlabError('UNSUPPORTED_OPERATION', 'IvfPqIndex is already trained and holds vectors; build a new index to retrain.');
    }
    const total = this.trainingSteps();
    const x = preparedCopy(stableInput(vectors), n, this.dim, this.policy);
    const progress = onProgress === null ? null : (done: number) => onProgress(done, total);
    const { centroids, warnings } = await trainCoarseAsync(x, this.dim, this.policy, this.coarse, this.seed, this.kernels, progress, pool);
    if (busy()) throw addedWhileTraining('IvfPqIndex');
    const pqOptions = this.pqProgress(onProgress, total);
    await this.pq.trainAsync(this.pqTrainingInput(x, n, centroids), pqOptions === undefined ? { pool } : { ...pqOptions, pool });
    if (busy()) throw addedWhileTraining('IvfPqIndex');
    this.commitTraining(centroids, warnings);
  }

  /** Train on `n` validated rows, reporting each k-means iteration as `onProgress(done, total)`. */
  private trainRows(vectors: Float32Array, n: number, onProgress: ProgressCallback | null, total: number): void {
    const dim = this.dim;
    const x = preparedCopy(stableInput(vectors), n, dim, this.policy);
    const { centroids, warnings } = trainCoarse(
      x,
      dim,
      this.policy,
      this.coarse,
      this.seed,
      this.kernels,
      onProgress === null ? null : (done) => onProgress(done, total),
    );
    this.pq.train(this.pqTrainingInput(x, n, centroids), this.pqProgress(onProgress, total));
    this.commitTraining(centroids, warnings);
  }

  /** The product quantizer's progress options: its steps counted after the coarse `niter`. */
  private pqProgress(onProgress: ProgressCallback | null, total: number): AddOptions | undefined {
    const coarseSteps = this.niter;
    return onProgress === null ? undefined : { onProgress: (done) => onProgress(coarseSteps + done, total) };
  }

  /** The product quantizer's training vectors: a sample of the `n` prepared rows `x`, as residuals when by residual. */
  private pqTrainingInput(x: Float32Array, n: number, centroids: Float32Array): Float32Array {
    const dim = this.dim;
    // PQ training sample: its k-means would subsample to this many anyway; taking the sample
    // first bounds the residual copy's memory.
    const cap = this.pq.ksub * this.maxPointsPerCentroid;
    let sample = x;
    let ns = n;
    if (n > cap) {
      const pick = new Rng(offsetSeed(this.seed, 2)).sample(n, cap).sort();
      sample = new Float32Array(cap * dim);
      for (let i = 0; i < cap; i++) sample.set(x.subarray(pick[i] * dim, pick[i] * dim + dim), i * dim);
      ns = cap;
    }
    return this.byResidual ? residualsOf(sample, ns, dim, centroids, this.nlist, this.policy, this.kernels) : sample;
  }

  /** Take the trained coarse centroids (the product quantizer is trained already). */
  private commitTraining(centroids: Float32Array, warnings: string[]): void {
    this.centroids.truncate(0);
    this.centroids.append(centroids);
    this.warnings = warnings.concat(this.pq.warnings);
    this.setupTables();
    this.isTrained = true;
    this.layOut();
  }

  /**
   * On the SIMD backend, copy what a query reads (centroids, CSR lists, codes, codebooks, the
   * precomputed table, the kept vectors) into a fresh search memory and make `listOffsets`,
   * `listIds`, `listCodes`, `precomputed` and `vectors.data` views of it; a no-op on the
   * `'js'` backend. Called whenever the lists change (train, add, load).
   */
  private layOut(): void {
    this.fused = null;
    if (!this.wasmSearch || !this.isTrained) return;
    const size = this.size;
    const kept = this.vectors !== null ? this.vectors.size : 0;
    const pre = this.precomputed;
    const w = IvfWasm.create({
      dim: this.dim,
      nlist: this.nlist,
      size,
      isDot: this.policy.kind === 'dot',
      bias: this.policy.bias,
      rows: kept,
      pq: { m: this.m, ksub: this.pq.ksub, mode: this.mode, byResidual: this.byResidual, precomputed: pre !== null },
    });
    if (w === null) return; // past 4 GiB: the TypeScript loops search the plain arrays
    w.centroids().set(this.centroids.view());
    w.offsets().set(this.listOffsets);
    w.ids().set(this.listIds);
    w.codes().set(this.listCodes);
    w.codebooks().set(this.pq.centroids);
    if (pre !== null) w.precomputed().set(pre);
    if (this.vectors !== null) w.rows().set(this.vectors.view());
    this.fused = w;
    this.takeViews(w);
  }

  /** Point the public arrays at the search memory (again after it grew). */
  private takeViews(w: IvfWasm): void {
    this.listOffsets = w.offsets();
    this.listIds = w.ids();
    this.listCodes = w.codes();
    if (this.precomputed !== null) this.precomputed = w.precomputed();
    if (this.vectors !== null) this.vectors.data = w.rows();
    this.fusedGeneration = w.generation;
  }

  /**
   * Make the WebAssembly search ready for `entries` heap entries (k, or k × rerank), growing
   * its heap; the public views are re-taken if that moved the memory.
   * @returns the search memory, or null when the TypeScript loops must search.
   */
  private readyFused(entries: number): IvfWasm | null {
    const w = this.fused;
    if (w === null) return null;
    if (!w.ensureHeap(entries)) return null;
    if (w.generation !== this.fusedGeneration) this.takeViews(w);
    return w;
  }

  /** Choose the table mode and (Euclidean residual search) compute the precomputed term 2. */
  private setupTables(): void {
    this.precomputed = null;
    if (this.policy.kind === 'dot') {
      this.mode = TableMode.Dot;
      return;
    }
    if (!this.byResidual) {
      this.mode = TableMode.L2Raw;
      return;
    }
    const { nlist, m, dim } = this;
    const { ksub, dsub } = this.pq;
    if (nlist * m * ksub * 4 > this.precomputedTableMaxBytes) {
      this.mode = TableMode.L2PerList;
      return;
    }
    const pqc = this.pq.centroids;
    const cen = this.centroids.data;
    const norms = new Float64Array(m * ksub);
    for (let i = 0; i < m * ksub; i++) {
      let s = 0;
      for (let t = 0; t < dsub; t++) s += pqc[i * dsub + t] * pqc[i * dsub + t];
      norms[i] = s;
    }
    let table: Float32Array;
    try {
      table = new Float32Array(nlist * m * ksub);
    } catch {
      // The runtime refused the allocation (a cap raised past what it can give): per-list tables.
      this.mode = TableMode.L2PerList;
      return;
    }
    const negDot = new Float64Array(ksub);
    for (let l = 0; l < nlist; l++) {
      for (let j = 0; j < m; j++) {
        dotRange(cen, l * dim + j * dsub, pqc, j * ksub, ksub, dsub, 0, negDot, 0);
        const o = (l * m + j) * ksub;
        for (let c = 0; c < ksub; c++) table[o + c] = norms[j * ksub + c] - 2 * negDot[c];
      }
    }
    this.precomputed = table;
    this.mode = TableMode.L2Precomputed;
  }

  /**
   * Add `n × dim` vectors; ids continue from `size`. Trains on them first if the index is
   * untrained. Nothing changes if any value is invalid.
   *
   * `options.onProgress(done, total)` counts the k-means iterations when this call trains
   * (`niter + m × pqNiter` steps), then the vectors assigned to their lists, then the vectors
   * encoded: `total = steps + 2n`, a call about every 2,048–4,096 vectors (core's
   * `PROGRESS_EVERY`, the encoding chunk) and at the end. The lists are rebuilt in one step
   * after every vector is encoded, so a callback that throws leaves the index as it was
   * before the call (untrained again if this call trained it).
   */
  add(vectors: Float32Array, options?: AddOptions): void {
    const { n, onProgress } = beginAdd(vectors, this.dim, options, 'IvfPqIndex.add options');
    if (n === 0) return;
    vectors = stableInput(vectors); // a view of one of this index's stores would detach as it grows
    const trains = !this.isTrained;
    const steps = trains ? this.trainingSteps() : 0;
    const work = steps + 2 * n;
    if (trains) this.trainRows(vectors, n, onProgress, work);
    try {
      this.addTrained(vectors, n, onProgress, steps, work);
    } catch (e) {
      // Only a throwing callback gets here: nothing is committed but the training of this call.
      if (trains) this.untrain();
      throw e;
    }
  }

  /** Back to the untrained state of a new index (undoing the training of an add that failed). */
  private untrain(): void {
    this.centroids.truncate(0);
    this.pq.centroids = new Float32Array(this.pq.centroids.length);
    this.pq.warnings = [];
    this.pq.isTrained = false;
    this.precomputed = null;
    this.mode = this.policy.kind === 'dot' ? TableMode.Dot : this.byResidual ? TableMode.L2PerList : TableMode.L2Raw;
    this.warnings = [];
    this.isTrained = false;
    this.layOut();
  }

  /** Assign, encode and merge `n` validated rows into the lists of a trained index. */
  private addTrained(vectors: Float32Array, n: number, onProgress: ProgressCallback | null, steps: number, work: number): void {
    const { dim, m, nlist } = this;
    const x = preparedCopy(vectors, n, dim, this.policy);
    const { labels } = assignCoarse(
      x,
      n,
      dim,
      this.centroids,
      nlist,
      this.policy,
      onProgress === null ? null : (done) => onProgress(steps + done, work),
    );
    const newCodes = new Uint8Array(n * m);
    const chunk = new Float32Array(Math.min(n, ENCODE_CHUNK) * dim);
    const cen = this.centroids.data;
    for (let i0 = 0; i0 < n; i0 += ENCODE_CHUNK) {
      const nb = Math.min(ENCODE_CHUNK, n - i0);
      chunk.set(x.subarray(i0 * dim, (i0 + nb) * dim));
      if (this.byResidual) {
        for (let i = 0; i < nb; i++) {
          const co = labels[i0 + i] * dim;
          const o = i * dim;
          for (let t = 0; t < dim; t++) chunk[o + t] -= cen[co + t];
        }
      }
      this.pq.encodeBatchInto(chunk, nb, newCodes, i0 * m);
      if (onProgress !== null) onProgress(steps + n + i0 + nb, work);
    }
    const oldTotal = this.size;
    const total = oldTotal + n;
    const { offsets, source } = planListMerge(this.listOffsets, nlist, labels, n);
    const ids = new Int32Array(total);
    const codes = new Uint8Array(total * m);
    const oldIds = this.listIds;
    const oldCodes = this.listCodes;
    for (let s = 0; s < total; s++) {
      const src = source[s];
      if (src < oldTotal) {
        ids[s] = oldIds[src];
        codes.set(oldCodes.subarray(src * m, src * m + m), s * m);
      } else {
        ids[s] = src; // new row i gets id oldTotal + i, which is exactly `src`
        const i = src - oldTotal;
        codes.set(newCodes.subarray(i * m, i * m + m), s * m);
      }
    }
    if (this.vectors !== null) this.vectors.append(vectors);
    this.listOffsets = offsets;
    this.listIds = ids;
    this.listCodes = codes;
    this.layOut();
  }

  /**
   * The approximate k nearest stored vectors of each query.
   *
   * @param queries - `nq × dim` row-major.
   * @param k - neighbours per query; rows are padded with −1/+Infinity when fewer are found.
   * @param params - `nprobe` (default 1), `rerank` (default 0; needs `keepVectors`), `stats`.
   * @throws AnnlabError `NOT_TRAINED` before training; `INVALID_PARAMETER` for `rerank`
   *   without kept vectors.
   */
  search(queries: Float32Array, k: number, params?: IvfPqSearchParams): SearchResult {
    const nq = checkVectors(queries, this.dim, 'queries');
    checkK(k);
    const p = this.checkParams(params);
    const result = createSearchResult(nq, k);
    const x = this.fused?.owns(queries) ? queries.slice() : stableInput(queries);
    this.readyFused(heapEntries(k, p.rerank ?? 0)); // any growth of the search memory happens before the first query
    for (let q = 0; q < nq; q++) this.searchInto(x, q * this.dim, k, result.ids, result.distances, q * k, p);
    return result;
  }

  /** The one validation path for search parameters: the IVF checks (ivf-common), then rerank. */
  private checkParams(params: unknown): IvfPqSearchParams {
    const p = checkProbeParams<IvfPqSearchParams>(params, SEARCH_KEYS, 'IvfPqIndex', this.isTrained, checkRerank);
    if ((p.rerank ?? 0) > 0 && this.vectors === null) {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        'rerank needs the full vectors: build the index with keepVectors: true, or search with rerank: 0.',
      );
    }
    return p;
  }

  /**
   * One query into caller-owned output: ADC over the `nprobe` nearest lists, then optional
   * exact re-ranking of the best `k × rerank`. Inputs are not validated here; `search` does.
   *
   * How each list's ADC table is formed. For Euclidean with residuals, a code in list l
   * stands for y ≈ c + r, with c the coarse centroid and r = (r_1, …, r_m) the decoded
   * residual, and (FAISS `IndexIVFPQ`, "precomputed tables")
   *
   *     ‖q − c − r‖² = ‖q − c‖²                  term 1: the coarse distance, already known
   *                  + Σ_j (‖r_j‖² + 2⟨c_j, r_j⟩)  term 2: independent of the query → precomputed
   *                                                 per (list, j, centroid) at training time
   *                  − 2 Σ_j ⟨q_j, r_j⟩            term 3: independent of the list → one m × ksub
   *                                                 table per query
   *
   * so a probe costs m·ksub additions (term 2 + term 3 into one table) instead of the
   * dim·ksub multiply-adds of a fresh residual table. This is the norm expansion the metric
   * module otherwise avoids; here it buys the table, and its rounding (a few ulps of ‖q‖²)
   * only perturbs the ADC estimate, never the exact re-rank. For cosine and inner product
   * the decomposition is simpler: −⟨q, c + r⟩ = −⟨q, c⟩ − Σ_j ⟨q_j, r_j⟩, a per-list
   * constant (the coarse distance) plus one per-query table.
   */
  searchInto(
    query: Float32Array,
    qOff: number,
    k: number,
    outIds: Int32Array,
    outDist: Float32Array,
    outOff: number,
    params?: IvfPqSearchParams,
  ): void {
    const nprobe = params === undefined || params.nprobe === undefined ? 1 : params.nprobe;
    const rerank = params === undefined || params.rerank === undefined ? 0 : params.rerank;
    const stats = params === undefined ? undefined : params.stats;
    const nlist = this.nlist;
    const w = this.fused;
    if (w !== null) {
      // The query goes into the search memory before anything may grow it.
      w.loadQuery(query, qOff, this.policy.normalize);
      const ready = this.readyFused(heapEntries(k, rerank));
      if (ready !== null) {
        // WebAssembly: every step below, in one call.
        const n = ready.searchPq(nprobe, k, rerank);
        const np = ready.readProbes(this.probeLists, this.probeDist);
        ready.writeRow(n, k, this.policy.toReported, outIds, outDist, outOff);
        if (stats !== undefined) {
          stats.queries++;
          stats.distanceComputations += nlist + ready.scanned() + ready.reranked();
          stats.hops += np;
        }
        return;
      }
    }
    const m = this.m;
    const ksub = this.pq.ksub;
    const mk = m * ksub;
    const cdc = this.centroidDc;
    cdc.setQuery(query, qOff);
    const qv = cdc.query; // the prepared (normalised for cosine) query
    cdc.distancesToRange(0, nlist, this.centroidDist, 0);
    const np = selectProbes(this.centroidDist, nlist, Math.min(nprobe, nlist), this.probeHeap, this.probeLists, this.probeDist);

    const limit = rerank > 0 ? k * rerank : k;
    const heap = this.heap;
    heap.clear();
    let worst = Infinity;
    const codes = this.listCodes;
    const ids = this.listIds;
    const offsets = this.listOffsets;
    const qt = this.queryTable;
    const lt = this.listTable;
    const mode = this.mode;
    if (mode === TableMode.L2Precomputed) {
      this.pq.computeIpTable(qv, 0, qt, 0); // −⟨q_j, r_jc⟩
      for (let i = 0; i < mk; i++) qt[i] *= 2; // term 3 = −2⟨q_j, r_jc⟩
    } else if (mode === TableMode.L2Raw) this.pq.computeL2Table(qv, 0, qt, 0);
    else if (mode === TableMode.Dot) this.pq.computeIpTable(qv, 0, qt, 0);
    const bias = this.policy.bias;
    let scanned = 0;
    for (let p = 0; p < np; p++) {
      const l = this.probeLists[p];
      const start = offsets[l];
      const end = offsets[l + 1];
      if (start === end) continue;
      if (mode === TableMode.L2Precomputed) {
        const pre = this.precomputed as Float32Array;
        const o = l * mk;
        if (end - start < ksub) {
          // Short list: two lookups per sub-code beat adding the m × ksub tables first.
          worst = scanCodesTwoTables(codes, ids, start, end, m, ksub, pre, o, qt, this.probeDist[p], heap, limit, worst);
        } else {
          for (let i = 0; i < mk; i++) lt[i] = pre[o + i] + qt[i];
          worst = scanCodes(codes, ids, start, end, m, ksub, lt, this.probeDist[p], heap, limit, worst);
        }
      } else if (mode === TableMode.L2PerList) {
        const cen = this.centroids.data;
        const co = l * this.dim;
        const res = this.residual;
        for (let t = 0; t < this.dim; t++) res[t] = qv[t] - cen[co + t];
        this.pq.computeL2Table(res, 0, lt, 0);
        worst = scanCodes(codes, ids, start, end, m, ksub, lt, 0, heap, limit, worst);
      } else if (mode === TableMode.L2Raw) {
        worst = scanCodes(codes, ids, start, end, m, ksub, qt, 0, heap, limit, worst);
      } else {
        const base = this.byResidual ? this.probeDist[p] : bias;
        worst = scanCodes(codes, ids, start, end, m, ksub, qt, base, heap, limit, worst);
      }
      scanned += end - start;
    }

    let reranked = 0;
    if (rerank > 0) {
      const n = heap.size;
      if (this.candIds.length < n) {
        this.candIds = new Int32Array(n);
        this.candDist = new Float64Array(n);
      }
      heap.drainAscending(this.candIds, this.candDist, 0);
      reranked = (this.refiner as Refiner).refineInto(query, qOff, this.candIds, 0, n, k, outIds, outDist, outOff);
    } else {
      drainToRow(heap, this.policy, k, outIds, outDist, outOff);
    }
    if (stats !== undefined) {
      stats.queries++;
      stats.distanceComputations += nlist + scanned + reranked;
      stats.hops += np;
    }
  }

  /**
   * One query (`dim` values), searched as `search` would, with what it did: the lists probed
   * nearest first, their coarse centroid distances and sizes, the distance computations
   * (centroids, scanned codes and re-ranked candidates).
   */
  explain(query: Float32Array, k: number, params?: IvfPqSearchParams): IvfExplanation {
    const q = checkExplainQuery(query, this.dim, k);
    const p = this.checkParams(params);
    const np = Math.min(p.nprobe ?? 1, this.nlist);
    this.readyFused(heapEntries(k, p.rerank ?? 0)); // any growth happens before the record takes its views
    const record = { probeLists: this.probeLists, probeDist: this.probeDist, listOffsets: this.listOffsets };
    return explainProbes(k, np, record, this.policy, p.stats, (result, stats) => {
      this.searchInto(q, 0, k, result.ids, result.distances, 0, { nprobe: p.nprobe, rerank: p.rerank, stats });
    });
  }

  /** Number of vectors in each list (length nlist). */
  listSizes(): Int32Array {
    return listSizesOf(this.listOffsets, this.nlist);
  }

  /** The reproduction of stored vector `id` (coarse centroid + decoded residual); O(size), not for hot paths. */
  reconstruct(id: number): Float32Array {
    checkId(id, this.size);
    let slot = 0;
    while (this.listIds[slot] !== id) slot++;
    let l = 0;
    while (this.listOffsets[l + 1] <= slot) l++;
    const out = new Float32Array(this.dim);
    this.pq.decodeInto(this.listCodes, slot * this.m, out, 0);
    if (this.byResidual) {
      const cen = this.centroids.data;
      for (let t = 0; t < this.dim; t++) out[t] += cen[l * this.dim + t];
    }
    return out;
  }

  /**
   * Bytes the index uses, FAISS-style (`IndexIVFPQ`):
   *
   * 4·nlist·dim (coarse centroids) + 4·ksub·dim (codebooks, m × ksub × dsub) + 4·nlist·m·ksub
   * (the precomputed term-2 table, when built) + 4·(nlist + 1) (list offsets) + n × (m + 4)
   * (codes and ids) [+ 4·n·dim with `keepVectors`]
   *
   * — the fixed tables whole, the per-vector arrays for the n vectors held; no scratch.
   */
  usedBytes(): number {
    return (
      this.centroids.usedBytes() +
      this.pq.memoryBytes() +
      (this.precomputed?.byteLength ?? 0) +
      this.listOffsets.byteLength +
      this.listIds.byteLength +
      this.listCodes.byteLength +
      (this.vectors !== null ? this.vectors.usedBytes() : 0)
    );
  }

  /**
   * Bytes allocated: centroids, codebooks, the precomputed table, CSR arrays, codes, the kept
   * vectors (when `keepVectors`, at their capacity) and search scratch; on the SIMD backend
   * the table, CSR arrays, codes and kept vectors are counted as the WebAssembly search
   * memory that holds them (with copies of the centroids and codebooks and the query scratch). {@link IvfPqIndex.usedBytes} is what the index uses.
   */
  memoryBytes(): number {
    const w = this.fused;
    const held =
      w !== null
        ? w.byteLength()
        : (this.precomputed?.byteLength ?? 0) +
          this.listOffsets.byteLength +
          this.listIds.byteLength +
          this.listCodes.byteLength +
          (this.vectors !== null ? this.vectors.memoryBytes() : 0);
    return (
      this.centroids.memoryBytes() +
      this.pq.memoryBytes() +
      held +
      this.centroidDist.byteLength +
      this.probeLists.byteLength +
      this.probeDist.byteLength +
      this.queryTable.byteLength +
      this.listTable.byteLength +
      this.residual.byteLength +
      this.candIds.byteLength +
      this.candDist.byteLength +
      (this.refiner !== null ? this.refiner.memoryBytes() : 0) +
      this.heap.dist.byteLength +
      this.heap.ids.byteLength +
      this.probeHeap.dist.byteLength +
      this.probeHeap.ids.byteLength
    );
  }

  /**
   * The index as an annlab file: parameters, coarse centroids, codebooks, CSR offsets, ids,
   * codes, and the full vectors when kept. The precomputed table is derived data and is
   * rebuilt on load.
   */
  serialize(): Uint8Array {
    const w = new BinaryWriter(IvfPqIndex.TAG, IvfPqIndex.FORMAT_VERSION);
    const params: IvfPqFileParams = {
      dim: this.dim,
      metric: this.metric,
      seed: this.seed,
      nlist: this.nlist,
      m: this.m,
      nbits: this.nbits,
      niter: this.niter,
      pqNiter: this.pq.niter,
      init: this.init,
      maxPointsPerCentroid: this.maxPointsPerCentroid,
      byResidual: this.byResidual,
      keepVectors: this.keepVectors,
      precomputedTableMaxBytes: this.precomputedTableMaxBytes,
      trained: this.isTrained,
    };
    w.json(params);
    w.array(this.centroids.view());
    w.array(this.pq.centroids);
    w.array(this.listOffsets);
    w.array(this.listIds);
    w.array(this.listCodes);
    w.array(this.vectors !== null ? this.vectors.view() : new Float32Array(0));
    return w.finish();
  }

  /**
   * Load an index written by {@link IvfPqIndex.serialize}; damaged or foreign bytes throw `AnnlabError`.
   *
   * @param options - `kernels` for the loaded index (default `'auto'`, as for a new index).
   */
  static deserialize(bytes: Uint8Array, options: LoadOptions = {}): IvfPqIndex {
    const what = 'IVF-PQ file';
    const { r, p } = openIvfFile(bytes, IvfPqIndex.TAG, IvfPqIndex.FORMAT_VERSION, what);
    const centroids = r.f32array();
    const pqCentroids = r.f32array();
    const offsets = r.i32array();
    const ids = r.i32array();
    const codes = r.u8array();
    const vectors = r.f32array();
    r.finish();
    // Structure first, against the sections present (nothing allocated from a count yet).
    const { trained, dim, nlist } = checkCoarseSections(p, centroids, offsets, ids, what);
    const m = intField(p, 'm', undefined, 1, dim, what);
    const nbits = intField(p, 'nbits', 8, 1, 8, what);
    const ksub = 1 << nbits;
    const keepVectors = p.keepVectors === true;
    expectLength(pqCentroids.length, ksub * dim, 'pqCentroids', `nbits = ${nbits}, dim = ${dim}`, what);
    expectLength(codes.length, ids.length * m, 'listCodes', `${ids.length} ids of m = ${m} bytes`, what);
    expectLength(
      vectors.length,
      keepVectors ? ids.length * dim : 0,
      'vectors',
      `keepVectors = ${keepVectors}, ${ids.length} ids of dim = ${dim}`,
      what,
    );
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] >= ksub) throw corrupt(what, `listCodes[${i}] = ${codes[i]} is not below ksub = ${ksub}`);
    }
    checkStoredRange(pqCentroids, 'pqCentroids', what);
    checkStoredRows(vectors, dim);
    const index = asCorruptData(
      what,
      () =>
        new IvfPqIndex({
          dim,
          metric: p.metric as Metric,
          seed: p.seed as number,
          nlist,
          m,
          nbits,
          niter: p.niter as number,
          pqNiter: p.pqNiter as number,
          init: p.init as KMeansInit,
          maxPointsPerCentroid: p.maxPointsPerCentroid as number,
          byResidual: p.byResidual as boolean,
          keepVectors: p.keepVectors as boolean,
          precomputedTableMaxBytes: p.precomputedTableMaxBytes as number,
          kernels: options.kernels,
        }),
    );
    if (trained) {
      index.centroids.append(centroids);
      index.pq.centroids = pqCentroids;
      index.pq.isTrained = true;
      index.setupTables();
      index.isTrained = true;
    }
    index.listOffsets = offsets;
    index.listIds = ids;
    index.listCodes = codes;
    if (index.vectors !== null) {
      // Rows are stored as written (already normalised for cosine): adopt them, never re-append.
      index.vectors.data = vectors;
      index.vectors.size = ids.length;
    }
    index.layOut();
    return index;
  }
}

IvfPqIndex satisfies IndexClass<IvfPqIndex>;

/** Heap entries a search keeps: the ADC candidates (`k × rerank`, or `k`) and never fewer than `k`. */
function heapEntries(k: number, rerank: number): number {
  return rerank > 0 ? k * rerank : k;
}

/** IVF-PQ's own search knob: `rerank` in [0, 2^16]. */
function checkRerank(p: IvfPqSearchParams): void {
  checkInteger('rerank', p.rerank ?? 0, 0, 1 << 16);
}

function checkBoolean(name: string, value: unknown, dflt: boolean): boolean {
  if (value === undefined) return dflt;
  if (typeof value !== 'boolean') throw new AnnlabError('INVALID_PARAMETER', `${name} must be true or false, got ${String(value)}.`);
  return value;
}

/** Residuals x − c(x) of `n` prepared rows against their nearest coarse centroid. */
function residualsOf(
  x: Float32Array,
  n: number,
  dim: number,
  centroids: Float32Array,
  nlist: number,
  policy: MetricPolicy,
  kernels: KernelBackend | undefined,
): Float32Array {
  const { labels } = assignCoarse(x, n, dim, centroidStore(centroids, nlist, dim, kernels), nlist, policy);
  const out = x.slice(0, n * dim);
  for (let i = 0; i < n; i++) {
    const co = labels[i] * dim;
    const o = i * dim;
    for (let t = 0; t < dim; t++) out[o + t] -= centroids[co + t];
  }
  return out;
}
