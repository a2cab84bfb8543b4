/**
 * Locality-sensitive hashing: L hash tables, each keyed by K concatenated hash functions
 * under which near vectors collide more often than far ones. A query looks up its own bucket
 * in every table (and, with multi-probe, the neighbouring buckets it is most likely to have
 * neighbours in), and the ids found there are measured exactly. It is the classic ANN method
 * with guarantees: for a (c, r)-near neighbour problem, L and K can be set so the answer is
 * found with constant probability in sub-linear time.
 *
 * Citations:
 * - P. Indyk, R. Motwani, "Approximate nearest neighbors: towards removing the curse of
 *   dimensionality", STOC 1998 (the L × K scheme); A. Gionis, P. Indyk, R. Motwani,
 *   "Similarity search in high dimensions via hashing", VLDB 1999.
 * - M. Charikar, "Similarity estimation techniques from rounding algorithms", STOC 2002
 *   (SimHash: random hyperplanes, for `cosine`).
 * - M. Datar, N. Immorlica, P. Indyk, V. Mirrokni, "Locality-sensitive hashing scheme based
 *   on p-stable distributions", SoCG 2004 (E2LSH: h(v) = ⌊(a·v + b) / w⌋, for `euclidean`).
 * - Q. Lv, W. Josephson, Z. Wang, M. Charikar, K. Li, "Multi-Probe LSH: Efficient Indexing
 *   for High-Dimensional Similarity Search", VLDB 2007 (query-directed probing).
 *
 * This class is the facade; each concern has its own file. Paper → code:
 * - choose L·K functions from the family → `hash-family.ts` (`drawFamily`; the default E2LSH
 *   width `estimateWidth`);
 * - preprocessing: store every vector in bucket g_j(v) of every table j → `hashRowsInto`
 *   (keys) and `internal/tables.ts` (`LshTables.rebuild`: per table a CSR of sorted keys,
 *   offsets and ids), on the first {@link LshIndex.add};
 * - query: g_j(q) for every j, the probing sequence (`multi-probe.ts`, Lv et al.'s Figure 4),
 *   the candidates from all probed buckets deduplicated and checked exactly → `search.ts`
 *   (`searchTables`), behind {@link LshIndex.searchInto}; the same walk, recorded, →
 *   `explain.ts`;
 * - file format → `internal/persistence.ts`; structural checks → `internal/invariants.ts`.
 *
 * Deviations and choices, stated honestly:
 * - A bucket is found by a 32-bit hash of its K values (binary search over sorted keys)
 *   rather than E2LSH's two-level universal hashing; distinct K-vectors sharing a key merge,
 *   which only adds candidates.
 * - The Indyk–Motwani query stops after 3L candidates for the decision problem; here every
 *   candidate of the probed buckets is checked (optionally capped by `maxCandidates`), as
 *   practical LSH for k-NN does (E2LSH's package, FALCONN).
 * - Probes are visited rank by rank across tables (all own buckets first), so a
 *   `maxCandidates` cut keeps the best-scored buckets of every table.
 * - **Adds after the build** hash the new vectors with the same functions and append their
 *   keys; the buckets are rebuilt lazily (radix sort, linear in L × n) before the next
 *   search. The default E2LSH width is estimated from the first `add` only.
 * - **Inner product is not supported** (the constructor refuses it with a message naming
 *   the alternatives): −⟨q, x⟩ is not a distance and no LSH family covers it directly.
 *
 * @module
 */
