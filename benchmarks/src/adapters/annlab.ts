/**
 * Adapters for annlab's own indexes. Every index implements `AnnIndex` from @annlab/core, so
 * one generic adapter serves them all: construct with `{ dim, metric, seed, ...build }`, add
 * the base (trainable indexes train on that first add), search with the per-call parameters.
 * `pca+<name>` wraps any of them in @annlab/pca's `PreTransformIndex`.
 *
 * The classes are imported statically and held in one typed map, {@link ANNLAB_CLASSES}, whose
 * entries must satisfy core's `IndexClass` (tag, format version, loader) and construct an
 * `AnnIndex`: a change to an index's public API fails to compile here, not at run time in a
 * benchmark. Native peers stay optional and load dynamically (see `native.ts`, `faiss.ts`).
 *
 * @module
 */
import {
  AnnlabError,
  BinaryReader,
  isAnnlabError,
  type AnnIndex,
  type IndexClass,
  type IndexOptions,
  type LoadOptions,
  type SearchParams,
  type SearchStats,
} from '@annlab/core';
import { FlatIndex } from '@annlab/flat';
import { HnswIndex } from '@annlab/hnsw';
import { IvfFlatIndex, IvfPqIndex } from '@annlab/ivfpq';
import { LshIndex } from '@annlab/lsh';
import { NnDescentIndex } from '@annlab/nndescent';
import { Pca, PreTransformIndex, type InnerIndexOptions } from '@annlab/pca';
import { RpForestIndex } from '@annlab/rpforest';
import { createThreadPool, searchBatch, shareIndex, type SharedIndex, type ThreadPool } from '@annlab/threads';
import { VamanaIndex } from '@annlab/vamana';
import type { Params } from '../suite.js';
import { WARMUP_MS, nowMs } from '../timing.js';
import type { AlgorithmAdapter, BuildInput, BuiltIndex, Searcher } from './adapter.js';

/**
 * An annlab index class as the harness holds it: core's `IndexClass` (file tag, format
 * version, `deserialize(bytes, options?)`) and a constructor taking one options object.
 *
 * @typeParam I - the instances it makes and loads.
 * @typeParam O - its construction options.
 */
export interface AnnlabIndexClass<I extends AnnIndex = AnnIndex, O extends IndexOptions = IndexOptions> extends IndexClass<I> {
  /** Construct an empty index from `{ dim, metric, seed, ...build }`. */
  new (options: O): I;
}

/** Suite names of annlab's own algorithms (PCA pipelines are `pca+<name>` over these). */
export type AnnlabAlgorithm = 'flat' | 'rpforest' | 'hnsw' | 'ivfflat' | 'ivfpq' | 'vamana' | 'lsh' | 'nndescent';

/** {@link AnnlabAlgorithm} in a stable order: the names `annlab bench` suites and `annlab tune` accept. */
export const ALGORITHM_NAMES: readonly AnnlabAlgorithm[] = ['flat', 'rpforest', 'hnsw', 'ivfflat', 'ivfpq', 'vamana', 'lsh', 'nndescent'];

/** The class behind each suite name (the types the CLI's pictures and the harness build on). */
export interface AnnlabClassMap {
  /** Exact search, `@annlab/flat`. */
  readonly flat: typeof FlatIndex;
  /** Random-projection forest, `@annlab/rpforest`. */
  readonly rpforest: typeof RpForestIndex;
  /** HNSW graph, `@annlab/hnsw`. */
  readonly hnsw: typeof HnswIndex;
  /** IVF with exact lists, `@annlab/ivfpq`. */
  readonly ivfflat: typeof IvfFlatIndex;
  /** IVF with product-quantized lists, `@annlab/ivfpq`. */
  readonly ivfpq: typeof IvfPqIndex;
  /** Locality-sensitive hashing (SimHash / E2LSH, multi-probe), `@annlab/lsh`. */
  readonly lsh: typeof LshIndex;
  /** Vamana graph (DiskANN, in memory), `@annlab/vamana`. */
  readonly vamana: typeof VamanaIndex;
  /** NN-Descent k-NN graph, pruned and searched best-first, `@annlab/nndescent`. */
  readonly nndescent: typeof NnDescentIndex;
}

/** Suite name → index class. */
export const ANNLAB_CLASSES: AnnlabClassMap = {
  flat: FlatIndex,
  rpforest: RpForestIndex,
  hnsw: HnswIndex,
  ivfflat: IvfFlatIndex,
  ivfpq: IvfPqIndex,
  lsh: LshIndex,
  vamana: VamanaIndex,
  nndescent: NnDescentIndex,
};

