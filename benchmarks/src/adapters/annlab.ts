/**
 * Adapters for annlab's own indexes. Every index implements `AnnIndex` from @annlab/core, so
 * one generic adapter serves them all: construct with `{ dim, metric, seed, ...build }`, add
 * the base (trainable indexes train on that first add), search with the per-call parameters.
 * `pca+<name>` wraps any of them in @annlab/pca's `PreTransformIndex`.
 *
 * The algorithm packages are loaded lazily by name, so the harness keeps running (and
 * reports a clear "not available" line) if one is missing from an installation.
 *
 * @module
 */
import { AnnlabError, BinaryReader, type AnnIndex, type SearchParams, type SearchStats } from '@annlab/core';
import type { Params } from '../suite.js';
import type { AlgorithmAdapter, BuildInput, BuiltIndex, Searcher } from './adapter.js';

/** An annlab index class as the harness sees it (the `AnnIndex` contract plus the static file API). */
export interface AnnlabIndexClass {
  /** Construct from one options object `{ dim, metric, seed, ...build }`. */
  new (options: Record<string, unknown>): AnnIndex<SearchParams>;
  /** Algorithm tag written into serialized files. */
  readonly TAG: string;
  /** Load an index written by `serialize()`. */
  deserialize(bytes: Uint8Array): AnnIndex<SearchParams>;
}

/** Where each annlab algorithm lives: suite name → package and exported class. */
export const ANNLAB_ALGORITHMS: Readonly<Record<string, {
  /** Package name, e.g. `@annlab/hnsw`. */
  pkg: string;
  /** Exported class name, e.g. `HnswIndex`. */
  className: string;
}>> = {
  flat: { pkg: '@annlab/flat', className: 'FlatIndex' },
  rpforest: { pkg: '@annlab/rpforest', className: 'RpForestIndex' },
  hnsw: { pkg: '@annlab/hnsw', className: 'HnswIndex' },
  ivfflat: { pkg: '@annlab/ivfpq', className: 'IvfFlatIndex' },
  ivfpq: { pkg: '@annlab/ivfpq', className: 'IvfPqIndex' },
};

/** Build parameters that belong to the PCA stage of a `pca+<name>` pipeline (the rest go to the inner index). */
export const PCA_BUILD_KEYS: readonly string[] = ['components', 'whiten', 'solver', 'oversampling', 'powerIterations', 'keepVectors'];

async function importPackage(pkg: string): Promise<Record<string, unknown>> {
  // Literal specifiers so bundlers and vitest see every package.
  switch (pkg) {
    case '@annlab/flat':
      return (await import('@annlab/flat')) as unknown as Record<string, unknown>;
    case '@annlab/rpforest':
      return (await import('@annlab/rpforest')) as unknown as Record<string, unknown>;
    case '@annlab/hnsw':
      return (await import('@annlab/hnsw')) as unknown as Record<string, unknown>;
    case '@annlab/ivfpq':
      return (await import('@annlab/ivfpq')) as unknown as Record<string, unknown>;
    case '@annlab/pca':
      return (await import('@annlab/pca')) as unknown as Record<string, unknown>;
    default:
      throw new AnnlabError('NOT_FOUND', `unknown annlab package ${pkg}.`);
  }
}

/**
 * The class exported as `className` by `pkg`, or a one-line reason why it cannot be used.
 */
