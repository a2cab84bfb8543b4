/**
 * IVF-Flat: an inverted file over exact vectors. k-means splits the space into `nlist`
 * Voronoi cells (the coarse quantizer); each stored vector goes into the list of its nearest
 * centroid. A query measures its distance to every centroid, picks the `nprobe` closest
 * lists, and scans only their vectors exactly. Cost per query ≈ (nlist + nprobe·size/nlist)·dim,
 * against size·dim for flat search; recall rises with nprobe and reaches exact search at
 * nprobe = nlist.
 *
 * Reference: H. Jégou, M. Douze, C. Schmid, "Product quantization for nearest neighbor
 * search", IEEE TPAMI 33(1), 2011, Section IV.A (the inverted file with a coarse quantizer,
 * without the PQ refinement); J. Sivic & A. Zisserman, "Video Google", ICCV 2003 (inverted
 * files); FAISS `IndexIVFFlat` as the reference behaviour.
 *
 * Map:
 * - coarse quantizer q_c (k-means) → {@link IvfFlatIndex.train} (`trainCoarse`)
 * - inverted lists (CSR: `listOffsets`, `listIds`, list vectors) → {@link IvfFlatIndex.add}
 * - search: nearest `nprobe` cells (`selectProbes`), exact scan of their lists → {@link IvfFlatIndex.searchInto}
 *   (recorded for teaching by {@link IvfFlatIndex.explain}); the scan is `scanProbedLists`, over
 *   a {@link ListDistanceSource}
 *
 * Two implementations of the search, chosen by the `kernels` option: the TypeScript loops in
 * this file (`kernels: 'js'`, the readable reference), and on the SIMD backend one
 * WebAssembly call per query (`assembly/ivf.ts`: coarse ranking, list scan and top-k heap),
 * over the index's own memory (`internal/ivf-wasm.ts`), where `listIds`, `listOffsets` and
 * `listVectors.data` then live. Both compute the same distances in the same order on the
 * same backend (test/ivf-wasm.test.ts).
 *
 * Encoded lists (`encoding: 'sq8' | 'sq4'`, FAISS `IndexIVFScalarQuantizer` with
 * `by_residual = false`, refined like `IndexRefineFlat`): each slot also holds a scalar code
 * (core's `ScalarQuantizer`, ranges trained with the coarse quantizer), the probed lists are
 * scanned on the codes (core's `SqDistanceComputer` as the {@link ListDistanceSource}, SIMD
 * kernels where available; this path stays on the TypeScript scan loop), and the best
 * `rerank × k` slots are re-measured exactly against the float32 list vectors
 * (`rerankSlots`, Jégou et al. §IV-B).
 *
 * Deviations: cosine and inner product use spherical k-means (unit centroids, assignment by
 * largest dot product); FAISS trains plain k-means unless `spherical` is set.
 *
 * @module
 */
import {
  AnnlabError,
  BinaryReader,
  BinaryWriter,
  DistanceComputer,
  MaxHeap,
  ScalarQuantizer,
  SqCodes,
  SqDistanceComputer,
  VectorStore,
  asCorruptData,
  beginAdd,
  checkAddOptions,
  checkDim,
  checkK,
  checkKnownKeys,
  checkMetric,
  checkInteger,
  checkOptions,
  checkSeed,
  checkVectors,
  createSearchResult,
  drainToRow,
  metricPolicy,
  resolveKernelBackend,
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
  type SearchParams,
  type SearchResult,
  type SearchStats,
  type TrainableIndex,
  splitPoolOptions,
} from '@annlab/core';
import type { KMeansInit } from './kmeans.js';
import { explainProbes, type IvfExplanation } from './ivf-explanation.js';
import { selectProbes } from './internal/assign.js';
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
  checkStoredRows,
  expectLength,
  listSizesOf,
  openIvfFile,
} from './internal/ivf-common.js';

/** Options for {@link IvfFlatIndex}. */
export interface IvfFlatIndexOptions extends IndexOptions {
  /**
   * Number of inverted lists (k-means cells). More lists mean shorter lists (faster scans
   * at equal nprobe) but a longer centroid scan per query and a longer training (linear in
   * nlist). Rule of thumb: about √size to 4·√size; needs ≥ nlist training vectors (≥ 39·nlist
   * advised).
   * @defaultValue 256
   */
  nlist?: number;
  /**
   * k-means iterations for the coarse quantizer (training time is linear in it).
   * @defaultValue 10 (FAISS's IVF default)
   */
  niter?: number;
  /**
   * k-means initialisation (see {@link KMeansInit}).
   * @defaultValue `'random'`
   */
  init?: KMeansInit;
  /**
   * Training sets above `nlist × maxPointsPerCentroid` vectors are subsampled for k-means.
   * @defaultValue 256
   */
  maxPointsPerCentroid?: number;
  /** Receives training warnings (too few points per centroid); see also {@link IvfFlatIndex.warnings}. */
  onWarning?: (message: string) => void;
  /**
   * How the lists are scanned: `'float32'` (exact vectors), or on per-dimension scalar codes
   * of 8 (`'sq8'`) or 4 (`'sq4'`) bits per component followed by an exact re-rank of the
   * best `rerank × k` (see {@link IvfFlatSearchParams.rerank}); results keep exact distances.
   * The codes are stored beside the float32 vectors (which the re-rank reads): + dim bytes
   * per vector for `'sq8'`, + ⌈dim/2⌉ for `'sq4'` (rounded up to 4), + 4 bytes of per-code
   * norm. A code distance reads 4× (8×) fewer bytes,
   * which pays off when the scanned lists do not fit in cache; recall at a given nprobe stays
   * close to `'float32'` for `'sq8'` with the default re-rank, lower for `'sq4'`. The ranges
   * are trained (min/max per dimension) on the training vectors of the coarse quantizer.
   * @defaultValue `'float32'`
   */
  encoding?: IvfFlatEncoding;
}