/** The PCA classes of `@annlab/pca`: the transform itself and the wrapper behind `pca+<name>`. */
export interface PcaClassMap {
  /** The PCA transform. */
  readonly Pca: typeof Pca;
  /** PCA, then any annlab index (`pca+<name>`). */
  readonly PreTransformIndex: typeof PreTransformIndex;
}

/** The PCA classes (see {@link PcaClassMap}). */
export const PCA_CLASSES: PcaClassMap = { Pca, PreTransformIndex };

/**
 * The map seen through the contract: every entry constructs an `AnnIndex` from one options
 * object and loads through core's `IndexClass`, so an API change in an algorithm package
 * fails to compile here. The options type is left open (`never`): each class has its own
 * (ivfpq requires `m`), and options from a suite file are checked by the constructor.
 */
const INDEX_CLASSES: Readonly<Record<AnnlabAlgorithm, AnnlabIndexClass<AnnIndex, never>>> = ANNLAB_CLASSES;

/** Where each annlab algorithm lives: suite name → package and exported class (for generated code). */
export const ANNLAB_ALGORITHMS: Readonly<
  Record<
    AnnlabAlgorithm,
    {
      /** Package name, e.g. `@annlab/hnsw`. */
      pkg: string;
      /** Exported class name, e.g. `HnswIndex`. */
      className: string;
    }
  >
> = {
  flat: { pkg: '@annlab/flat', className: 'FlatIndex' },
  rpforest: { pkg: '@annlab/rpforest', className: 'RpForestIndex' },
  hnsw: { pkg: '@annlab/hnsw', className: 'HnswIndex' },
  ivfflat: { pkg: '@annlab/ivfpq', className: 'IvfFlatIndex' },
  ivfpq: { pkg: '@annlab/ivfpq', className: 'IvfPqIndex' },
  lsh: { pkg: '@annlab/lsh', className: 'LshIndex' },
  vamana: { pkg: '@annlab/vamana', className: 'VamanaIndex' },
  nndescent: { pkg: '@annlab/nndescent', className: 'NnDescentIndex' },
};

/** True when `name` is one of annlab's own suite names. */
export function isAnnlabAlgorithm(name: string): name is AnnlabAlgorithm {
  return (ALGORITHM_NAMES as readonly string[]).includes(name);
}

/** Build parameters that belong to the PCA stage of a `pca+<name>` pipeline (the rest go to the inner index). */
export const PCA_BUILD_KEYS: readonly string[] = ['components', 'whiten', 'solver', 'oversampling', 'powerIterations', 'keepVectors'];

/**
 * Construction options assembled from a suite: `{ dim, metric, seed }` and the suite's build
 * parameters. Their names and value types come from a JSON file, so they are checked where
 * they are used: each constructor refuses an unknown key or a bad value with a typed
 * `INVALID_PARAMETER` naming the known ones.
 */
function suiteOptions(options: Record<string, unknown>): never {
  return options as never;
}

class AnnlabSearcher implements Searcher {
  private readonly index: AnnIndex<SearchParams>;
  private readonly views: Float32Array[];
  private readonly queries: Float32Array;
  private readonly k: number;
  private readonly params: SearchParams;

  constructor(index: AnnIndex<SearchParams>, queries: Float32Array, nq: number, k: number, params: Params, stats?: SearchStats) {
    this.index = index;
    this.queries = queries;
    this.k = k;
    const dim = index.dim;
    this.views = [];
    for (let q = 0; q < nq; q++) this.views.push(queries.subarray(q * dim, (q + 1) * dim));
    this.params = stats === undefined ? { ...params } : { ...params, stats };
  }

  one(q: number, outIds: Int32Array, outOff: number): void {
    const r = this.index.search(this.views[q], this.k, this.params);
    outIds.set(r.ids, outOff);
  }

  batch(outIds: Int32Array): void {
    const r = this.index.search(this.queries, this.k, this.params);
    outIds.set(r.ids);
  }
}

/**
 * The optional used-bytes hook an index may offer beside `memoryBytes()`: the bytes of what it
 * stores (vectors as `size × dim × 4` — see core's `VectorStore.usedBytes()` — links, codes),
 * without the spare capacity of growable arrays. When present, the harness and `annlab build`
 * report it as the index size and `memoryBytes()` as the capacity.
 */
export interface UsedBytesHook {
  /** Bytes used, spare capacity excluded. */
  usedBytes(): number;
}

