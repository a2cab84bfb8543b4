/**
 * PCA in front of any annlab index (FAISS's `IndexPreTransform` with a `PCAMatrix`, plus
 * the exact re-ranking of `IndexRefineFlat`): vectors are projected onto their top
 * `components` principal directions and the inner index stores and searches the
 * projections; optionally the original vectors are kept too, and the best `k × rerank`
 * candidates the inner index returns are re-ranked by their exact distance in the original
 * space. The projection shrinks memory and distance cost by dim / components; re-ranking
 * buys back most of the recall the projection loses, at the cost of keeping the originals.
 *
 * PCA: Pearson 1901 / Hotelling 1933, computed as in `pca.ts`. Re-ranking ("refine"):
 * Jégou, Douze & Schmid, "Product quantization for nearest neighbor search", TPAMI 2011,
 * §IV-B re-ranks short-list candidates with exact distances; FAISS `IndexRefine`.
 *
 * How each metric maps onto the inner index (the inner index is created with the metric in
 * the second column):
 *
 * | metric          | projected vectors / queries          | inner metric    | reported without rerank |
 * |-----------------|--------------------------------------|-----------------|-------------------------|
 * | `euclidean`     | W(x − μ) / W(q − μ)                  | `euclidean`     | ‖W(q − x)‖ ≤ ‖q − x‖    |
 * | `cosine`        | W(x̂ − μ) / W(q̂ − μ), x̂ = x/‖x‖       | `euclidean`     | ‖W(q̂ − x̂)‖² / 2         |
 * | `inner-product` | W(x − μ) / W q (query not centred)   | `inner-product` | −⟨Wq, W(x − μ)⟩ − ⟨q, μ⟩ |
 *
 * Cosine: for unit vectors ‖q̂ − x̂‖² = 2 − 2cos(q, x) = 2·(cosine distance), so the vectors
 * are normalised *before* PCA (the PCA is trained on the unit vectors) and the projections
 * are searched by Euclidean distance; normalising again after the projection would measure
 * angles around the data mean instead of the origin and change the ranking. Inner product:
 * ⟨q, x⟩ = ⟨q, μ⟩ + ⟨q, x − μ⟩, the first term is the same for every x, and the second is
 * approximated in the subspace. With `whiten` every metric's projected geometry is
 * distorted (each direction scaled by 1/√λ), so use re-ranking with it.
 *
 * @module
 */
import {
  AnnlabError,
  BinaryReader,
  BinaryWriter,
  Refiner,
  VectorStore,
  PROGRESS_EVERY,
  asCorruptData,
  checkAddOptions,
  checkDim,
  checkInteger,
  checkK,
  checkKnownKeys,
  checkMetric,
  checkOptions,
  checkSearchParams,
  checkSeed,
  checkVectors,
  createSearchResult,
  metricPolicy,
  normalizeInPlace,
  padRow,
  stableInput,
  type AddOptions,
  type AnnIndex,
  type Deletable,
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
  type TaskPool,
  type TrainableIndex,
  splitPoolOptions,
} from '@annlab/core';
import { Pca, type PcaSolver } from './pca.js';
import { Projector } from './internal/projector.js';

/** What a factory receives to build the inner index. */
export interface InnerIndexOptions {
  /** The projected dimension: the PCA's `components`. */
  dim: number;
  /** The metric the inner index must search by (see the module table). */
  metric: Metric;
  /** The wrapper's seed, for the inner index's own randomness. */
  seed: number;
  /** The wrapper's kernel backend. */
  kernels: KernelBackend;
}

/** Builds the inner index, e.g. `(o) => new HnswIndex({ ...o, M: 16 })`. */
export type InnerIndexFactory = (options: InnerIndexOptions) => AnnIndex;

/**
 * The index classes {@link PreTransformIndex.deserialize} may meet as its inner index, keyed
 * by their file tag: `{ [FlatIndex.TAG]: FlatIndex, [HnswIndex.TAG]: HnswIndex }`.
 * (`@annlab/pca` imports only `@annlab/core`, so it cannot know the index classes itself.)
 * Values are {@link IndexClass}es, so a loader whose signature drifts fails to compile here.
 */
export type InnerIndexLoaders = Readonly<Record<string, IndexClass>>;