export async function loadAnnlabClass(pkg: string, className: string): Promise<AnnlabIndexClass | string> {
  let mod: Record<string, unknown>;
  try {
    mod = await importPackage(pkg);
  } catch (e) {
    return `${pkg} could not be loaded (${(e as Error).message.split('\n')[0]})`;
  }
  const cls = mod[className];
  if (typeof cls !== 'function') return `${pkg} does not export ${className} yet`;
  return cls as AnnlabIndexClass;
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

/** A built annlab index behind the harness interface. */
export class BuiltAnnlabIndex implements BuiltIndex {
  /** The index itself. */
  readonly index: AnnIndex<SearchParams>;
  readonly countsDistances: boolean = true;

  /** @param index - a built (added-to) annlab index. */
  constructor(index: AnnIndex<SearchParams>) {
    this.index = index;
  }

  searcher(queries: Float32Array, nq: number, k: number, params: Params, stats?: SearchStats): Searcher {
    return new AnnlabSearcher(this.index, queries, nq, k, params, stats);
  }

  memoryBytes(): number {
    return this.index.memoryBytes();
  }

  serialize(): Uint8Array {
    return this.index.serialize();
  }
}

/** One annlab index class as an {@link AlgorithmAdapter}. */
export class AnnlabAdapter implements AlgorithmAdapter {
  readonly name: string;
  readonly kind = 'annlab' as const;
  private readonly pkg: string;
  private readonly className: string;

  /** @param name - suite name; must be a key of {@link ANNLAB_ALGORITHMS}. */
  constructor(name: string) {
    const entry = ANNLAB_ALGORITHMS[name];
    if (entry === undefined) throw new AnnlabError('NOT_FOUND', `unknown annlab algorithm "${name}"; known: ${Object.keys(ANNLAB_ALGORITHMS).join(', ')}.`);
    this.name = name;
    this.pkg = entry.pkg;
    this.className = entry.className;
  }

  async unavailableReason(): Promise<string | null> {
    const cls = await loadAnnlabClass(this.pkg, this.className);
    return typeof cls === 'string' ? cls : null;
  }

  async build(input: BuildInput, params: Params): Promise<BuiltIndex> {
    const cls = await loadAnnlabClass(this.pkg, this.className);
    if (typeof cls === 'string') throw new AnnlabError('NOT_FOUND', cls);
    const index = new cls({ dim: input.dim, metric: input.metric, seed: input.seed, ...params });
    index.add(input.base);
    return new BuiltAnnlabIndex(index);
  }
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

  private async loadWrapper(): Promise<AnnlabIndexClass | string> {
    return loadAnnlabClass('@annlab/pca', 'PreTransformIndex');
  }

  async unavailableReason(): Promise<string | null> {
    const wrapper = await this.loadWrapper();
    if (typeof wrapper === 'string') return wrapper;
    return this.inner.unavailableReason();
  }

  async build(input: BuildInput, params: Params): Promise<BuiltIndex> {
    const wrapper = await this.loadWrapper();
    if (typeof wrapper === 'string') throw new AnnlabError('NOT_FOUND', wrapper);
    const entry = ANNLAB_ALGORITHMS[this.inner.name];
    const innerCls = await loadAnnlabClass(entry.pkg, entry.className);
    if (typeof innerCls === 'string') throw new AnnlabError('NOT_FOUND', innerCls);
    const pcaParams: Params = {};
    const innerParams: Params = {};
    for (const [key, value] of Object.entries(params)) {
      if (PCA_BUILD_KEYS.includes(key)) pcaParams[key] = value;
      else innerParams[key] = value;
    }
    const index = new wrapper({
      dim: input.dim,
      metric: input.metric,
      seed: input.seed,
      ...pcaParams,
      inner: (options: { dim: number; metric?: string; seed?: number }) =>
        new innerCls({ ...options, seed: options.seed ?? input.seed, ...innerParams }),
    });
    index.add(input.base);
    return new BuiltAnnlabIndex(index);
  }
}

/**
 * Load any annlab index file: the file's tag picks the class (flat, rpforest, hnsw, ivfflat,
 * ivfpq, or a PCA pipeline, whose inner index is loaded the same way).
 */
export async function deserializeAnnlabIndex(bytes: Uint8Array): Promise<AnnIndex<SearchParams>> {
  const tag = BinaryReader.peekHeader(bytes).tag;
  const loaders: Record<string, (b: Uint8Array) => AnnIndex<SearchParams>> = {};
  for (const entry of Object.values(ANNLAB_ALGORITHMS)) {
    const cls = await loadAnnlabClass(entry.pkg, entry.className);
    if (typeof cls !== 'string') loaders[cls.TAG] = (b) => cls.deserialize(b);
  }
  const pca = await loadAnnlabClass('@annlab/pca', 'PreTransformIndex');
  if (typeof pca !== 'string') {
    const withLoaders = pca as unknown as { TAG: string; deserialize(b: Uint8Array, l: typeof loaders): AnnIndex<SearchParams> };
    loaders[withLoaders.TAG] = (b) => withLoaders.deserialize(b, loaders);
  }
  const load = loaders[tag];
  if (load === undefined) {
    throw new AnnlabError('WRONG_FORMAT', `this file holds a '${tag}' index, which no installed annlab package reads (known: ${Object.keys(loaders).join(', ')}).`);
  }
  return load(bytes);
}