function hasUsedBytes(index: object): index is UsedBytesHook {
  return typeof (index as Partial<UsedBytesHook>).usedBytes === 'function';
}

/** Bytes an annlab index uses: its `usedBytes()` where it offers one ({@link UsedBytesHook}), else `memoryBytes()`. */
export function indexUsedBytes(index: AnnIndex): number {
  return hasUsedBytes(index) ? index.usedBytes() : index.memoryBytes();
}

/** A built annlab index behind the harness interface. */
export class BuiltAnnlabIndex implements BuiltIndex {
  /** The index itself. */
  readonly index: AnnIndex<SearchParams>;
  readonly countsDistances: boolean = true;
  readonly buildThreads: number;
  /** The index's bytes in shared memory for `threadedBatchQps`, taken on first use. */
  private shared: SharedIndex<SearchParams> | null;

  /**
   * @param index - a built (added-to) annlab index.
   * @param buildThreads - threads its build used.
   */
  constructor(index: AnnIndex<SearchParams>, buildThreads: number = 1) {
    this.index = index;
    this.buildThreads = buildThreads;
    this.shared = null;
  }

  /**
   * `searchBatch` (@annlab/threads) on `pool`: untimed calls for at least `WARMUP_MS` (the
   * one-query warm-up rule), then the best of `repeats` timed calls.
   */
  async threadedBatchQps(pool: ThreadPool, queries: Float32Array, nq: number, k: number, params: Params, repeats: number): Promise<number> {
    // Shared once per build: the index does not change during its sweep.
    this.shared ??= shareIndex(this.index);
    const q = queries.subarray(0, nq * this.index.dim);
    const options = { pool, params: params as SearchParams };
    // The one-query path's warm-up rule (timeQueries): untimed calls for at least WARMUP_MS,
    // so the workers' JIT has compiled the search path (and loaded its replica) before the clock.
    const warmStart = nowMs();
    do await searchBatch(this.shared, q, k, options);
    while (nowMs() - warmStart < WARMUP_MS);
    let best = Infinity;
    for (let r = 0; r < Math.max(1, repeats); r++) {
      const t0 = nowMs();
      await searchBatch(this.shared, q, k, options);
      best = Math.min(best, nowMs() - t0);
    }
    return nq / (Math.max(best, 1e-9) / 1000);
  }

  searcher(queries: Float32Array, nq: number, k: number, params: Params, stats?: SearchStats): Searcher {
    return new AnnlabSearcher(this.index, queries, nq, k, params, stats);
  }

  /** {@link indexUsedBytes} of the index: `usedBytes()` where it has one, else `memoryBytes()`. */
  memoryBytes(): number {
    return indexUsedBytes(this.index);
  }

  /** `memoryBytes()` of an index that also reports `usedBytes()` (its allocation); else null. */
  capacityBytes(): number | null {
    return hasUsedBytes(this.index) ? this.index.memoryBytes() : null;
  }

  serialize(): Uint8Array {
    return this.index.serialize();
  }
}

/** One annlab index class as an {@link AlgorithmAdapter}. */
export class AnnlabAdapter implements AlgorithmAdapter {
  readonly name: AnnlabAlgorithm;
  readonly kind = 'annlab' as const;
  private readonly cls: AnnlabIndexClass<AnnIndex, never>;

  /** @param name - suite name; one of {@link ALGORITHM_NAMES}. */
  constructor(name: string) {
    if (!isAnnlabAlgorithm(name))
      throw new AnnlabError('NOT_FOUND', `unknown annlab algorithm "${name}"; known: ${ALGORITHM_NAMES.join(', ')}.`);
    this.name = name;
    this.cls = INDEX_CLASSES[name];
  }

  async unavailableReason(): Promise<string | null> {
    return null;
  }

  /** An empty index of this algorithm: `base` (`dim`, `metric`, `seed`, ...) and the build parameters. */
  create(base: IndexOptions, params: Params): AnnIndex {
    return new this.cls(suiteOptions({ ...base, ...params }));
  }