/** Options for {@link PreTransformIndex.deserialize}. */
export interface PreTransformLoadOptions extends LoadOptions {
  /**
   * The classes that can load the inner index, by tag (required to load; a missing tag is
   * refused with `NOT_FOUND`). The inner class's `deserialize` gets `{ kernels }` only; to
   * nest pre-transforms, list an entry whose `deserialize` passes its own loaders on.
   */
  loaders?: InnerIndexLoaders;
}

/** Options for {@link PreTransformIndex}. */
export interface PreTransformIndexOptions extends IndexOptions {
  /**
   * Output dimension of the PCA and dimension of the inner index, in [1, dim]. Fewer
   * components: smaller, faster inner index, lower recall before re-ranking. Training cost
   * grows with it only through the randomized solver.
   */
  components: number;
  /**
   * The index searched in the projected space: a factory (called once, with
   * {@link InnerIndexOptions}) or an empty index with `dim = components` and the metric in
   * the module table.
   */
  inner: AnnIndex | InnerIndexFactory;
  /**
   * Whiten the projections (see `PcaOptions.whiten`); distorts distances, so combine with
   * `rerank`.
   * @defaultValue false
   */
  whiten?: boolean;
  /** PCA solver (see `PcaOptions.solver`). @defaultValue `'auto'` */
  solver?: PcaSolver;
  /** Randomized PCA oversampling (see `PcaOptions.oversampling`). @defaultValue 10 */
  oversampling?: number;
  /** Randomized PCA power iterations (see `PcaOptions.powerIterations`). @defaultValue `'auto'` */
  powerIterations?: number | 'auto';
  /**
   * Keep the original vectors (4·dim bytes each) so searches can re-rank exactly
   * (`rerank > 0`). Without them the index holds only the PCA and the inner index.
   * @defaultValue true
   */
  keepVectors?: boolean;
}

/** Options of {@link PreTransformIndex.trainAsync}. */
export interface PreTransformTrainAsyncOptions {
  /**
   * The worker pool the PCA fit runs its passes on (`Pca.trainAsync`). Left out, this is
   * `train`.
   */
  pool?: TaskPool;
}

/** Options of {@link PreTransformIndex.addAsync}. */
export interface PreTransformAddAsyncOptions extends AddOptions {
  /**
   * The worker pool the first add's PCA fit runs its passes on (`Pca.trainAsync`). Left out,
   * this is `add`.
   */
  pool?: TaskPool;
}

/** Search parameters: `rerank`, `stats`, and any parameter of the inner index (passed through). */
export interface PreTransformSearchParams extends SearchParams {
  /**
   * Re-rank factor: fetch `k × rerank` candidates from the inner index and return the k
   * with the smallest exact distance in the original space (needs `keepVectors`). 0 returns
   * the inner index's answer with its approximate distances (see the module table). Each
   * unit costs k exact distance computations in dim dimensions per query.
   * @defaultValue 0
   */
  rerank?: number;
  /** Inner index parameters (`efSearch`, `nprobe`, …), passed through unchanged. */
  [innerParam: string]: unknown;
}

const OPTION_KEYS = [
  'dim',
  'metric',
  'seed',
  'kernels',
  'components',
  'inner',
  'whiten',
  'solver',
  'oversampling',
  'powerIterations',
  'keepVectors',
] as const;
/** The search keys the wrapper reads itself; every other key belongs to the inner index. */
const OWN_SEARCH_KEYS = ['rerank', 'stats'] as const;
const SEARCH_WHAT = 'PreTransformIndex.search params';

interface PreTransformFileParams {
  dim: number;
  metric: Metric;
  seed: number;
  components: number;
  keepVectors: boolean;
}

function innerMetricFor(metric: Metric): Metric {
  return metric === 'inner-product' ? 'inner-product' : 'euclidean';
}

/**
 * PCA, then any annlab index, with optional exact re-ranking in the original space.
 *
 * @example
 * ```ts
 * import { HnswIndex } from '@annlab/hnsw';
 * import { Rng } from '@annlab/core';
 * import { PreTransformIndex } from '@annlab/pca';
 *
 * const dim = 32;
 * const rng = new Rng(1); // seeded, as annlab's own builds are
 * const vectors = Float32Array.from({ length: 1000 * dim }, () => rng.nextFloat());
 * const index = new PreTransformIndex({
 *   dim,
 *   metric: 'euclidean',
 *   components: 8,                                     // the inner index sees 8-d vectors
 *   inner: (o) => new HnswIndex({ ...o, M: 16, efConstruction: 100 }),
 *   seed: 1,
 * });
 * index.add(vectors);                                  // the first add trains the PCA
 * const queries = vectors.subarray(0, 5 * dim);
 * const r = index.search(queries, 10, { efSearch: 64, rerank: 4 }); // efSearch goes to HNSW; 40 re-ranked exactly
 * const again = PreTransformIndex.deserialize(index.serialize(), { loaders: { [HnswIndex.TAG]: HnswIndex } });
 * again.search(queries, 10, { efSearch: 64, rerank: 4 }); // identical to r
 * ```
 */