/** How an {@link IvfFlatIndex} stores and scans its lists (see {@link IvfFlatIndexOptions.encoding}). */
export type IvfFlatEncoding = 'float32' | 'sq8' | 'sq4';

/** Search parameters for {@link IvfFlatIndex}. */
export interface IvfFlatSearchParams extends SearchParams {
  /**
   * Lists to scan per query, in [1, nlist] (larger values are clamped to nlist). Query time
   * grows about linearly with it; recall rises towards 1, reached (exact search) at nlist.
   * @defaultValue 1
   */
  nprobe?: number;
  /**
   * Encoded indexes only (`encoding: 'sq8' | 'sq4'`), an integer: the best rerank·k slots of the code
   * scan are re-measured exactly against the float32 vectors and the k best returned. Larger:
   * recall closer to the float index at the same nprobe, ⌈rerank·k⌉ more exact distances per
   * query. 0 returns the code scan's answer with approximate distances. Range 0–2^16;
   * refused on a `'float32'` index.
   * @defaultValue 4
   */
  rerank?: number;
}

const OPTION_KEYS = [
  'dim',
  'metric',
  'seed',
  'kernels',
  'nlist',
  'niter',
  'init',
  'maxPointsPerCentroid',
  'onWarning',
  'encoding',
] as const;
const SEARCH_KEYS = ['stats', 'nprobe', 'rerank'] as const;
/** The re-rank factor of an encoded index searched without `rerank`. */
const DEFAULT_RERANK = 4;
/** Rows per block when scanning a list. */
const SCAN_BLOCK = 1024;

/**
 * Where the list scan gets its distances: internal distances from the current query to
 * consecutive list slots. Core's `DistanceComputer` over the list vectors is one (exact
 * float vectors); an encoded list (scalar-quantized codes) plugs in as another, and the scan
 * loop ({@link scanProbedLists}) stays the same.
 */
export interface ListDistanceSource {
  /** `out[outOff + r]` = internal distance from the current query to slot `start + r`, r in [0, count). */
  distancesToRange(start: number, count: number, out: Float64Array, outOff: number): void;
}

/** The parameters written to a file. */
interface IvfFlatFileParams {
  dim: number;
  metric: Metric;
  seed: number;
  nlist: number;
  niter: number;
  init: KMeansInit;
  maxPointsPerCentroid: number;
  trained: boolean;
  encoding: IvfFlatEncoding;
}

/**
 * An inverted-file index over exact vectors (FAISS `IndexIVFFlat`); see the module doc.
 *
 * @example
 * ```ts
 * import { IvfFlatIndex } from '@annlab/ivfpq';
 * import { Rng } from '@annlab/core';
 *
 * const dim = 32;
 * const rng = new Rng(1); // seeded, as annlab's own builds are
 * const vectors = Float32Array.from({ length: 1000 * dim }, () => rng.nextFloat());
 * const index = new IvfFlatIndex({ dim, metric: 'euclidean', nlist: 16, seed: 1 });
 * index.add(vectors);                                  // the first add trains k-means, then fills the lists
 * const queries = vectors.subarray(0, 5 * dim);
 * const r = index.search(queries, 10, { nprobe: 4 });  // lists to scan; nprobe = nlist is exact
 * const again = IvfFlatIndex.deserialize(index.serialize());
 * again.search(queries, 10, { nprobe: 4 });            // identical to r
 * ```
 */
export class IvfFlatIndex implements TrainableIndex<IvfFlatSearchParams>, Explainable<IvfFlatSearchParams, IvfExplanation>, MemoryReport {
  /** Algorithm tag in serialized files. */
  static readonly TAG: string = 'ivfflat';
  /**
   * Format version written by {@link IvfFlatIndex.serialize}: 2 adds `encoding` and, for an
   * encoded index, the scalar quantizer and the codes; version 1 files load as `'float32'`.
   */
  static readonly FORMAT_VERSION: number = 2;

