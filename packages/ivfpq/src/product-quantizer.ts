/**
 * Product quantization: split each `dim`-vector into `m` sub-vectors of `dsub = dim / m`
 * components and quantize each sub-vector independently with its own k-means codebook of
 * `ksub = 2^nbits` centroids. A vector becomes `m` small integers (one byte each for
 * nbits ≤ 8), and the codebook product represents ksub^m distinct points with only
 * m·ksub·dsub stored floats. Distances from a query to encoded vectors are computed without
 * decoding them: one m × ksub table of query-to-centroid sub-distances per query, then one
 * table lookup per sub-quantizer per code (asymmetric distance computation, ADC).
 *
 * Reference: H. Jégou, M. Douze, C. Schmid, "Product quantization for nearest neighbor
 * search", IEEE TPAMI 33(1), 2011: Section II (product quantizer), Section III.A
 * (asymmetric distance computation); FAISS `impl/ProductQuantizer.h` as the reference
 * behaviour (codebook layout (M, ksub, dsub), `compute_distance_table`).
 *
 * Map:
 * - learning the m sub-quantizers (k-means per sub-space) → {@link ProductQuantizer.train}
 * - q(x) = (q_1(u_1), …, q_m(u_m)) → {@link ProductQuantizer.encode} / {@link ProductQuantizer.encodeInto}
 * - reproduction values → {@link ProductQuantizer.decode}
 * - ADC, Eq. (13): d̃(x, y)² = Σ_j d(u_j(x), q_j(u_j(y)))² → {@link ProductQuantizer.computeL2Table}
 *   and {@link ProductQuantizer.adcDistanceRef}; the inner-product analogue →
 *   {@link ProductQuantizer.computeIpTable}
 *
 * Deviations: dim must be a multiple of m (no padding; FAISS requires the same). With fewer
 * training vectors than ksub, each sub-space's codebook is the training sub-vectors
 * themselves (the exact k-means optimum, zero error), the unused slots repeating them.
 *
 * @module
 */
import {
  AnnlabError,
  BinaryWriter,
  DistanceComputer,
  VectorStore,
  asCorruptData,
  checkAddOptions,
  checkDim,
  checkInteger,
  checkKnownKeys,
  checkOptions,
  checkSeed,
  checkVectors,
  dotRange,
  l2SquaredRange,
  metricPolicy,
  Rng,
  stableInput,
  type AddOptions,
  type KernelBackend,
  type LoadOptions,
  type TaskPool,
  splitPoolOptions,
} from '@annlab/core';
import { KMeans } from './kmeans.js';
import { AssignScratch, assignNearest, centroidStore } from './internal/assign.js';
import { checkStoredRange, expectLength, intField, openIvfFile, trainedFlag } from './internal/ivf-common.js';

/** Options of {@link ProductQuantizer.trainAsync}. */
export interface ProductQuantizerTrainAsyncOptions extends AddOptions {
  /**
   * The worker pool that runs the k-means assignment steps (see
   * {@link ProductQuantizer.trainAsync}). Left out, training runs in the calling thread.
   */
  pool?: TaskPool;
}

/** Options for {@link ProductQuantizer}. */
export interface ProductQuantizerOptions {
  /** Vector dimension; must be a multiple of `m`. */
  dim: number;
  /**
   * Number of sub-quantizers (bytes per code at nbits = 8). More sub-quantizers: finer codes
   * (better recall), more memory (m bytes per vector) and a slower ADC scan (m lookups per
   * candidate). dim must be divisible by m.
   */
  m: number;
  /**
   * Bits per sub-quantizer code, 1–8 (ksub = 2^nbits centroids per sub-space). 8 is the
   * usual choice; fewer bits shrink the tables and training but lose accuracy.
   * @defaultValue 8
   */
  nbits?: number;
  /**
   * k-means iterations per sub-quantizer (training time is linear in it).
   * @defaultValue 25 (FAISS's default)
   */
  niter?: number;
  /**
   * Training sets above `ksub × maxPointsPerCentroid` vectors are subsampled.
   * @defaultValue 256
   */
  maxPointsPerCentroid?: number;
  /**
   * Seed for the sub-quantizers' k-means (sub-quantizer j uses a seed derived from it).
   * @defaultValue 42
   */
  seed?: number;
  /** Receives training warnings (too few training vectors per centroid). */
  onWarning?: (message: string) => void;
  /**
   * Backend of the tile kernels used by training and batch encoding (see core's
   * `KernelBackend`). Not saved in files.
   * @defaultValue `'auto'`
   */
  kernels?: KernelBackend;
}