export class PreTransformIndex implements TrainableIndex<PreTransformSearchParams>, MemoryReport {
  /** Algorithm tag in serialized files. */
  static readonly TAG: string = 'pca-pretransform';
  /** Format version written by {@link PreTransformIndex.serialize}. */
  static readonly FORMAT_VERSION: number = 1;

  /** Dimension of the original vectors. */
  readonly dim: number;
  /** Distance searched by, in the original space. */
  readonly metric: Metric;
  /** Seed for the PCA and the inner index. */
  readonly seed: number;
  /** Whether the original vectors are kept for re-ranking. */
  readonly keepVectors: boolean;
  private model: Pca;
  /** The index over the projections. */
  readonly inner: AnnIndex;
  /** The original vectors (unit-normalised for cosine); empty when `keepVectors` is false. */
  readonly store: VectorStore;
  private readonly pcaOptions: ConstructorParameters<typeof Pca>[0];
  private readonly kernels: KernelBackend;
  /** The trained PCA as one kernel call per vector (a placeholder until training). */
  private projector: Projector;
  /** One row, for the normalised copy of a cosine vector. */
  private readonly rowScratch: Float32Array;
  private readonly policy: MetricPolicy;
  /** Exact re-ranking in the original space, over `store`. */
  private readonly refiner: Refiner;
  /** One projected query, length `components` (searchInto). */
  private readonly queryScratch: Float32Array;
  /** Inner candidates for one query, length ≥ k × rerank (grown on demand). */
  private candIds: Int32Array;
  private candDist: Float32Array;
  /** The last params object seen by `innerParamsOf`, and its copy without `rerank`. */
  private lastParams: PreTransformSearchParams | undefined;
  private lastInnerParams: SearchParams & Record<string, unknown>;