  /** Vector dimension. */
  readonly dim: number;
  /** Distance searched by. */
  readonly metric: Metric;
  /** Seed for training. */
  readonly seed: number;
  /** Number of inverted lists. */
  readonly nlist: number;
  /** Coarse k-means iterations. */
  readonly niter: number;
  /** Coarse k-means initialisation. */
  readonly init: KMeansInit;
  /** Coarse k-means subsampling cap per centroid. */
  readonly maxPointsPerCentroid: number;
  /** Coarse centroids: a store of `nlist` rows (unit length for cosine / inner product) once trained. */
  readonly centroids: VectorStore;
  /** CSR list boundaries, length nlist + 1: list l is slots [listOffsets[l], listOffsets[l+1]). */
  listOffsets: Int32Array;
  /** Id stored in each slot, length `size`, grouped by list, increasing within a list. */
  listIds: Int32Array;
  /**
   * The vectors in slot order (normalised for cosine): row s is the vector of `listIds[s]`.
   * On the SIMD backend this store's rows (like `listOffsets` and `listIds`) are a view of
   * the WebAssembly search memory, re-taken whenever the lists change: re-read the field
   * after `add` rather than keeping the arrays.
   */
  listVectors: VectorStore;
  /** How the lists are stored and scanned. */
  readonly encoding: IvfFlatEncoding;
  /**
   * Encoded indexes: the scalar codes of the list vectors in slot order (row s is the code
   * of slot s), re-encoded whenever the lists change; null for `'float32'`.
   */
  listCodes: SqCodes | null;
  /** Warnings from training (too few training vectors per list). */
  warnings: string[];
  /** True once trained. */
  isTrained: boolean;

  private readonly kernels: KernelBackend | undefined;
  /** Whether searches run in WebAssembly (the SIMD backend); the lists then live in {@link IvfFlatIndex.fused}'s memory. */
  private readonly wasmSearch: boolean;
  /** The WebAssembly search memory once trained on the SIMD backend; null: the TypeScript loops search. */
  private fused: IvfWasm | null;
  /** {@link IvfWasm.generation} the public views were taken at. */
  private fusedGeneration: number;
  private readonly policy: MetricPolicy;
  private readonly coarse: CoarseOptions;
  private readonly centroidDc: DistanceComputer;
  private listDc: DistanceComputer;
  private readonly heap: MaxHeap;
  private readonly probeHeap: MaxHeap;
  /** Scratch: distances to all centroids, length nlist. */
  private readonly centroidDist: Float64Array;
  /** Scratch: probed lists and their distances, length nlist each. */
  private readonly probeLists: Int32Array;
  private readonly probeDist: Float64Array;
  /** Scratch: distances for one block of a list, length SCAN_BLOCK. */
  private readonly scan: Float64Array;
  /** Encoded indexes: distances from the query to the codes (null for `'float32'`). */
  private codeDc: SqDistanceComputer | null;
  /** Encoded indexes: candidate slots of the code scan and their exact distances (grown on demand). */
  private candSlots: Int32Array;
  private candExact: Float64Array;