const OPTION_KEYS = ['dim', 'm', 'nbits', 'niter', 'maxPointsPerCentroid', 'seed', 'onWarning', 'kernels'] as const;

/** A product quantizer (FAISS `ProductQuantizer`); see the module doc. */
export class ProductQuantizer {
  /** Algorithm tag in serialized files. */
  static readonly TAG: string = 'pq';
  /** Format version written by {@link ProductQuantizer.serialize}. */
  static readonly FORMAT_VERSION: number = 1;

  /** Vector dimension. */
  readonly dim: number;
  /** Number of sub-quantizers (bytes per code). */
  readonly m: number;
  /** Bits per sub-quantizer code. */
  readonly nbits: number;
  /** Centroids per sub-quantizer, 2^nbits. */
  readonly ksub: number;
  /** Components per sub-vector, dim / m. */
  readonly dsub: number;
  /** k-means iterations per sub-quantizer. */
  readonly niter: number;
  /** Subsampling cap per centroid for training. */
  readonly maxPointsPerCentroid: number;
  /** Seed for training. */
  readonly seed: number;
  /**
   * Codebooks, length m·ksub·dsub, layout (m, ksub, dsub): centroid c of sub-quantizer j
   * starts at `(j * ksub + c) * dsub`.
   */
  centroids: Float32Array;
  /** Warnings from training. */
  warnings: string[];
  /** True once trained. */
  isTrained: boolean;
  private readonly onWarning: ((message: string) => void) | undefined;
  private readonly kernels: KernelBackend | undefined;
  /** The codebooks as a core store (m·ksub rows of dsub) for the SIMD table path; built on demand. */
  private bookOf: Float32Array | null;
  private l2Dc: DistanceComputer | null;
  private ipDc: DistanceComputer | null;

  /** @param options - see {@link ProductQuantizerOptions}. */
  constructor(options: ProductQuantizerOptions) {
    checkOptions(options, 'ProductQuantizer');
    checkKnownKeys(options, OPTION_KEYS, 'ProductQuantizer');
    this.dim = checkDim(options.dim);
    this.m = checkInteger('m', options.m, 1, this.dim);
    if (this.dim % this.m !== 0) {
      const divisors: number[] = [];
      for (let d = 1; d <= this.dim && divisors.length < 12; d++) if (this.dim % d === 0) divisors.push(d);
      throw new AnnlabError(
        'INVALID_PARAMETER',
        `m = ${this.m} does not divide dim = ${this.dim}: every sub-quantizer needs dim / m whole components. ` +
          `Choose m among the divisors of ${this.dim} (${divisors.join(', ')}, …), or reduce/pad the vectors (e.g. with PCA).`,
      );
    }
    this.nbits = checkInteger('nbits', options.nbits ?? 8, 1, 8);
    this.ksub = 1 << this.nbits;
    this.dsub = this.dim / this.m;
    this.niter = checkInteger('niter', options.niter ?? 25, 0, 100_000);
    this.maxPointsPerCentroid = checkInteger('maxPointsPerCentroid', options.maxPointsPerCentroid ?? 256, 1);
    this.seed = checkSeed(options.seed ?? 42);
    if (options.onWarning !== undefined && typeof options.onWarning !== 'function') {
      throw new AnnlabError('INVALID_PARAMETER', 'onWarning must be a function (message: string) => void.');
    }
    this.onWarning = options.onWarning;
    this.kernels = options.kernels;
    this.bookOf = null;
    this.l2Dc = null;
    this.ipDc = null;
    this.centroids = new Float32Array(this.m * this.ksub * this.dsub);
    this.warnings = [];
    this.isTrained = false;
  }

  /** Bytes per encoded vector (m, since nbits ≤ 8 codes are stored one per byte). */
  get codeSize(): number {
    return this.m;
  }

  /**
   * Learn the m codebooks from `n × dim` vectors (n ≥ 1; fewer than ksub gives exact codebooks).
   *
   * @param options - `onProgress(done, m × niter)` after each k-means iteration of each
   *   sub-quantizer (an exact codebook counts its niter steps at once). Training commits only
   *   at the end: a callback that throws leaves the quantizer as it was before the call.
   */
  train(x: Float32Array, options?: AddOptions): void {
    const run = this.codebooks(x, options, 'ProductQuantizer.train options');
    for (let r = run.next(); r.done !== true; r = run.next()) r.value.km.train(r.value.sub, r.value.options);
  }