import {
  AnnlabError,
  DistanceComputer,
  PROGRESS_EVERY,
  Rng,
  VectorStore,
  asCorruptData,
  beginAdd,
  checkId,
  checkK,
  checkKernelBackend,
  checkSearchParams,
  checkVectors,
  createSearchResult,
  metricPolicy,
  padRow,
  type AddOptions,
  type AnnIndex,
  type Explainable,
  type IndexClass,
  type InvariantCheckable,
  type LoadOptions,
  type MemoryReport,
  type Metric,
  type MetricPolicy,
  type Reconstructible,
  type SearchResult,
} from '@annlab/core';
import { explainTables, type LshExplanation } from './explain.js';
import { HashFamily, drawFamily, estimateWidth, hashRowsInto } from './hash-family.js';
import { resolveOptions, type LshFamilyKind, type LshOptions } from './options.js';
import { SEARCH_KEYS, SearchContext, SearchScratch, resolveSearch, searchTables, type LshSearchParams } from './search.js';
import { checkTables, type LshInvariantReport } from './internal/invariants.js';
import { FILE_KIND, openLshFile, readLshSections, refuseInconsistent, writeLshFile } from './internal/persistence.js';
import { LshTables } from './internal/tables.js';

/** The hash functions of a built index, as copies (see {@link LshIndex.hashFunctions}). */
export interface LshHashFunctions {
  /** `'simhash'` (cosine) or `'e2lsh'` (euclidean). */
  kind: LshFamilyKind;
  /** Tables. */
  L: number;
  /** Functions per table. */
  K: number;
  /** E2LSH bucket width (0 for SimHash). */
  w: number;
  /** Projection vectors, `L·K × dim` row-major; function i of table t is row `t·K + i`. */
  projections: Float32Array;
  /** E2LSH offsets b, length `L·K` (empty for SimHash). */
  offsets: Float64Array;
}

/**
 * Locality-sensitive hashing (SimHash for cosine, E2LSH for euclidean, multi-probe) over
 * row-major `Float32Array`s.
 *
 * @example
 * ```ts
 * import { LshIndex } from '@annlab/lsh';
 * import { Rng } from '@annlab/core';
 *
 * const dim = 32;
 * const rng = new Rng(1); // seeded, as annlab's own builds are
 * const vectors = Float32Array.from({ length: 1000 * dim }, () => rng.nextFloat() - 0.5);
 * const index = new LshIndex({ dim, metric: 'cosine', L: 8, K: 8, seed: 1 }); // cosine: SimHash
 * index.add(vectors);                                  // draws the functions, fills the L tables
 * const queries = vectors.subarray(0, 5 * dim);
 * const r = index.search(queries, 10, { probes: 16 }); // buckets per table (multi-probe); more: higher recall
 * const again = LshIndex.deserialize(index.serialize());
 * again.search(queries, 10, { probes: 16 });           // identical to r
 * ```
 */