  async build(input: BuildInput, params: Params): Promise<BuiltIndex> {
    const base = { dim: input.dim, metric: input.metric, seed: input.seed };
    const threads = input.threads ?? 1;
    let index: AnnIndex | null = null;
    let buildThreads = 1;
    if (threads > 1 && params.threads === undefined) {
      // Indexes with a `threads` build option get --threads; the others refuse the key and
      // build on one thread.
      try {
        index = this.create(base, { ...params, threads });
        buildThreads = threads;
      } catch (e) {
        if (!isAnnlabError(e, 'INVALID_PARAMETER') || !/unknown option 'threads'/.test(e.message)) throw e;
      }
    }
    index ??= this.create(base, params);
    const addOptions = input.onProgress === undefined ? undefined : { onProgress: input.onProgress };
    if (threads > 1 && buildThreads === 1 && hasPoolBuild(index)) {
      // Builds that take a worker pool run on --threads workers: the forest's trees and IVF's
      // k-means assignment (byte-identical to the one-thread build), and HNSW's concurrent
      // INSERT (same quality, bytes depend on timing, as hnswlib's num_threads build).
      const pool = createThreadPool({ threads });
      try {
        if (index instanceof RpForestIndex || index instanceof HnswIndex) await index.addAsync(input.base, { ...addOptions, pool });
        else {
          await index.trainAsync(input.base, { pool });
          index.add(input.base, addOptions);
        }
      } finally {
        await pool.close();
      }
      return new BuiltAnnlabIndex(index, threads);
    }
    index.add(input.base, addOptions);
    return new BuiltAnnlabIndex(index, buildThreads);
  }
}

/** Whether `index` builds on a worker pool: the forest and HNSW (`addAsync`), the IVF indexes (`trainAsync`). */
function hasPoolBuild(index: AnnIndex): index is RpForestIndex | HnswIndex | IvfFlatIndex | IvfPqIndex {
  return index instanceof RpForestIndex || index instanceof HnswIndex || index instanceof IvfFlatIndex || index instanceof IvfPqIndex;
}

/**
 * `pca+<name>`: @annlab/pca's `PreTransformIndex` around an inner annlab index. Build
 * parameters named in {@link PCA_BUILD_KEYS} configure the PCA stage, all others the inner
 * index; search parameters pass through (the wrapper reads `rerank`, the inner index the rest).
 */
export class PcaPipelineAdapter implements AlgorithmAdapter {
  readonly name: string;
  readonly kind = 'annlab' as const;
  private readonly inner: AnnlabAdapter;

  /** @param innerName - the wrapped algorithm's suite name (`hnsw`, `ivfflat`, ...). */
  constructor(innerName: string) {
    this.inner = new AnnlabAdapter(innerName);
    this.name = `pca+${innerName}`;
  }

  async unavailableReason(): Promise<string | null> {
    return null;
  }

  async build(input: BuildInput, params: Params): Promise<BuiltIndex> {
    const pcaParams: Params = {};
    const innerParams: Params = {};
    for (const [key, value] of Object.entries(params)) {
      if (PCA_BUILD_KEYS.includes(key)) pcaParams[key] = value;
      else innerParams[key] = value;
    }
    const inner = this.inner;
    const index = new PreTransformIndex(
      suiteOptions({
        dim: input.dim,
        metric: input.metric,
        seed: input.seed,
        ...pcaParams,
        inner: (options: InnerIndexOptions) => inner.create({ ...options, seed: options.seed ?? input.seed }, innerParams),
      }),
    );
    // Through the contract's add(vectors, options?): the wrapper ignores the option until it reports progress.
    (index as AnnIndex).add(input.base, input.onProgress === undefined ? undefined : { onProgress: input.onProgress });
    return new BuiltAnnlabIndex(index);
  }
}

/**
 * Load any annlab index file: the file's tag picks the class (flat, rpforest, hnsw, ivfflat,
 * ivfpq, or a PCA pipeline, whose inner index is loaded the same way).
 *
 * @param options - passed to the class's `deserialize` (e.g. the kernel backend).
 */
export async function deserializeAnnlabIndex(bytes: Uint8Array, options: LoadOptions = {}): Promise<AnnIndex<SearchParams>> {
  const tag = BinaryReader.peekHeader(bytes).tag;
  const classes: Record<string, IndexClass> = {};
  for (const name of ALGORITHM_NAMES) classes[INDEX_CLASSES[name].TAG] = INDEX_CLASSES[name];
  if (tag === PreTransformIndex.TAG) return PreTransformIndex.deserialize(bytes, { ...options, loaders: classes });
  const cls = classes[tag];
  if (cls === undefined) {
    throw new AnnlabError(
      'WRONG_FORMAT',
      `this file holds a '${tag}' index, which no annlab package reads (known: ${[...Object.keys(classes), PreTransformIndex.TAG].join(', ')}).`,
    );
  }
  return cls.deserialize(bytes, options);
}