  /** @param options - see {@link IvfFlatIndexOptions}; `dim` is required. */
  constructor(options: IvfFlatIndexOptions) {
    checkOptions(options, 'IvfFlatIndex');
    checkKnownKeys(options, OPTION_KEYS, 'IvfFlatIndex');
    this.dim = checkDim(options.dim);
    this.metric = checkMetric(options.metric);
    this.seed = checkSeed(options.seed ?? 42);
    this.coarse = checkCoarseOptions(options, { nlist: 256, niter: 10 });
    this.nlist = this.coarse.nlist;
    this.niter = this.coarse.niter;
    this.init = this.coarse.init;
    this.maxPointsPerCentroid = this.coarse.maxPointsPerCentroid;
    this.kernels = options.kernels;
    this.wasmSearch = resolveKernelBackend(options.kernels) === 'simd';
    this.fused = null;
    this.fusedGeneration = 0;
    this.policy = metricPolicy(this.metric);
    this.centroids = new VectorStore(this.dim, { kernels: options.kernels });
    this.listOffsets = new Int32Array(this.nlist + 1);
    this.listIds = new Int32Array(0);
    this.listVectors = new VectorStore(this.dim, { normalize: this.policy.normalize, kernels: this.listKernels() });
    this.warnings = [];
    this.isTrained = false;
    this.centroidDc = new DistanceComputer(this.centroids, this.policy);
    this.listDc = new DistanceComputer(this.listVectors, this.policy);
    this.heap = new MaxHeap(16);
    this.probeHeap = new MaxHeap(this.nlist);
    this.centroidDist = new Float64Array(this.nlist);
    this.probeLists = new Int32Array(this.nlist);
    this.probeDist = new Float64Array(this.nlist);
    this.scan = new Float64Array(SCAN_BLOCK);
    const encoding = options.encoding ?? 'float32';
    if (encoding !== 'float32' && encoding !== 'sq8' && encoding !== 'sq4') {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        `encoding must be 'float32', 'sq8' or 'sq4', got ${typeof encoding === 'string' ? `'${encoding}'` : String(encoding)}.`,
      );
    }
    this.encoding = encoding;
    this.listCodes = null;
    this.codeDc = null;
    if (encoding !== 'float32') {
      const sq = new ScalarQuantizer({ dim: this.dim, bits: encoding === 'sq4' ? 4 : 8 });
      this.listCodes = new SqCodes(sq, { kernels: options.kernels });
      this.codeDc = new SqDistanceComputer(this.listCodes, this.policy);
    }
    this.candSlots = new Int32Array(0);
    this.candExact = new Float64Array(0);
  }

  /** Number of stored vectors. */
  get size(): number {
    return this.listIds.length;
  }

  /**
   * Learn the coarse centroids from `n × dim` vectors (n ≥ nlist). Retraining an index that
   * holds vectors is refused (their lists would no longer match).
   *
   * @param options - `onProgress(done, niter)` after each k-means iteration. Training commits
   *   only at the end: a callback that throws leaves the index as it was before the call.
   */
  train(vectors: Float32Array, options?: AddOptions): void {
    const n = checkVectors(vectors, this.dim, 'training vectors');
    const onProgress = checkAddOptions(options, 'IvfFlatIndex.train options');
    if (this.size > 0) {
      throw new AnnlabError('UNSUPPORTED_OPERATION', 'IvfFlatIndex is already trained and holds vectors; build a new index to retrain.');
    }
    this.trainRows(vectors, n, onProgress);
  }

  /**
   * {@link IvfFlatIndex.train} with the k-means assignment steps on `options.pool` (a worker
   * pool such as `createThreadPool({ threads })` from `@annlab/threads`; see
   * `KMeans.trainAsync`): the centroids, and so the lists and the file, are the same bytes for
   * any number of workers, and training time falls about linearly with them. Without `pool`
   * this is `train`. Nothing is committed until training ends: a failed task or a throwing
   * callback rejects the promise and leaves the index as it was.
   */
  async trainAsync(vectors: Float32Array, options?: IvfTrainAsyncOptions): Promise<void> {
    const { pool, rest: trainOptions } = splitPoolOptions(options, ['onProgress', 'pool'], 'IvfFlatIndex.trainAsync options');
    if (pool === undefined) {
      this.train(vectors, trainOptions);
      return;
    }
    const n = checkVectors(vectors, this.dim, 'training vectors');
    const onProgress = checkAddOptions(trainOptions, 'IvfFlatIndex.trainAsync options');
    if (this.size > 0) {
      throw new AnnlabError('UNSUPPORTED_OPERATION', 'IvfFlatIndex is already trained and holds vectors; build a new index to retrain.');
    }
    const x = preparedCopy(stableInput(vectors), n, this.dim, this.policy);
    const { centroids, warnings } = await trainCoarseAsync(
      x,
      this.dim,
      this.policy,
      this.coarse,
      this.seed,
      this.kernels,
      onProgress,
      pool,
    );
    if (this.size > 0) throw addedWhileTraining('IvfFlatIndex');
    this.commitTraining(x, n, centroids, warnings);
  }

  /** Train on `n` validated rows, reporting each k-means iteration. */
  private trainRows(vectors: Float32Array, n: number, onProgress: ProgressCallback | null): void {
    const x = preparedCopy(stableInput(vectors), n, this.dim, this.policy);
    const { centroids, warnings } = trainCoarse(x, this.dim, this.policy, this.coarse, this.seed, this.kernels, onProgress);
    this.commitTraining(x, n, centroids, warnings);
  }

  /** Take trained centroids (from the `n` prepared rows `x`). */
  private commitTraining(x: Float32Array, n: number, centroids: Float32Array, warnings: string[]): void {
    this.centroids.truncate(0);
    this.centroids.append(centroids);
    this.warnings = warnings;
    this.isTrained = true;
    if (this.listCodes !== null) this.listCodes.quantizer.trainRows(x, 0, n);
    this.layOut();
  }

  /** Encoded indexes: re-encode every slot's code from the list vectors (after the lists changed). */
  private encodeLists(): void {
    const codes = this.listCodes;
    if (codes === null) return;
    codes.truncate(0);
    if (this.size > 0) codes.encodeRows(this.listVectors.data, 0, 0, this.size);
  }

  /**
   * Kernels of the list-vector store: on the SIMD backend the vectors live in the search
   * memory (the store is a plain view of it), otherwise in the store as usual.
   */
  private listKernels(): KernelBackend | undefined {
    return this.wasmSearch ? 'js' : this.kernels;
  }

  /**
   * On the SIMD backend, copy what a query reads (centroids, CSR lists, vectors) into a fresh
   * search memory and make `listOffsets`, `listIds` and `listVectors.data` views of it; a
   * no-op on the `'js'` backend. Called whenever the lists change (train, add, load).
   */
  private layOut(): void {
    this.fused = null;
    if (!this.wasmSearch || !this.isTrained) return;
    const size = this.size;
    const w = IvfWasm.create({
      dim: this.dim,
      nlist: this.nlist,
      size,
      isDot: this.policy.kind === 'dot',
      bias: this.policy.bias,
      rows: size,
    });
    if (w === null) return; // past 4 GiB: the TypeScript loops search the plain arrays
    w.centroids().set(this.centroids.view());
    w.offsets().set(this.listOffsets);
    w.ids().set(this.listIds);
    w.rows().set(this.listVectors.view());
    this.fused = w;
    this.takeViews(w);
  }

  /** Point the public arrays at the search memory (again after it grew). */
  private takeViews(w: IvfWasm): void {
    this.listOffsets = w.offsets();
    this.listIds = w.ids();
    this.listVectors.data = w.rows();
    this.fusedGeneration = w.generation;
  }

  /**
   * Make the WebAssembly search ready for `k` results (growing its heap; the public views
   * are re-taken if that moved the memory).
   * @returns the search memory, or null when the TypeScript loops must search.
   */
  private readyFused(k: number): IvfWasm | null {
    const w = this.fused;
    if (w === null) return null;
    if (!w.ensureHeap(k)) return null;
    if (w.generation !== this.fusedGeneration) this.takeViews(w);
    return w;
  }

  /**
   * Add `n × dim` vectors; ids continue from `size`. Trains on them first if the index is
   * untrained. Nothing changes if any value is invalid.
   *
   * `options.onProgress(done, total)` counts the k-means iterations when this call trains
   * (`niter` steps), then the vectors assigned to their lists: `total = niter + n` (or `n`
   * when already trained), a call every 2,048 vectors (core's `PROGRESS_EVERY`) and after
   * the last. The lists are rebuilt in one step after every vector is assigned, so a callback
   * that throws leaves the index as it was before the call (untrained again if this call
   * trained it).
   */
  add(vectors: Float32Array, options?: AddOptions): void {
    const { n, onProgress } = beginAdd(vectors, this.dim, options, 'IvfFlatIndex.add options');
    if (n === 0) return;
    vectors = stableInput(vectors); // a view of one of this index's stores would detach as it grows
    const trains = !this.isTrained;
    const steps = trains ? this.niter : 0;
    const work = steps + n;
    if (trains) this.trainRows(vectors, n, onProgress === null ? null : (done) => onProgress(done, work));
    const dim = this.dim;
    const x = preparedCopy(vectors, n, dim, this.policy);
    let labels: Int32Array;
    try {
      labels = assignCoarse(
        x,
        n,
        dim,
        this.centroids,
        this.nlist,
        this.policy,
        onProgress === null ? null : (done) => onProgress(steps + done, work),
      ).labels;
    } catch (e) {
      // Only a throwing callback gets here: nothing is committed but the training of this call.
      if (trains) {
        this.centroids.truncate(0);
        this.warnings = [];
        this.isTrained = false;
        this.layOut();
      }
      throw e;
    }
    const oldTotal = this.size;
    const { offsets, source } = planListMerge(this.listOffsets, this.nlist, labels, n);
    const total = oldTotal + n;
    const ids = new Int32Array(total);
    const store = new VectorStore(dim, { normalize: this.policy.normalize, kernels: this.listKernels(), capacity: total });
    store.reserve(total);
    const data = store.data;
    const old = this.listVectors.data;
    for (let s = 0; s < total; s++) {
      const src = source[s];
      if (src < oldTotal) {
        ids[s] = this.listIds[src];
        data.set(old.subarray(src * dim, src * dim + dim), s * dim);
      } else {
        ids[s] = src; // new row i gets id oldTotal + i, which is exactly `src`
        const i = src - oldTotal;
        data.set(x.subarray(i * dim, i * dim + dim), s * dim);
      }
    }
    store.size = total;
    this.listOffsets = offsets;
    this.listIds = ids;
    this.listVectors = store;
    this.listDc = new DistanceComputer(store, this.policy);
    this.encodeLists();
    this.layOut();
  }

  /**
   * The approximate k nearest stored vectors of each query.
   *
   * @param queries - `nq × dim` row-major.
   * @param k - neighbours per query; rows are padded with −1/+Infinity when fewer are found.
   * @param params - `nprobe` (lists scanned, default 1), `stats`; unknown keys are refused.
   * @throws AnnlabError `NOT_TRAINED` before training.
   */
  search(queries: Float32Array, k: number, params?: IvfFlatSearchParams): SearchResult {
    const nq = checkVectors(queries, this.dim, 'queries');
    checkK(k);
    const p = checkProbeParams<IvfFlatSearchParams>(params, SEARCH_KEYS, 'IvfFlatIndex', this.isTrained);
    this.checkRerank(p);
    const result = createSearchResult(nq, k);
    const x = this.fused?.owns(queries) ? queries.slice() : stableInput(queries);
    this.readyFused(k); // any growth of the search memory happens before the first query
    for (let q = 0; q < nq; q++) this.searchInto(x, q * this.dim, k, result.ids, result.distances, q * k, p);
    return result;
  }

  /**
   * One query, written into caller-owned output (no allocation): the k nearest found in the
   * `nprobe` closest lists go to `outIds`/`outDist` at `outOff`, ascending, padded. Inputs
   * are not validated here; `search` does that.
   */
  searchInto(
    query: Float32Array,
    qOff: number,
    k: number,
    outIds: Int32Array,
    outDist: Float32Array,
    outOff: number,
    params?: IvfFlatSearchParams,
  ): void {
    const nprobe = params === undefined || params.nprobe === undefined ? 1 : params.nprobe;
    const stats = params === undefined ? undefined : params.stats;
    const nlist = this.nlist;
    let np: number;
    let scanned: number;
    if (this.codeDc !== null) {
      const rerank = params === undefined || params.rerank === undefined ? DEFAULT_RERANK : params.rerank;
      this.searchEncoded(query, qOff, k, Math.min(nprobe, nlist), rerank, stats, outIds, outDist, outOff);
      return;
    }
    const w = this.fused;
    if (w !== null) {
      // The query goes into the search memory before anything may grow it.
      w.loadQuery(query, qOff, this.policy.normalize);
    }
    const ready = w === null ? null : this.readyFused(k);
    if (ready !== null) {
      // WebAssembly: the same three steps as below, in one call.
      const n = ready.searchFlat(nprobe, k);
      np = ready.readProbes(this.probeLists, this.probeDist);
      scanned = ready.scanned();
      ready.writeRow(n, k, this.policy.toReported, outIds, outDist, outOff);
    } else {
      // 1. Coarse ranking: distances to every centroid, the nprobe nearest lists.
      const cdist = this.centroidDist;
      this.centroidDc.setQuery(query, qOff);
      this.centroidDc.distancesToRange(0, nlist, cdist, 0);
      np = selectProbes(cdist, nlist, Math.min(nprobe, nlist), this.probeHeap, this.probeLists, this.probeDist);
      // 2. Exact scan of their lists into a k-heap; 3. the heap, ascending, into the row.
      this.listDc.setQuery(query, qOff);
      scanned = scanProbedLists(this.listDc, this.listOffsets, this.listIds, this.probeLists, np, k, this.heap, this.scan);
      drainToRow(this.heap, this.policy, k, outIds, outDist, outOff);
    }
    if (stats !== undefined) {
      stats.queries++;
      stats.distanceComputations += nlist + scanned;
      stats.hops += np;
    }
  }

  /** Refuse `rerank` on a float32 index, and out-of-range values. */
  private checkRerank(p: IvfFlatSearchParams): void {
    if (p.rerank === undefined) return;
    if (this.codeDc === null) {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        "IvfFlatIndex.search params: rerank applies only to encoded indexes (built with encoding: 'sq8' or 'sq4'); leave it out here.",
      );
    }
    checkInteger('rerank', p.rerank, 0, 1 << 16);
  }

  /**
   * The encoded search: coarse ranking as the float path, a scan of the probed lists on the
   * codes keeping the best `⌈rerank·k⌉` slots, then {@link IvfFlatIndex.rerankSlots} (or,
   * with rerank 0, the code distances as they are).
   */
  private searchEncoded(
    query: Float32Array,
    qOff: number,
    k: number,
    nprobe: number,
    rerank: number,
    stats: SearchStats | undefined,
    outIds: Int32Array,
    outDist: Float32Array,
    outOff: number,
  ): void {
    const codeDc = this.codeDc as SqDistanceComputer;
    const cdist = this.centroidDist;
    this.centroidDc.setQuery(query, qOff);
    this.centroidDc.distancesToRange(0, this.nlist, cdist, 0);
    const np = selectProbes(cdist, this.nlist, nprobe, this.probeHeap, this.probeLists, this.probeDist);
    const kr = rerank === 0 ? k : Math.max(k, Math.ceil(rerank * k));
    codeDc.setQuery(query, qOff);
    const heap = this.heap;
    let exact = 0;
    if (rerank === 0) {
      const scanned = scanProbedLists(codeDc, this.listOffsets, this.listIds, this.probeLists, np, k, heap, this.scan);
      drainToRow(heap, this.policy, k, outIds, outDist, outOff);
      exact = scanned;
    } else {
      const scanned = scanSlots(codeDc, this.listOffsets, this.probeLists, np, kr, heap, this.scan);
      exact = scanned + this.rerankSlots(query, qOff, k, outIds, outDist, outOff);
    }
    if (stats !== undefined) {
      stats.queries++;
      stats.distanceComputations += this.nlist + exact;
      stats.hops += np;
    }
  }

  /**
   * Re-rank the slots held in `this.heap` exactly against the float32 list vectors: the k
   * best, keyed by (exact distance, id), go to the output row. @returns the distances computed.
   */
  private rerankSlots(query: Float32Array, qOff: number, k: number, outIds: Int32Array, outDist: Float32Array, outOff: number): number {
    const heap = this.heap;
    const n = heap.size;
    if (this.candSlots.length < n) {
      this.candSlots = new Int32Array(n);
      this.candExact = new Float64Array(n);
    }
    const slots = this.candSlots;
    const exact = this.candExact;
    for (let i = 0; i < n; i++) slots[i] = heap.ids[i];
    this.listDc.setQuery(query, qOff);
    this.listDc.distancesToIds(slots, 0, n, exact, 0);
    heap.clear();
    const ids = this.listIds;
    for (let i = 0; i < n; i++) heap.offer(exact[i], ids[slots[i]], k);
    drainToRow(heap, this.policy, k, outIds, outDist, outOff);
    return n;
  }

  /**
   * One query (`dim` values), searched as `search` would, with what it did: the lists probed
   * nearest first, their centroid distances and sizes, the distance computations.
   */
  explain(query: Float32Array, k: number, params?: IvfFlatSearchParams): IvfExplanation {
    const q = checkExplainQuery(query, this.dim, k);
    const p = checkProbeParams<IvfFlatSearchParams>(params, SEARCH_KEYS, 'IvfFlatIndex', this.isTrained);
    const np = Math.min(p.nprobe ?? 1, this.nlist);
    this.readyFused(k); // any growth of the search memory happens before the record takes its views
    const record = { probeLists: this.probeLists, probeDist: this.probeDist, listOffsets: this.listOffsets };
    return explainProbes(k, np, record, this.policy, p.stats, (result, stats) => {
      this.searchInto(q, 0, k, result.ids, result.distances, 0, { nprobe: p.nprobe, stats });
    });
  }

  /** Number of vectors in each list (length nlist). */
  listSizes(): Int32Array {
    return listSizesOf(this.listOffsets, this.nlist);
  }

  /**
   * Bytes the index uses, FAISS-style (`IndexIVFFlat`): 4·nlist·dim of centroids +
   * 4·(nlist + 1) of list offsets + n × (4·dim + 4) of list vectors and ids. The vectors take
   * exactly what a flat index's `usedBytes()` reports for the same rows; no scratch. An
   * encoded index adds n × stride bytes of code rows (code rounded up to 4, then a 4-byte
   * norm) and 12·dim of quantizer ranges.
   */
  usedBytes(): number {
    const codes = this.listCodes;
    return (
      this.centroids.usedBytes() +
      this.listOffsets.byteLength +
      this.listIds.byteLength +
      this.listVectors.usedBytes() +
      (codes === null ? 0 : codes.usedBytes() + codes.quantizer.memoryBytes())
    );
  }

  /**
   * Bytes allocated: centroids, CSR arrays, list vectors (at their capacity) and search
   * scratch; on the SIMD backend the CSR arrays and vectors are counted as the WebAssembly
   * search memory that holds them (with a copy of the centroids and the query scratch). {@link IvfFlatIndex.usedBytes} is what the index uses.
   */
  memoryBytes(): number {
    const w = this.fused;
    return (
      this.centroids.memoryBytes() +
      (w !== null ? w.byteLength() : this.listOffsets.byteLength + this.listIds.byteLength + this.listVectors.memoryBytes()) +
      this.centroidDist.byteLength +
      this.probeLists.byteLength +
      this.probeDist.byteLength +
      this.scan.byteLength +
      this.heap.dist.byteLength +
      this.heap.ids.byteLength +
      this.probeHeap.dist.byteLength +
      this.probeHeap.ids.byteLength +
      (this.listCodes === null ? 0 : this.listCodes.memoryBytes() + this.listCodes.quantizer.memoryBytes()) +
      this.candSlots.byteLength +
      this.candExact.byteLength
    );
  }

  /**
   * The index as an annlab file (format 2): parameters, centroids, CSR offsets, ids, list
   * vectors, and for an encoded index the scalar quantizer (as u8) and the codes.
   */
  serialize(): Uint8Array {
    const w = new BinaryWriter(IvfFlatIndex.TAG, IvfFlatIndex.FORMAT_VERSION);
    const params: IvfFlatFileParams = {
      dim: this.dim,
      metric: this.metric,
      seed: this.seed,
      nlist: this.nlist,
      niter: this.niter,
      init: this.init,
      maxPointsPerCentroid: this.maxPointsPerCentroid,
      trained: this.isTrained,
      encoding: this.encoding,
    };
    w.json(params);
    w.array(this.centroids.view());
    w.array(this.listOffsets);
    w.array(this.listIds);
    w.array(this.listVectors.view());
    if (this.listCodes !== null) {
      w.array(this.listCodes.quantizer.serialize());
      w.array(this.listCodes.view());
    }
    return w.finish();
  }

  /**
   * Load an index written by {@link IvfFlatIndex.serialize}; damaged or foreign bytes throw `AnnlabError`.
   *
   * @param options - `kernels` for the loaded index (default `'auto'`, as for a new index).
   */
  static deserialize(bytes: Uint8Array, options: LoadOptions = {}): IvfFlatIndex {
    const what = 'IVF-Flat file';
    const { r, p } = openIvfFile(bytes, IvfFlatIndex.TAG, [1, IvfFlatIndex.FORMAT_VERSION], what);
    const centroids = r.f32array();
    const offsets = r.i32array();
    const ids = r.i32array();
    const vectors = r.f32array();
    // Format 1 predates encodings; format 2 names one, and an encoded file adds two sections.
    const version = BinaryReader.peekHeader(bytes).version;
    if (version > 1 && typeof p.encoding !== 'string') {
      throw new AnnlabError('CORRUPT_DATA', `${what} (format ${version}) names no encoding (found ${JSON.stringify(p.encoding)}).`);
    }
    const encoding = version === 1 ? 'float32' : (p.encoding as IvfFlatEncoding);
    let sq: ScalarQuantizer | null = null;
    let codes: Uint8Array | null = null;
    if (encoding === 'sq8' || encoding === 'sq4') {
      sq = ScalarQuantizer.deserialize(r.u8array());
      codes = r.u8array();
    }
    r.finish();
    // Structure first, against the sections present (nothing allocated from a count yet).
    const { trained, dim, nlist } = checkCoarseSections(p, centroids, offsets, ids, what);
    expectLength(vectors.length, ids.length * dim, 'listVectors', `${ids.length} ids of dim = ${dim}`, what);
    checkStoredRows(vectors, dim);
    const index = asCorruptData(
      what,
      () =>
        new IvfFlatIndex({
          dim,
          metric: p.metric as Metric,
          seed: p.seed as number,
          nlist,
          niter: p.niter as number,
          init: p.init as KMeansInit,
          maxPointsPerCentroid: p.maxPointsPerCentroid as number,
          kernels: options.kernels,
          encoding,
        }),
    );
    const lc = index.listCodes;
    if (lc !== null && sq !== null && codes !== null) {
      if (sq.dim !== dim || sq.bits !== lc.bits || sq.trim !== 0 || sq.isTrained !== trained) {
        throw new AnnlabError(
          'CORRUPT_DATA',
          `${what}: the scalar quantizer (dim ${sq.dim}, ${sq.bits} bits, trained ${sq.isTrained}) does not fit an '${encoding}' index of dim ${dim} (trained ${trained}).`,
        );
      }
      expectLength(codes.length, ids.length * lc.codeSize, 'listCodes', `${ids.length} codes of ${lc.codeSize} bytes`, what);
      const q = lc.quantizer;
      if (sq.isTrained) {
        q.vmin = sq.vmin;
        q.vdiff = sq.vdiff;
        q.scale = sq.scale;
        q.isTrained = true;
      }
      lc.load(codes, ids.length);
    }
    if (trained) {
      index.centroids.append(centroids);
      index.isTrained = true;
    }
    index.listOffsets = offsets;
    index.listIds = ids;
    // Rows are stored as written (already normalised for cosine): adopt them, never re-append.
    index.listVectors.data = vectors;
    index.listVectors.size = ids.length;
    index.layOut();
    return index;
  }
}