export class LshIndex
  implements
    AnnIndex<LshSearchParams>,
    Reconstructible,
    Explainable<LshSearchParams, LshExplanation>,
    InvariantCheckable<LshInvariantReport>,
    MemoryReport
{
  /** Algorithm tag in serialized files. */
  static readonly TAG: string = 'lsh';
  /** Format version written by {@link LshIndex.serialize}. */
  static readonly FORMAT_VERSION: number = 1;

  /** Vector dimension. */
  readonly dim: number;
  /** Distance searched by (`'euclidean'` or `'cosine'`). */
  readonly metric: Metric;
  /** Number of hash tables. */
  readonly L: number;
  /** Hash functions per table. */
  readonly K: number;
  /** Seed of every random choice. */
  readonly seed: number;
  /** The stored vectors (normalised for cosine), row i at `i * dim`. */
  readonly store: VectorStore;

  private width: number | null;
  private family: HashFamily | null;
  private ctx: SearchContext | null;
  /** True after deserialize while the keys are views into the caller's bytes. */
  private borrowed: boolean;
  private readonly kind: LshFamilyKind;
  private readonly kernels: LoadOptions['kernels'];
  private readonly tables: LshTables;
  private readonly policy: MetricPolicy;
  private readonly dc: DistanceComputer;
  private readonly scratch: SearchScratch;

  /**
   * @param options - `dim` (required), `metric` (`'euclidean'` or `'cosine'`), `seed`,
   *   `kernels`, `L`, `K`, `w`.
   * @throws AnnlabError `INVALID_PARAMETER` for a bad or unknown option, `w` with cosine, or
   *   `metric: 'inner-product'`.
   */
  constructor(options: LshOptions) {
    const o = resolveOptions(options);
    this.dim = o.dim;
    this.metric = o.metric;
    this.L = o.L;
    this.K = o.K;
    this.seed = o.seed;
    this.width = o.w;
    this.kind = this.metric === 'cosine' ? 'simhash' : 'e2lsh';
    this.kernels = checkKernelBackend(o.kernels);
    this.policy = metricPolicy(this.metric);
    this.store = new VectorStore(this.dim, { normalize: this.policy.normalize, kernels: this.kernels });
    this.dc = new DistanceComputer(this.store, this.policy);
    this.tables = new LshTables(this.L);
    this.scratch = new SearchScratch();
    this.family = null;
    this.ctx = null;
    this.borrowed = false;
  }

  /** Number of stored (searchable) vectors. */
  get size(): number {
    return this.store.size;
  }

  /**
   * The E2LSH bucket width: the one given, the one derived at the first `add`, or null
   * before that (and always null for cosine).
   */
  get w(): number | null {
    return this.width;
  }

  /** The hash family this index uses: `'simhash'` (cosine) or `'e2lsh'` (euclidean). */
  get familyKind(): LshFamilyKind {
    return this.kind;
  }

  /**
   * Add `n × dim` vectors; ids continue from {@link LshIndex.size}. The first non-empty
   * `add` derives the default width (E2LSH), draws the L·K hash functions and fills the
   * tables; later ones hash the new vectors with the same functions (the buckets are
   * re-sorted before the next search). Nothing changes if any value is invalid.
   *
   * `options.onProgress(done, total)` counts the vectors hashed into all L tables: `total =
   * n`, a call every 2,048 vectors (core's `PROGRESS_EVERY`) and after the last. The first
   * add is one step (its width and functions depend on the whole batch): a callback that
   * throws there leaves the index as it was before the call. Later adds are incremental: a
   * callback that throws keeps exactly the vectors hashed before it, as if `add` had been
   * called with only them.
   */
  add(vectors: Float32Array, options?: AddOptions): void {
    const { n, onProgress } = beginAdd(vectors, this.dim, options, 'LshIndex.add options');
    if (n === 0) return;
    if (this.borrowed) {
      this.tables.copyKeys();
      this.borrowed = false;
    }
    const first = this.store.append(vectors);
    const total = this.store.size;
    const drawn = this.family === null;
    const widthBefore = this.width;
    if (drawn) {
      const rng = new Rng(this.seed);
      if (this.kind === 'e2lsh' && this.width === null) this.width = estimateWidth(rng, this.store, total);
      this.setFamily(drawFamily(rng, this.kind, this.L, this.K, this.dim, this.width ?? 0, this.kernels));
    }
    const family = this.family as HashFamily;
    const tables = this.tables;
    tables.reserve(total);
    if (onProgress === null) {
      hashRowsInto(family, this.store, first, n, tables.keys, tables.stride);
      tables.count = total;
      return;
    }
    // Blocks of PROGRESS_EVERY rows, a multiple of the hashing tile: the same keys as one pass.
    for (let done = 0; done < n; ) {
      const count = Math.min(PROGRESS_EVERY, n - done);
      hashRowsInto(family, this.store, first + done, count, tables.keys, tables.stride);
      done += count;
      tables.count = first + done;
      try {
        onProgress(done, n);
      } catch (e) {
        // Keep the rows hashed so far, or none when this call drew the functions.
        const keep = drawn ? 0 : done;
        this.store.truncate(first + keep);
        tables.count = first + keep;
        if (drawn) {
          this.family = null;
          this.ctx = null;
          this.width = widthBefore;
        }
        throw e;
      }
    }
  }

  private setFamily(family: HashFamily): void {
    this.family = family;
    const projDc = new DistanceComputer(family.projections, metricPolicy('inner-product'));
    this.ctx = new SearchContext(family, this.tables, this.dc, projDc, this.policy, this.scratch);
  }

  /** Rebuild the buckets when adds left them stale. */
  private current(): SearchContext | null {
    if (this.tables.indexed !== this.tables.count) this.tables.rebuild();
    return this.ctx;
  }

  /**
   * The k nearest stored vectors of each query, approximately.
   *
   * @param queries - `nq × dim` row-major.
   * @param k - neighbours per query; rows are padded with −1/+Infinity when fewer are found.
   * @param params - `probes` (default 1), `maxCandidates` (default unlimited), `stats` (use
   *   {@link LshSearchStats} for buckets and candidates).
   */
  search(queries: Float32Array, k: number, params?: LshSearchParams): SearchResult {
    const p = checkSearchParams<LshSearchParams>(params, SEARCH_KEYS, 'LshIndex.search params');
    const nq = checkVectors(queries, this.dim, 'queries');
    checkK(k);
    const { probes, maxCandidates } = resolveSearch(p);
    const result = createSearchResult(nq, k);
    const ctx = this.current();
    if (ctx === null || nq === 0) return result;
    for (let q = 0; q < nq; q++) {
      searchTables(ctx, queries, q * this.dim, k, probes, maxCandidates, result.ids, result.distances, q * k, p.stats);
    }
    return result;
  }

  /**
   * One query into caller-owned output: the k nearest of `query[qOff .. qOff + dim)` go to
   * `outIds`/`outDist` at `outOff`, ascending, padded. Inputs are not validated here;
   * `search` does that. See `search.ts` for the steps.
   */
  searchInto(
    query: Float32Array,
    qOff: number,
    k: number,
    outIds: Int32Array,
    outDist: Float32Array,
    outOff: number,
    params?: LshSearchParams,
  ): void {
    const ctx = this.current();
    if (ctx === null) {
      padRow(outIds, outDist, outOff, 0, k);
      return;
    }
    const probes = params?.probes ?? 1;
    const maxCandidates = params?.maxCandidates ?? Infinity;
    searchTables(ctx, query, qOff, k, probes, maxCandidates, outIds, outDist, outOff, params?.stats);
  }

  /**
   * Search one query and record what the search did: its hash values in every table and
   * every bucket probed, in order, with its perturbation score, size and new candidates. A
   * separate, allocating path for learners; `result` equals {@link LshIndex.search}'s answer.
   *
   * @param query - one vector (`dim` values).
   */
  explain(query: Float32Array, k: number, params?: LshSearchParams): LshExplanation {
    const p = checkSearchParams<LshSearchParams>(params, SEARCH_KEYS, 'LshIndex.explain params');
    const nq = checkVectors(query, this.dim, 'query');
    if (nq !== 1) throw new AnnlabError('INVALID_PARAMETER', `explain takes exactly one query (${this.dim} values), got ${nq}.`);
    checkK(k);
    const { probes, maxCandidates } = resolveSearch(p);
    const ctx = this.current();
    if (ctx === null) {
      return {
        result: createSearchResult(1, k),
        family: this.kind,
        queryCodes: new Int32Array(0),
        probes: [],
        candidates: 0,
        uniqueCandidates: 0,
      };
    }
    return explainTables(ctx, this.store.size, query, k, probes, maxCandidates);
  }

  /**
   * Copies of the hash functions (projections, E2LSH offsets, width), or null before the
   * first `add`: what `annlab explain` draws the buckets from.
   */
  hashFunctions(): LshHashFunctions | null {
    const f = this.family;
    if (f === null) return null;
    return { kind: f.kind, L: f.L, K: f.K, w: f.w, projections: f.projections.view().slice(), offsets: f.offsets.slice() };
  }

  /**
   * Check the tables' invariants (hnswlib's `checkIntegrity`): keys ascending, every id in
   * exactly one bucket of every table under its own key, well-formed hash functions. Reports
   * violations (at most 50) with the bucket count and largest bucket; never throws. Stale
   * buckets (after an add) are rebuilt first.
   */
  checkInvariants(): LshInvariantReport {
    this.current();
    return checkTables(this.tables, this.family, this.store.size);
  }

  /**
   * A copy of stored vector `id` (unit-normalised for cosine).
   * @throws AnnlabError `INVALID_PARAMETER` for an id out of range.
   */
  reconstruct(id: number): Float32Array {
    return this.store.row(checkId(id, this.store.size));
  }

  /**
   * Bytes the index uses for its n vectors: 4·n·dim of vectors, the L·K hash functions whole
   * (4·dim each, plus an 8-byte offset for E2LSH), 4·L·n of keys, and the buckets: 4·L·n of
   * ids, 8 per bucket (key and start) and 4·(L + 2) of table and end offsets — together
   * n × (4·dim + 8·L) + 8·buckets + … once the buckets are current (adds leave them stale
   * until the next search). No scratch and no spare capacity ({@link LshIndex.memoryBytes}).
   */
  usedBytes(): number {
    return this.store.usedBytes() + (this.family === null ? 0 : this.family.usedBytes()) + this.tables.usedBytes();
  }

  /** Bytes allocated: vectors and keys at their capacity, hash functions, buckets, search scratch. */
  memoryBytes(): number {
    return (
      this.store.memoryBytes() +
      (this.family === null ? 0 : this.family.memoryBytes()) +
      this.tables.memoryBytes() +
      this.scratch.memoryBytes()
    );
  }

  /**
   * The index as an annlab file: parameters; the vectors; the projections and E2LSH offsets;
   * the per-id bucket keys of every table (the buckets themselves are rebuilt on load). The
   * same seed, inputs, calls and kernel backend give the same bytes.
   */
  serialize(): Uint8Array {
    const params = {
      dim: this.dim,
      metric: this.metric,
      L: this.L,
      K: this.K,
      w: this.width,
      seed: this.seed,
      built: this.family !== null,
      count: this.store.size,
    };
    return writeLshFile(LshIndex.TAG, LshIndex.FORMAT_VERSION, params, this.store.view(), this.family, this.tables);
  }

  /**
   * Load an index written by {@link LshIndex.serialize}. Damaged, foreign or inconsistent
   * bytes throw `CORRUPT_DATA` (or `WRONG_FORMAT` for another file kind).
   *
   * @param options - `kernels`: the distance backend of the loaded index, by default `'auto'`
   *   like a freshly built one, so the reloaded index returns the same distances. With
   *   `'js'` the vectors and keys are zero-copy views into `bytes` when it is suitably
   *   aligned (copied on the first `add`).
   */
  static deserialize(bytes: Uint8Array, options: LoadOptions = {}): LshIndex {
    const kernels = checkKernelBackend(options.kernels);
    const { reader, params: p } = openLshFile(bytes, LshIndex.TAG, LshIndex.FORMAT_VERSION);
    const index = asCorruptData(FILE_KIND, () => {
      const o: LshOptions = { dim: p.dim, metric: p.metric, L: p.L, K: p.K, seed: p.seed, kernels };
      if (p.w !== null) o.w = p.w;
      return new LshIndex(o);
    });
    const s = readLshSections(reader, p);
    // Validate the rows as add() would (CORRUPT_DATA), then adopt them: a view on 'js', a copy into WebAssembly memory otherwise.
    VectorStore.adopt(index.dim, s.vectors, index.policy.normalize, 'js');
    index.store.data = s.vectors;
    index.store.size = p.count;
    if (p.built) {
      const proj = VectorStore.adopt(index.dim, s.projections, false, kernels);
      index.setFamily(new HashFamily(index.kind, index.L, index.K, index.dim, index.width ?? 0, proj, s.offsets));
      index.tables.adopt(s.keys, p.count);
      index.borrowed = true;
    }
    const report = index.checkInvariants();
    if (!report.ok) refuseInconsistent(report.errors);
    return index;
  }
}

LshIndex satisfies IndexClass<LshIndex>;