  /**
   * {@link ProductQuantizer.train} with each sub-quantizer's k-means assignment steps on
   * `options.pool` (`KMeans.trainAsync`; a pool such as `createThreadPool({ threads })` from
   * `@annlab/threads`): the codebooks are the same bytes for any number of workers, and
   * training time falls about linearly with them. Without `pool` this is `train`. A failed
   * task or a throwing callback rejects the promise and leaves the quantizer as it was.
   */
  async trainAsync(x: Float32Array, options?: ProductQuantizerTrainAsyncOptions): Promise<void> {
    const { pool, rest: trainOptions } = splitPoolOptions(options, ['onProgress', 'pool'], 'ProductQuantizer.trainAsync options');
    if (pool === undefined) {
      this.train(x, trainOptions);
      return;
    }
    const run = this.codebooks(x, trainOptions, 'ProductQuantizer.trainAsync options');
    for (let r = run.next(); r.done !== true; r = run.next()) await r.value.km.trainAsync(r.value.sub, { ...r.value.options, pool });
  }

  /**
   * The training, as a generator: for each sub-space with more training vectors than ksub it
   * yields the k-means to train on the sub-vectors (the driver trains it, in this thread or on
   * a pool), then copies its centroids; exact codebooks are filled here. Commits at the end.
   */
  private *codebooks(
    x: Float32Array,
    options: AddOptions | undefined,
    what: string,
  ): Generator<{ km: KMeans; sub: Float32Array; options: AddOptions | undefined }, void, void> {
    const n = checkVectors(x, this.dim, 'training vectors');
    const onProgress = checkAddOptions(options, what);
    if (n === 0) throw new AnnlabError('EMPTY_INDEX', 'ProductQuantizer.train needs at least one training vector.');
    x = stableInput(x);
    const { m, ksub, dsub, dim } = this;
    const centroids = new Float32Array(m * ksub * dsub);
    const sub = new Float32Array(n * dsub);
    const warnings: string[] = [];
    const seeds = new Rng(this.seed);
    for (let j = 0; j < m; j++) {
      const seed = Math.floor(seeds.nextDouble() * 2 ** 31);
      for (let i = 0; i < n; i++) {
        const src = i * dim + j * dsub;
        const dst = i * dsub;
        for (let t = 0; t < dsub; t++) sub[dst + t] = x[src + t];
      }
      const out = j * ksub * dsub;
      if (n <= ksub) {
        // Exact codebook: one centroid per training sub-vector; the rest repeat them.
        for (let c = 0; c < ksub; c++) {
          const i = c % n;
          for (let t = 0; t < dsub; t++) centroids[out + c * dsub + t] = sub[i * dsub + t];
        }
        if (onProgress !== null) onProgress((j + 1) * this.niter, m * this.niter);
        continue;
      }
      const km = new KMeans({
        dim: dsub,
        k: ksub,
        niter: this.niter,
        maxPointsPerCentroid: this.maxPointsPerCentroid,
        seed,
        kernels: this.kernels,
      });
      const before = j * this.niter;
      const total = m * this.niter;
      yield { km, sub, options: onProgress === null ? undefined : { onProgress: (done) => onProgress(before + done, total) } };
      centroids.set(km.centroids, out);
      if (j === 0) for (const w of km.warnings) warnings.push(`product quantizer: ${w}`);
    }
    this.centroids = centroids;
    this.warnings = warnings;
    this.isTrained = true;
    if (this.onWarning !== undefined) for (const w of warnings) this.onWarning(w);
  }

  private requireTrained(what: string): void {
    if (!this.isTrained) throw new AnnlabError('NOT_TRAINED', `ProductQuantizer.${what} needs trained codebooks: call train(x) first.`);
  }

  /**
   * Encode `n × dim` vectors: returns `n × m` codes (row-major, one byte per sub-quantizer),
   * each the nearest centroid of its sub-space (ties to the smaller index).
   */
  encode(x: Float32Array): Uint8Array {
    this.requireTrained('encode');
    const n = checkVectors(x, this.dim, 'vectors');
    const codes = new Uint8Array(n * this.m);
    this.encodeBatchInto(stableInput(x), n, codes, 0);
    return codes;
  }