IvfFlatIndex satisfies IndexClass<IvfFlatIndex>;

/**
 * {@link scanProbedLists} keyed by slot instead of id: the probed lists' slots with the
 * smallest `source` distances go into the k-heap as (distance, slot), so an encoded index can
 * re-measure them against the slot-ordered float vectors.
 * @returns the number of slots scanned.
 */
export function scanSlots(
  source: ListDistanceSource,
  offsets: Int32Array,
  probeLists: Int32Array,
  np: number,
  k: number,
  heap: MaxHeap,
  scan: Float64Array,
): number {
  return scanProbedLists(source, offsets, null, probeLists, np, k, heap, scan);
}

/**
 * The exact scan of the probed lists (the TypeScript reference of `scanFlat` in
 * `assembly/ivf.ts`): distances from `source` to each probed list's slots, a block at a
 * time, offered to a k-heap (cleared first) keyed by (distance, id), or by (distance, slot)
 * when `ids` is null.
 * @returns the number of slots scanned.
 */
export function scanProbedLists(
  source: ListDistanceSource,
  offsets: Int32Array,
  ids: Int32Array | null,
  probeLists: Int32Array,
  np: number,
  k: number,
  heap: MaxHeap,
  scan: Float64Array,
): number {
  heap.clear();
  let worst = Infinity;
  let scanned = 0;
  const block = scan.length;
  for (let p = 0; p < np; p++) {
    const l = probeLists[p];
    const end = offsets[l + 1];
    for (let start = offsets[l]; start < end; start += block) {
      const count = Math.min(block, end - start);
      source.distancesToRange(start, count, scan, 0);
      for (let r = 0; r < count; r++) {
        const d = scan[r];
        if (d <= worst) {
          heap.offer(d, ids === null ? start + r : ids[start + r], k);
          if (heap.size === k) worst = heap.dist[0];
        }
      }
      scanned += count;
    }
  }
  return scanned;
}