  /** @param options - see {@link PreTransformIndexOptions}. */
  constructor(options: PreTransformIndexOptions) {
    checkOptions(options, 'PreTransformIndex');
    checkKnownKeys(options, OPTION_KEYS, 'PreTransformIndex');
    this.dim = checkDim(options.dim);
    this.metric = checkMetric(options.metric);
    this.seed = checkSeed(options.seed ?? 42);
    if (options.keepVectors !== undefined && typeof options.keepVectors !== 'boolean') {
      throw new AnnlabError('INVALID_PARAMETER', `keepVectors must be true or false, got ${String(options.keepVectors)}.`);
    }
    this.keepVectors = options.keepVectors ?? true;
    this.pcaOptions = {
      dim: this.dim,
      components: options.components,
      whiten: options.whiten,
      solver: options.solver,
      seed: this.seed,
      oversampling: options.oversampling,
      powerIterations: options.powerIterations,
      kernels: options.kernels,
    };
    this.model = new Pca(this.pcaOptions); // validates components, solver, ...
    const kernels = options.kernels ?? 'auto';
    this.kernels = kernels;
    this.projector = new Projector(null, this.dim, kernels);
    this.rowScratch = new Float32Array(this.dim);
    const innerMetric = innerMetricFor(this.metric);
    let inner: AnnIndex;
    if (typeof options.inner === 'function') {
      inner = options.inner({ dim: this.pca.components, metric: innerMetric, seed: this.seed, kernels });
    } else if (options.inner !== null && typeof options.inner === 'object' && typeof (options.inner as AnnIndex).search === 'function') {
      inner = options.inner;
      if (inner.size !== 0) {
        throw new AnnlabError(
          'INVALID_PARAMETER',
          `the inner index must be empty (it holds ${inner.size} vectors); PreTransformIndex adds the projected vectors itself.`,
        );
      }
    } else {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        'inner must be an annlab index or a factory (options) => index, e.g. (o) => new FlatIndex(o).',
      );
    }
    if (inner === null || typeof inner !== 'object' || inner.dim !== this.pca.components || inner.metric !== innerMetric) {
      const got =
        inner !== null && typeof inner === 'object' ? `dim ${String(inner.dim)}, metric '${String(inner.metric)}'` : String(inner);
      throw new AnnlabError(
        'INVALID_PARAMETER',
        `the inner index must have dim = components = ${this.pca.components} and metric '${innerMetric}' (for a '${this.metric}' PreTransformIndex), got ${got}. ` +
          `Pass a factory to have it built with the right options.`,
      );
    }
    this.inner = inner;
    this.policy = metricPolicy(this.metric);
    this.store = new VectorStore(this.dim, { normalize: this.policy.normalize, kernels });
    this.refiner = new Refiner(this.store, this.policy);
    this.queryScratch = new Float32Array(this.pca.components);
    this.candIds = new Int32Array(16);
    this.candDist = new Float32Array(16);
    this.lastParams = undefined;
    this.lastInnerParams = {};
  }

  /** Number of searchable vectors. */
  get size(): number {
    return this.inner.size;
  }

  /** The transform (untrained until the first `add` or `train`); read-only use. */
  get pca(): Pca {
    return this.model;
  }

  /** True once the PCA is trained (explicitly or by the first `add`). */
  get isTrained(): boolean {
    return this.pca.isTrained;
  }

  /** The PCA's output dimension (the inner index's dimension). */
  get components(): number {
    return this.pca.components;
  }

  /** Unit-normalised copy for cosine; the input itself otherwise. */
  private prepared(vectors: Float32Array, n: number): Float32Array {
    if (!this.policy.normalize) return vectors;
    const copy = Float32Array.from(vectors);
    for (let i = 0; i < n; i++) normalizeInPlace(copy, i * this.dim, this.dim);
    return copy;
  }

  /**
   * Train the PCA on `n × dim` vectors without adding them (e.g. on a sample). Only before
   * the first `add`: vectors already projected would not match a new transform.
   */
  train(vectors: Float32Array): void {
    const n = checkVectors(vectors, this.dim, 'training vectors');
    this.refuseRetrain('train');
    const pca = new Pca(this.pcaOptions);
    pca.train(this.prepared(stableInput(vectors), n));
    this.setPca(pca);
  }

  /**
   * {@link PreTransformIndex.train} with the PCA fit's passes over the data run on
   * `options.pool` (`Pca.trainAsync`: the same transform, byte for byte, for any number of
   * workers). Without `pool` this is `train`. The index takes the transform only when the fit
   * is back: a failed task rejects and leaves it as it was; an `add` meanwhile makes this call
   * reject with `UNSUPPORTED_OPERATION`.
   */
  async trainAsync(vectors: Float32Array, options?: PreTransformTrainAsyncOptions): Promise<void> {
    if (options !== undefined) checkOptions(options, 'PreTransformIndex.trainAsync options');
    const pool = splitPoolOptions(options, ['pool'], 'PreTransformIndex.trainAsync options').pool;
    if (pool === undefined) {
      this.train(vectors);
      return;
    }
    const n = checkVectors(vectors, this.dim, 'training vectors');
    this.refuseRetrain('train');
    const pca = new Pca(this.pcaOptions);
    await pca.trainAsync(this.prepared(stableInput(vectors), n), { pool });
    this.refuseRetrain('trainAsync');
    this.setPca(pca);
  }

  /** `UNSUPPORTED_OPERATION` once vectors are projected: they would not match a new transform. */
  private refuseRetrain(what: string): void {
    if (this.inner.size > 0) {
      throw new AnnlabError(
        'UNSUPPORTED_OPERATION',
        `PreTransformIndex.${what} must run before the first add; this index already holds projected vectors. Build a new index to retrain.`,
      );
    }
  }

  private setPca(pca: Pca): void {
    this.model = pca;
    this.projector = new Projector(pca, this.dim, this.kernels);
  }

  /** Project one row at `x[xOff…]` (normalised first for cosine) into `out[0 … components)`. */
  private projectRow(x: Float32Array, xOff: number, out: Float32Array, center: boolean): void {
    if (this.policy.normalize) {
      const row = this.rowScratch;
      row.set(x.subarray(xOff, xOff + this.dim));
      normalizeInPlace(row, 0, this.dim);
      this.projector.projectInto(row, 0, out, 0, center);
    } else {
      this.projector.projectInto(x, xOff, out, 0, center);
    }
  }

  /**
   * Project n rows (normalising each first for cosine) into `out` (n × components), calling
   * `onProgress(done)` every `PROGRESS_EVERY` rows and after the last.
   */
  private projectRows(
    x: Float32Array,
    n: number,
    projector: Projector,
    out: Float32Array,
    center: boolean,
    onProgress: ((done: number) => void) | null = null,
  ): void {
    const dim = this.dim;
    const k = projector.components;
    const normalize = this.policy.normalize;
    const row = this.rowScratch;
    for (let i = 0; i < n; i++) {
      if (normalize) {
        row.set(x.subarray(i * dim, (i + 1) * dim));
        normalizeInPlace(row, 0, dim);
        projector.projectInto(row, 0, out, i * k, center);
      } else {
        projector.projectInto(x, i * dim, out, i * k, center);
      }
      if (onProgress !== null && ((i + 1) % PROGRESS_EVERY === 0 || i + 1 === n)) onProgress(i + 1);
    }
  }

  /**
   * Add `n × dim` vectors: the first add trains the PCA on them (unless `train` ran), then
   * each is projected and added to the inner index (and kept for re-ranking). On invalid
   * input nothing changes.
   *
   * `options.onProgress(done, total)` counts the PCA fit as one step when this call trains,
   * then the n vectors projected, then the inner index's own add progress scaled to n steps:
   * `total = (1 if training) + 2n`. A callback that throws before the inner add starts (fit,
   * projection) leaves the index as it was before the call; one that throws inside the inner
   * add leaves what the inner index documents: nothing added for a one-step index (IVF), or,
   * for an incremental one (flat, HNSW, the forest's later adds), exactly the vectors it
   * inserted before the throw, kept here too (with the PCA this call trained) so the two stay
   * consistent.
   */
  add(vectors: Float32Array, options?: AddOptions): void {
    const n = checkVectors(vectors, this.dim, 'vectors');
    const onProgress = checkAddOptions(options, 'PreTransformIndex.add options');
    if (n === 0) {
      if (onProgress !== null) onProgress(0, 0);
      return;
    }
    // A view of this index's own rows (add(store.view())) would be detached as the store grows.
    vectors = stableInput(vectors);
    let pca = this.model;
    if (!pca.isTrained) {
      pca = new Pca(this.pcaOptions);
      pca.train(this.prepared(vectors, n));
    }
    this.addWith(pca, vectors, n, onProgress);
  }

  /**
   * {@link PreTransformIndex.add} with the first add's PCA fit run on `options.pool`
   * (`Pca.trainAsync`: its passes over the data split over the workers, the same transform
   * byte for byte for any number of workers); the projection and the inner add then run in
   * the calling thread, as in `add`. Without `pool`, or once the PCA is trained, this is
   * `add`. While the fit is pending the index is unchanged, and a failed task rejects and
   * leaves it so; an `add` or `train` meanwhile makes this call reject with
   * `UNSUPPORTED_OPERATION`. Progress counts as in `add`.
   */
  async addAsync(vectors: Float32Array, options?: PreTransformAddAsyncOptions): Promise<void> {
    const { pool, rest } = splitPoolOptions(options, ['onProgress', 'pool'], 'PreTransformIndex.addAsync options');
    if (pool === undefined || this.model.isTrained) {
      this.add(vectors, rest);
      return;
    }
    const n = checkVectors(vectors, this.dim, 'vectors');
    const onProgress = checkAddOptions(rest, 'PreTransformIndex.addAsync options');
    if (n === 0) {
      if (onProgress !== null) onProgress(0, 0);
      return;
    }
    vectors = stableInput(vectors);
    const model = this.model;
    const pca = new Pca(this.pcaOptions);
    await pca.trainAsync(this.prepared(vectors, n), { pool });
    if (this.model !== model || this.inner.size !== 0) {
      throw new AnnlabError(
        'UNSUPPORTED_OPERATION',
        'PreTransformIndex.addAsync: the index changed while its PCA was fitted; await addAsync before adding or training.',
      );
    }
    this.addWith(pca, vectors, n, onProgress);
  }

  /**
   * The rest of an add once `pca` is trained: progress for the fit (when this call trained
   * it), projection, the inner add, the commit. See {@link PreTransformIndex.add}.
   */
  private addWith(pca: Pca, vectors: Float32Array, n: number, onProgress: ProgressCallback | null): void {
    const fitted = pca !== this.model;
    const projector = fitted ? new Projector(pca, this.dim, this.kernels) : this.projector;
    const fitSteps = fitted ? 1 : 0;
    const total = fitSteps + 2 * n;
    if (fitted && onProgress !== null) onProgress(1, total);
    const projected = new Float32Array(n * pca.components);
    this.projectRows(vectors, n, projector, projected, true, onProgress === null ? null : (done) => onProgress(fitSteps + done, total));
    const sizeBefore = this.inner.size;
    // The inner index's units (vectors, trees, iterations) differ per index: pass on its
    // fraction done, mapped onto the last n steps.
    const base = fitSteps + n;
    let reported = base;
    const innerProgress = (done: number, innerTotal: number): void => {
      reported = base + (innerTotal > 0 ? Math.floor((done / innerTotal) * n) : n);
      if (onProgress !== null) onProgress(reported, total);
    };
    try {
      this.inner.add(projected, onProgress === null ? undefined : { onProgress: innerProgress });
    } catch (e) {
      // An incremental inner index may hold the vectors it inserted before a throwing callback.
      const added = this.inner.size - sizeBefore;
      if (added > 0) this.commit(pca, projector, vectors, added);
      throw e;
    }
    this.commit(pca, projector, vectors, n);
    // An inner index that reports no progress still gets the bar to its end.
    if (onProgress !== null && reported < total) onProgress(total, total);
  }

  /** Adopt the transform and keep the first `count` original rows of `vectors` for re-ranking. */
  private commit(pca: Pca, projector: Projector, vectors: Float32Array, count: number): void {
    this.model = pca;
    this.projector = projector;
    if (this.keepVectors) this.store.append(vectors, 0, count);
  }

  /**
   * The k nearest stored vectors of each query: project, search the inner index (for
   * `k × rerank` candidates when re-ranking), then re-rank exactly in the original space.
   *
   * @param params - `rerank` (default 0), `stats`, and the inner index's own parameters,
   *   which the inner index validates (a key it does not know is refused there).
   */
  search(queries: Float32Array, k: number, params?: PreTransformSearchParams): SearchResult {
    const nq = checkVectors(queries, this.dim, 'queries');
    checkK(k);
    const p = this.checkParams(params);
    const rerank = p.rerank ?? 0;
    if (this.inner.size === 0 || nq === 0) return createSearchResult(nq, k);
    const innerParams = this.innerParamsOf(p);
    queries = stableInput(queries);
    const dim = this.dim;
    const components = this.pca.components;
    const projected = new Float32Array(nq * components);
    this.projectRows(queries, nq, this.projector, projected, this.metric !== 'inner-product');
    const kk = rerank > 0 ? k * rerank : k;
    const found = this.inner.search(projected, kk, innerParams);
    if (rerank === 0) {
      for (let q = 0; q < nq; q++) this.toReported(queries, q * dim, found.distances, q * k, k);
      return found;
    }
    const result = createSearchResult(nq, k);
    const stats = p.stats;
    for (let q = 0; q < nq; q++) {
      const n = this.refiner.refineInto(queries, q * dim, found.ids, q * kk, kk, k, result.ids, result.distances, q * k);
      if (stats !== undefined) stats.distanceComputations += n;
    }
    return result;
  }

  /**
   * The wrapper's part of the one validation path: the shape (an object or nothing; `stats`
   * a SearchStats), `rerank`'s range and the kept vectors it needs. Keys other than `rerank`
   * and `stats` are the inner index's, checked by its own `search`.
   */
  private checkParams(params: unknown): PreTransformSearchParams {
    const keys = params !== null && typeof params === 'object' && !Array.isArray(params) ? Object.keys(params) : OWN_SEARCH_KEYS;
    const p = checkSearchParams<PreTransformSearchParams>(params, keys, SEARCH_WHAT);
    const rerank = checkInteger('rerank', p.rerank ?? 0, 0, 1 << 16);
    if (rerank > 0 && !this.keepVectors) {
      throw new AnnlabError(
        'INVALID_PARAMETER',
        'rerank > 0 needs the original vectors: build the PreTransformIndex with keepVectors: true (the default), or search with rerank: 0.',
      );
    }
    return p;
  }

  /**
   * The inner index's parameters: `params` without `rerank` (which would otherwise reach an
   * inner IVF-PQ as its own re-rank). Without `rerank` the object is passed as is; with it, a
   * copy is kept per params object and refreshed on every call, so a loop over `searchInto`
   * with one params object allocates once.
   */
  private innerParamsOf(params: PreTransformSearchParams | undefined): SearchParams | undefined {
    if (params === undefined || params.rerank === undefined) return params;
    if (params !== this.lastParams) {
      this.lastParams = params;
      this.lastInnerParams = {};
    }
    const inner = this.lastInnerParams;
    for (const key in params) if (key !== 'rerank') inner[key] = params[key];
    return inner;
  }

  /**
   * Turn the inner index's `k` distances at `dist[off…]` into this index's reported ones
   * (see the module table): cosine from the projected Euclidean distance, inner product plus
   * the constant term −⟨q, μ⟩. Padding (+Infinity) stays.
   */
  private toReported(query: Float32Array, qOff: number, dist: Float32Array, off: number, k: number): void {
    if (this.metric === 'cosine') {
      for (let i = off; i < off + k; i++) if (dist[i] !== Infinity) dist[i] = Math.min(2, (dist[i] * dist[i]) / 2);
    } else if (this.metric === 'inner-product') {
      const mean = this.pca.mean;
      const dim = this.dim;
      let qm = 0;
      for (let j = 0; j < dim; j++) qm += query[qOff + j] * mean[j];
      for (let i = off; i < off + k; i++) if (dist[i] !== Infinity) dist[i] -= qm;
    }
  }

  /**
   * One query into caller-owned output: project it, search the inner index (for `k × rerank`
   * candidates when re-ranking) and re-rank them exactly. Inputs are not validated here;
   * `search` does that. Allocates only when `k × rerank` exceeds every earlier call's.
   */
  searchInto(
    query: Float32Array,
    qOff: number,
    k: number,
    outIds: Int32Array,
    outDist: Float32Array,
    outOff: number,
    params?: PreTransformSearchParams,
  ): void {
    const rerank = params === undefined || params.rerank === undefined ? 0 : params.rerank;
    if (this.inner.size === 0) {
      padRow(outIds, outDist, outOff, 0, k);
      return;
    }
    const innerParams = this.innerParamsOf(params);
    const proj = this.queryScratch;
    this.projectRow(query, qOff, proj, this.metric !== 'inner-product');
    if (rerank === 0) {
      this.inner.searchInto(proj, 0, k, outIds, outDist, outOff, innerParams);
      this.toReported(query, qOff, outDist, outOff, k);
      return;
    }
    const kk = k * rerank;
    if (this.candIds.length < kk) {
      this.candIds = new Int32Array(kk);
      this.candDist = new Float32Array(kk);
    }
    this.inner.searchInto(proj, 0, kk, this.candIds, this.candDist, 0, innerParams);
    const n = this.refiner.refineInto(query, qOff, this.candIds, 0, kk, k, outIds, outDist, outOff);
    const stats = params === undefined ? undefined : params.stats;
    if (stats !== undefined) stats.distanceComputations += n;
  }

  /**
   * Bytes the index uses: the PCA's tables (float64: 8·dim + 8·components·dim + 24·components),
   * its float32 projector (4·components·dim + 8·components), the inner index's `usedBytes()`
   * (its `memoryBytes()` when it has none) and, with `keepVectors`, 4·n·dim of original vectors.
   * No scratch and no spare capacity ({@link PreTransformIndex.memoryBytes} counts those).
   */
  usedBytes(): number {
    const inner = this.inner as AnnIndex & Partial<MemoryReport>;
    return (
      this.pca.usedBytes() +
      this.projector.usedBytes() +
      (typeof inner.usedBytes === 'function' ? inner.usedBytes() : inner.memoryBytes()) +
      (this.keepVectors ? this.store.usedBytes() : 0)
    );
  }

  /** Bytes held: the PCA (and its float32 projector), the inner index, the kept original vectors and scratch. */
  memoryBytes(): number {
    return (
      this.pca.memoryBytes() +
      this.projector.memoryBytes() +
      this.inner.memoryBytes() +
      (this.keepVectors ? this.store.memoryBytes() : 0) +
      this.rowScratch.byteLength +
      this.refiner.memoryBytes() +
      this.queryScratch.byteLength +
      this.candIds.byteLength +
      this.candDist.byteLength
    );
  }

  /**
   * One annlab file: parameters, the PCA's own file, the inner index's own file, then the
   * original vectors (empty without `keepVectors`).
   */
  serialize(): Uint8Array {
    const w = new BinaryWriter(PreTransformIndex.TAG, PreTransformIndex.FORMAT_VERSION);
    const params: PreTransformFileParams = {
      dim: this.dim,
      metric: this.metric,
      seed: this.seed,
      components: this.pca.components,
      keepVectors: this.keepVectors,
    };
    w.json(params);
    w.array(this.pca.serialize());
    w.array(this.inner.serialize());
    w.array(this.keepVectors ? this.store.view() : new Float32Array(0));
    return w.finish();
  }

  /**
   * Load an index written by {@link PreTransformIndex.serialize}. The inner index is loaded
   * by `options.loaders[tag]`, where `tag` is the inner file's algorithm tag, e.g.
   * `PreTransformIndex.deserialize(bytes, { loaders: { [HnswIndex.TAG]: HnswIndex } })`.
   * Damaged or foreign bytes, or a missing loader, throw `AnnlabError`.
   *
   * @param options - `loaders` (see {@link PreTransformLoadOptions}) and `kernels` (default
   *   `'auto'`, also passed on to the inner class's `deserialize`).
   */
  static deserialize(bytes: Uint8Array, options: PreTransformLoadOptions = {}): PreTransformIndex {
    const r = BinaryReader.open(bytes, PreTransformIndex.TAG);
    r.expectVersion(PreTransformIndex.FORMAT_VERSION);
    const p = r.json<PreTransformFileParams | null>() ?? ({} as PreTransformFileParams);
    const pcaBytes = r.u8array();
    const innerBytes = r.u8array();
    const vectors = r.f32array();
    r.finish();
    const pca = Pca.deserialize(pcaBytes);
    const tag = BinaryReader.peekHeader(innerBytes).tag;
    const loaders = options.loaders;
    if (
      loaders === null ||
      typeof loaders !== 'object' ||
      !Object.hasOwn(loaders, tag) ||
      typeof loaders[tag]?.deserialize !== 'function'
    ) {
      const known = loaders !== null && typeof loaders === 'object' ? Object.keys(loaders).join(', ') : '';
      throw new AnnlabError(
        'NOT_FOUND',
        `no loader for the inner index tag '${tag}' (loaders given: ${known || 'none'}). Pass e.g. { loaders: { '${tag}': <IndexClass> } }.`,
      );
    }
    const inner = loaders[tag].deserialize(innerBytes, { kernels: options.kernels });
    const index = asCorruptData(
      'PCA pre-transform file',
      () =>
        new PreTransformIndex({
          dim: p.dim,
          metric: p.metric,
          seed: p.seed,
          components: p.components,
          keepVectors: p.keepVectors,
          whiten: pca.whiten,
          solver: pca.solver,
          oversampling: pca.oversampling,
          powerIterations: pca.powerIterations,
          kernels: options.kernels,
          inner: () => inner,
        }),
    );
    // Every id ever assigned has a kept row, deleted ones included: a Deletable inner index
    // counts them in idCount, while its size counts only the live ones.
    const ids = typeof (inner as Partial<Deletable>).idCount === 'number' ? (inner as AnnIndex & Deletable).idCount : inner.size;
    if (pca.dim !== index.dim || pca.components !== index.components || (ids > 0 && !pca.isTrained)) {
      throw new AnnlabError(
        'CORRUPT_DATA',
        'PCA pre-transform file is inconsistent: its PCA does not match its parameters or its inner index.',
      );
    }
    if (index.keepVectors ? vectors.length !== ids * index.dim : vectors.length !== 0) {
      throw new AnnlabError(
        'CORRUPT_DATA',
        `PCA pre-transform file is inconsistent: ${vectors.length} stored values for ${ids} vectors of dim ${index.dim}.`,
      );
    }
    // The checks add() applies to the kept originals (finite, |x| ≤ 1e15): CORRUPT_DATA otherwise.
    VectorStore.adopt(index.dim, vectors, false, 'js');
    index.setPca(pca);
    if (vectors.length > 0) {
      // Rows are stored as written (already normalised for cosine): adopt them, never re-append.
      index.store.data = vectors;
      index.store.size = vectors.length / index.dim;
    }
    return index;
  }
}

PreTransformIndex satisfies IndexClass<PreTransformIndex>;