  /**
   * Encode `n` rows of `x` (already validated) into `codes` from byte `cOff`, through core's
   * tile kernels: each sub-space's block of sub-vectors against its codebook.
   */
  encodeBatchInto(x: Float32Array, n: number, codes: Uint8Array, cOff: number): void {
    const { m, ksub, dsub, dim } = this;
    const BLOCK = 256;
    const sub = new Float32Array(BLOCK * dsub);
    const labels = new Int32Array(BLOCK);
    const dists = new Float64Array(BLOCK);
    const scratch = new AssignScratch(dsub, ksub);
    for (let j = 0; j < m; j++) {
      const book = centroidStore(this.centroids.subarray(j * ksub * dsub, (j + 1) * ksub * dsub), ksub, dsub, this.kernels);
      for (let i0 = 0; i0 < n; i0 += BLOCK) {
        const nb = Math.min(BLOCK, n - i0);
        for (let i = 0; i < nb; i++) {
          const src = (i0 + i) * dim + j * dsub;
          for (let t = 0; t < dsub; t++) sub[i * dsub + t] = x[src + t];
        }
        assignNearest(sub, 0, nb, dsub, book, ksub, false, 0, labels, dists, scratch);
        for (let i = 0; i < nb; i++) codes[cOff + (i0 + i) * m + j] = labels[i];
      }
    }
  }

  /**
   * Encode one vector `x[xOff .. xOff + dim)` into `codes[cOff .. cOff + m)` (reference path:
   * one sub-vector at a time, no tiling).
   */
  encodeInto(x: Float32Array, xOff: number, codes: Uint8Array, cOff: number): void {
    const { m, ksub, dsub } = this;
    const d = new Float64Array(ksub);
    for (let j = 0; j < m; j++) {
      l2SquaredRange(x, xOff + j * dsub, this.centroids, j * ksub, ksub, dsub, d, 0);
      let best = 0;
      for (let c = 1; c < ksub; c++) if (d[c] < d[best]) best = c;
      codes[cOff + j] = best;
    }
  }

