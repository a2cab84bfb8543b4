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
  DistanceComputer,
  MaxHeap,
  VectorStore,
  checkDim,
  checkInteger,
  checkK,
  checkKnownKeys,
  checkMetric,
  checkOptions,
  checkSeed,
  checkVectors,
  createSearchResult,
  drainToRow,
  metricPolicy,
  normalizeInPlace,
  type AnnIndex,
  type IndexOptions,
  type KernelBackend,
  type Metric,
  type MetricPolicy,
  type SearchParams,
  type SearchResult,
  type TrainableIndex,
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
 * Loaders for {@link PreTransformIndex.deserialize}, keyed by the inner index's file tag:
 * `{ [FlatIndex.TAG]: FlatIndex.deserialize, [HnswIndex.TAG]: HnswIndex.deserialize }`.
 * (`@annlab/pca` imports only `@annlab/core`, so it cannot know the index classes itself.)
 */
export type InnerIndexLoaders = Readonly<Record<string, (bytes: Uint8Array) => AnnIndex>>;

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
  'dim', 'metric', 'seed', 'kernels', 'components', 'inner', 'whiten', 'solver', 'oversampling', 'powerIterations', 'keepVectors',
] as const;

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

/** PCA, then any annlab index, with optional exact re-ranking in the original space. */
export class PreTransformIndex implements TrainableIndex<PreTransformSearchParams> {
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
  private readonly dc: DistanceComputer;
  private readonly heap: MaxHeap;

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
        throw new AnnlabError('INVALID_PARAMETER', `the inner index must be empty (it holds ${inner.size} vectors); PreTransformIndex adds the projected vectors itself.`);
      }
    } else {
      throw new AnnlabError('INVALID_PARAMETER', 'inner must be an annlab index or a factory (options) => index, e.g. (o) => new FlatIndex(o).');
    }
    if (inner === null || typeof inner !== 'object' || inner.dim !== this.pca.components || inner.metric !== innerMetric) {
      const got = inner !== null && typeof inner === 'object' ? `dim ${String(inner.dim)}, metric '${String(inner.metric)}'` : String(inner);
      throw new AnnlabError(
        'INVALID_PARAMETER',
        `the inner index must have dim = components = ${this.pca.components} and metric '${innerMetric}' (for a '${this.metric}' PreTransformIndex), got ${got}. ` +
          `Pass a factory to have it built with the right options.`,
      );
    }
    this.inner = inner;
    this.policy = metricPolicy(this.metric);
    this.store = new VectorStore(this.dim, { normalize: this.policy.normalize, kernels });
    this.dc = new DistanceComputer(this.store, this.policy);
    this.heap = new MaxHeap(16);
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
    if (this.inner.size > 0) {
      throw new AnnlabError('UNSUPPORTED_OPERATION', 'PreTransformIndex.train must run before the first add; this index already holds projected vectors. Build a new index to retrain.');
    }
    const pca = new Pca(this.pcaOptions);
    pca.train(this.prepared(vectors, n));
    this.setPca(pca);
  }

  private setPca(pca: Pca): void {
    this.model = pca;
    this.projector = new Projector(pca, this.dim, this.kernels);
  }

  /** Project n rows (normalising each first for cosine) into `out` (n × components). */
  private projectRows(x: Float32Array, n: number, projector: Projector, out: Float32Array, center: boolean): void {
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
    }
  }

  /**
   * Add `n × dim` vectors: the first add trains the PCA on them (unless `train` ran), then
   * each is projected and added to the inner index (and kept for re-ranking). On error
   * nothing changes.
   */
  add(vectors: Float32Array): void {
    const n = checkVectors(vectors, this.dim, 'vectors');
    if (n === 0) return;
    let pca = this.model;
    let projector = this.projector;
    if (!pca.isTrained) {
      pca = new Pca(this.pcaOptions);
      pca.train(this.prepared(vectors, n));
      projector = new Projector(pca, this.dim, this.kernels);
    }
    const projected = new Float32Array(n * pca.components);
    this.projectRows(vectors, n, projector, projected, true);
    this.inner.add(projected);
    this.model = pca;
    this.projector = projector;
    if (this.keepVectors) this.store.append(vectors);
  }

  /**
   * The k nearest stored vectors of each query: project, search the inner index (for
   * `k × rerank` candidates when re-ranking), then re-rank exactly in the original space.
   *
   * @param params - `rerank` (default 0), `stats`, and the inner index's own parameters.
   */
  search(queries: Float32Array, k: number, params: PreTransformSearchParams = {}): SearchResult {
    const nq = checkVectors(queries, this.dim, 'queries');
    checkK(k);
    const rerank = checkInteger('rerank', params.rerank ?? 0, 0, 1 << 16);
    if (rerank > 0 && !this.keepVectors) {
      throw new AnnlabError('INVALID_PARAMETER', 'rerank > 0 needs the original vectors: build the PreTransformIndex with keepVectors: true (the default), or search with rerank: 0.');
    }
    if (this.inner.size === 0 || nq === 0) return createSearchResult(nq, k);
    const innerParams: SearchParams & Record<string, unknown> = {};
    for (const key of Object.keys(params)) if (key !== 'rerank') innerParams[key] = params[key];
    const dim = this.dim;
    const pca = this.pca;
    const isIp = this.metric === 'inner-product';
    const projected = new Float32Array(nq * pca.components);
    this.projectRows(queries, nq, this.projector, projected, !isIp);
    const kk = rerank > 0 ? k * rerank : k;
    const found = this.inner.search(projected, kk, innerParams);
    if (rerank === 0) {
      const dist = found.distances;
      if (this.metric === 'cosine') {
        for (let i = 0; i < dist.length; i++) if (dist[i] !== Infinity) dist[i] = Math.min(2, (dist[i] * dist[i]) / 2);
      } else if (isIp) {
        const mean = pca.mean;
        for (let q = 0; q < nq; q++) {
          let qm = 0;
          for (let j = 0; j < dim; j++) qm += queries[q * dim + j] * mean[j];
          for (let i = q * k; i < (q + 1) * k; i++) if (dist[i] !== Infinity) dist[i] -= qm;
        }
      }
      return found;
    }
    const result = createSearchResult(nq, k);
    const cand = new Int32Array(kk);
    const cdist = new Float64Array(kk);
    const heap = this.heap;
    const stats = params.stats;
    for (let q = 0; q < nq; q++) {
      let count = 0;
      const row = q * kk;
      for (let i = 0; i < kk; i++) {
        const id = found.ids[row + i];
        if (id >= 0) cand[count++] = id;
      }
      this.dc.setQuery(queries, q * dim);
      this.dc.distancesToIds(cand, 0, count, cdist, 0);
      heap.clear();
      for (let i = 0; i < count; i++) heap.offer(cdist[i], cand[i], k);
      drainToRow(heap, this.policy, k, result.ids, result.distances, q * k);
      if (stats !== undefined) stats.distanceComputations += count;
    }
    return result;
  }

  /** Bytes held: the PCA (and its float32 projector), the inner index, the kept original vectors and scratch. */
  memoryBytes(): number {
    return (
      this.pca.memoryBytes() + this.projector.memoryBytes() + this.inner.memoryBytes() +
      (this.keepVectors ? this.store.memoryBytes() : 0) + this.rowScratch.byteLength +
      this.heap.dist.byteLength + this.heap.ids.byteLength
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
   * by `loaders[tag]`, where `tag` is the inner file's algorithm tag, e.g.
   * `PreTransformIndex.deserialize(bytes, { [HnswIndex.TAG]: HnswIndex.deserialize })`.
   * Damaged or foreign bytes, or a missing loader, throw `AnnlabError`.
   */
  static deserialize(bytes: Uint8Array, loaders: InnerIndexLoaders): PreTransformIndex {
    const r = BinaryReader.open(bytes, PreTransformIndex.TAG);
    r.expectVersion(PreTransformIndex.FORMAT_VERSION);
    const p = r.json<PreTransformFileParams>();
    const pcaBytes = r.u8array();
    const innerBytes = r.u8array();
    const vectors = r.f32array();
    r.finish();
    const pca = Pca.deserialize(pcaBytes);
    const tag = BinaryReader.peekHeader(innerBytes).tag;
    if (loaders === null || typeof loaders !== 'object' || !Object.prototype.hasOwnProperty.call(loaders, tag) || typeof loaders[tag] !== 'function') {
      const known = loaders !== null && typeof loaders === 'object' ? Object.keys(loaders).join(', ') : '';
      throw new AnnlabError(
        'NOT_FOUND',
        `no loader for the inner index tag '${tag}' (loaders given: ${known || 'none'}). Pass e.g. { '${tag}': <IndexClass>.deserialize }.`,
      );
    }
    const inner = loaders[tag](innerBytes);
    let index: PreTransformIndex;
    try {
      index = new PreTransformIndex({
        dim: p.dim,
        metric: p.metric,
        seed: p.seed,
        components: p.components,
        keepVectors: p.keepVectors,
        whiten: pca.whiten,
        solver: pca.solver,
        oversampling: pca.oversampling,
        powerIterations: pca.powerIterations,
        inner: () => inner,
      });
    } catch (e) {
      throw new AnnlabError('CORRUPT_DATA', `PCA pre-transform file has invalid parameters: ${(e as Error).message}`, { cause: e });
    }
    if (pca.dim !== index.dim || pca.components !== index.components || (inner.size > 0 && !pca.isTrained)) {
      throw new AnnlabError('CORRUPT_DATA', 'PCA pre-transform file is inconsistent: its PCA does not match its parameters or its inner index.');
    }
    if (index.keepVectors ? vectors.length !== inner.size * index.dim : vectors.length !== 0) {
      throw new AnnlabError('CORRUPT_DATA', `PCA pre-transform file is inconsistent: ${vectors.length} stored values for ${inner.size} vectors of dim ${index.dim}.`);
    }
    index.setPca(pca);
    if (vectors.length > 0) {
      // Rows are stored as written (already normalised for cosine): adopt, do not re-append.
      index.store.data = vectors;
      index.store.size = vectors.length / index.dim;
    }
    return index;
  }
}