  /** Decode `n × m` codes (each below ksub) into `n × dim` reproduction vectors (concatenated centroids). */
  decode(codes: Uint8Array): Float32Array {
    this.requireTrained('decode');
    if (!(codes instanceof Uint8Array) || codes.length % this.m !== 0) {
      throw new AnnlabError('INVALID_PARAMETER', `codes must be a Uint8Array of n × m = n × ${this.m} bytes.`);
    }
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] >= this.ksub) {
        throw new AnnlabError(
          'INVALID_PARAMETER',
          `codes[${i}] = ${codes[i]} is not a code of this quantizer (codes are below ksub = ${this.ksub}).`,
        );
      }
    }
    const n = codes.length / this.m;
    const out = new Float32Array(n * this.dim);
    for (let i = 0; i < n; i++) this.decodeInto(codes, i * this.m, out, i * this.dim);
    return out;
  }

  /** Decode one code `codes[cOff .. cOff + m)` into `out[outOff .. outOff + dim)`. */
  decodeInto(codes: Uint8Array, cOff: number, out: Float32Array, outOff: number): void {
    const { m, ksub, dsub } = this;
    const cent = this.centroids;
    for (let j = 0; j < m; j++) {
      const src = (j * ksub + codes[cOff + j]) * dsub;
      const dst = outOff + j * dsub;
      for (let t = 0; t < dsub; t++) out[dst + t] = cent[src + t];
    }
  }

  /**
   * ADC table for squared L2 (paper Eq. 13): `table[tOff + j·ksub + c] = ‖q_j − centroid_{j,c}‖²`
   * for the query `q[qOff .. qOff + dim)`; m × ksub values. The ADC distance to a code is
   * then Σ_j table[j·ksub + code_j].
   */
  computeL2Table(q: Float32Array, qOff: number, table: Float64Array, tOff: number): void {
    const { m, ksub, dsub } = this;
    const dc = this.simdComputer(false);
    if (dc !== null) {
      for (let j = 0; j < m; j++) {
        dc.setQuery(q, qOff + j * dsub);
        dc.distancesToRange(j * ksub, ksub, table, tOff + j * ksub);
      }
      return;
    }
    for (let j = 0; j < m; j++) l2SquaredRange(q, qOff + j * dsub, this.centroids, j * ksub, ksub, dsub, table, tOff + j * ksub);
  }

  /**
   * Inner-product table, negated so that smaller is closer: `table[tOff + j·ksub + c] =
   * −⟨q_j, centroid_{j,c}⟩`; Σ_j table[j·ksub + code_j] = −⟨q, decode(code)⟩.
   */
  computeIpTable(q: Float32Array, qOff: number, table: Float64Array, tOff: number): void {
    const { m, ksub, dsub } = this;
    const dc = this.simdComputer(true);
    if (dc !== null) {
      for (let j = 0; j < m; j++) {
        dc.setQuery(q, qOff + j * dsub);
        dc.distancesToRange(j * ksub, ksub, table, tOff + j * ksub);
      }
      return;
    }
    for (let j = 0; j < m; j++) dotRange(q, qOff + j * dsub, this.centroids, j * ksub, ksub, dsub, 0, table, tOff + j * ksub);
  }

  /**
   * On the SIMD backend, a distance computer over the codebooks held as a core store (the
   * (m, ksub, dsub) layout is already m·ksub rows of dsub), so the tables run on the wasm
   * kernels; null on the plain-TS backend, where the loops above call the kernels directly
   * (no per-call query copy). Rebuilt whenever `centroids` is replaced (train, load): replace
   * the array rather than editing it in place.
   */
  private simdComputer(ip: boolean): DistanceComputer | null {
    if (this.bookOf !== this.centroids) {
      this.bookOf = this.centroids;
      this.l2Dc = null;
      this.ipDc = null;
      const store = new VectorStore(this.dsub, { kernels: this.kernels, capacity: this.m * this.ksub });
      if (store.wasm !== null) {
        store.append(this.centroids);
        this.l2Dc = new DistanceComputer(store, metricPolicy('euclidean'));
        this.ipDc = new DistanceComputer(store, metricPolicy('inner-product'));
      }
    }
    return ip ? this.ipDc : this.l2Dc;
  }

  /**
   * The readable ADC: Σ_j table[j·ksub + code_j] for the code at `codes[cOff]`. The index's
   * scan loop computes the same sum, unrolled; tests hold the two together.
   */
  adcDistanceRef(table: Float64Array, codes: Uint8Array, cOff: number): number {
    let s = 0;
    for (let j = 0; j < this.m; j++) s += table[j * this.ksub + codes[cOff + j]];
    return s;
  }

  /** Bytes held by the codebooks. */
  memoryBytes(): number {
    return this.centroids.byteLength;
  }

  /** The quantizer as an annlab file: parameters and codebooks. */
  serialize(): Uint8Array {
    const w = new BinaryWriter(ProductQuantizer.TAG, ProductQuantizer.FORMAT_VERSION);
    w.json({
      dim: this.dim,
      m: this.m,
      nbits: this.nbits,
      niter: this.niter,
      maxPointsPerCentroid: this.maxPointsPerCentroid,
      seed: this.seed,
      trained: this.isTrained,
    });
    w.array(this.centroids);
    return w.finish();
  }

  /**
   * Load a quantizer written by {@link ProductQuantizer.serialize}; damaged or foreign bytes
   * throw `AnnlabError` (`CORRUPT_DATA` naming the field for inconsistent ones).
   *
   * @param options - `kernels` for training and encoding (default `'auto'`).
   */
  static deserialize(bytes: Uint8Array, options: LoadOptions = {}): ProductQuantizer {
    const what = 'product quantizer file';
    const { r, p } = openIvfFile(bytes, ProductQuantizer.TAG, ProductQuantizer.FORMAT_VERSION, what);
    const centroids = r.f32array();
    r.finish();
    // The codebook section bounds dim and nbits before the constructor allocates from them.
    const trained = trainedFlag(p, what);
    const dim = intField(p, 'dim', undefined, 1, 1 << 20, what);
    const nbits = intField(p, 'nbits', 8, 1, 8, what);
    expectLength(centroids.length, (1 << nbits) * dim, 'centroids', `nbits = ${nbits}, dim = ${dim}`, what);
    checkStoredRange(centroids, 'centroids', what);
    const pq = asCorruptData(
      what,
      () =>
        new ProductQuantizer({
          dim,
          m: p.m as number,
          nbits,
          niter: p.niter as number,
          maxPointsPerCentroid: p.maxPointsPerCentroid as number,
          seed: p.seed as number,
          kernels: options.kernels,
        }),
    );
    pq.centroids = centroids;
    pq.isTrained = trained;
    return pq;
  }
}
