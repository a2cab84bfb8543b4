/**
 * Datasets for the harness: resolved through @annlab/datasets (`loadDataset`,
 * `syntheticDataset`), with ground truth completed by exact search when a source lacks
 * enough columns. A small built-in generator keeps `synthetic:` references working should
 * @annlab/datasets not provide them.
 *
 * @module
 */
import { AnnlabError, Rng, checkMetric, type Metric } from '@annlab/core';
import { FlatIndex } from '@annlab/flat';

/** A dataset as the harness uses it (the @annlab/datasets `Dataset` shape). */
export interface BenchDataset {
  /** Dataset name, e.g. `fashion-mnist-784-euclidean`. */
  name: string;
  /** Distance to search by. */
  metric: Metric;
  /** Vector dimension. */
  dim: number;
  /** Base vectors, `nBase × dim` row-major. */
  base: Float32Array;
  /** Query vectors, `nQueries × dim` row-major. */
  queries: Float32Array;
  /** Ground-truth ids, `nQueries × groundTruthK`, best first (absent when unknown). */
  groundTruth?: Int32Array;
  /** Columns of `groundTruth`; 0 when absent. */
  groundTruthK: number;
}

/** Options for {@link resolveDataset}. */
export interface ResolveDatasetOptions {
  /** Keep only the first `maxBase` base vectors (ground truth is then recomputed). */
  maxBase?: number;
  /** Keep only the first `maxQueries` queries. */
  maxQueries?: number;
  /** Ensure at least `k` ground-truth columns. */
  k: number;
  /** Progress messages (downloads, ground truth). */
  onProgress?: (message: string) => void;
}

interface DatasetsApi {
  loadDataset(ref: string, options?: { maxBase?: number; maxQueries?: number; k?: number; onProgress?: (m: string, f?: number) => void }): Promise<BenchDataset>;
  syntheticDataset(spec: string): BenchDataset;
}

/** @annlab/datasets' functions, or null when it does not provide them. */
export async function datasetsApi(): Promise<Partial<DatasetsApi>> {
  try {
    return (await import('@annlab/datasets')) as unknown as Partial<DatasetsApi>;
  } catch {
    return {};
  }
}

/**
 * Parse `synthetic:n=…,dim=…,clusters=…,queries=…,seed=…,metric=…` (the built-in fallback
 * generator's subset of the @annlab/datasets syntax).
 */
export function parseSyntheticSpec(ref: string): { n: number; dim: number; clusters: number; queries: number; seed: number; metric: Metric } {
  const spec = { n: 2000, dim: 32, clusters: 10, queries: 100, seed: 42, metric: 'euclidean' as Metric };
  const body = ref.replace(/^synthetic:/, '');
  for (const part of body.split(',').filter((p) => p.length > 0)) {
    const [key, value] = part.split('=');
    if (key === 'metric') spec.metric = checkMetric(value === 'angular' ? 'cosine' : value);
    else if (key === 'n' || key === 'dim' || key === 'clusters' || key === 'queries' || key === 'seed') {
      const v = Number(value);
      if (!Number.isInteger(v) || (key !== 'seed' && v < 1)) throw new AnnlabError('INVALID_PARAMETER', `synthetic dataset: ${key} must be a positive integer, got "${value}".`);
      spec[key] = v;
    }
  }
  return spec;
}

/**
 * A seeded Gaussian-clusters dataset (the fallback behind `synthetic:` references): cluster
 * centres N(0, 3²) in `dim` dimensions, points N(centre, 1); queries from the same mixture.
 */
export function builtinSynthetic(ref: string): BenchDataset {
  const s = parseSyntheticSpec(ref);
  const rng = new Rng(s.seed);
  const centres = new Float32Array(s.clusters * s.dim);
  for (let i = 0; i < centres.length; i++) centres[i] = 3 * rng.nextGaussian();
  const draw = (count: number): Float32Array => {
    const out = new Float32Array(count * s.dim);
    for (let i = 0; i < count; i++) {
      const c = rng.nextInt(s.clusters);
      for (let j = 0; j < s.dim; j++) out[i * s.dim + j] = centres[c * s.dim + j] + rng.nextGaussian();
    }
    return out;
  };
  const base = draw(s.n);
  const queries = draw(s.queries);
  return { name: ref, metric: s.metric, dim: s.dim, base, queries, groundTruthK: 0 };
}

/** Exact ground truth (`nq × k` ids) with @annlab/flat's batch search. */
export function exactGroundTruth(base: Float32Array, queries: Float32Array, dim: number, metric: Metric, k: number): Int32Array {
  const flat = new FlatIndex({ dim, metric });
  flat.add(base);
  return flat.search(queries, k).ids;
}

/**
 * Load a dataset reference, cut it to `maxBase`/`maxQueries`, and make sure it has at least
 * k ground-truth columns (computed exactly when missing or when the base was cut).
 */
export async function resolveDataset(ref: string, options: ResolveDatasetOptions): Promise<BenchDataset> {
  const api = await datasetsApi();
  let ds: BenchDataset;
  if (ref.startsWith('synthetic:')) {
    ds = api.syntheticDataset !== undefined ? api.syntheticDataset(ref) : builtinSynthetic(ref);
  } else if (api.loadDataset !== undefined) {
    const opts: { maxBase?: number; maxQueries?: number; k?: number; onProgress?: (m: string) => void } = { k: options.k };
    if (options.maxBase !== undefined) opts.maxBase = options.maxBase;
    if (options.maxQueries !== undefined) opts.maxQueries = options.maxQueries;
    if (options.onProgress !== undefined) opts.onProgress = options.onProgress;
    ds = await api.loadDataset(ref, opts);
  } else {
    throw new AnnlabError('NOT_FOUND', `cannot load dataset "${ref}": @annlab/datasets provides no loadDataset here. Use a synthetic:... reference.`);
  }
  const dim = ds.dim;
  let base = ds.base;
  let queries = ds.queries;
  let gt = ds.groundTruth;
  let gtK = ds.groundTruthK;
  const nBase = base.length / dim;
  const nq = queries.length / dim;
  if (options.maxBase !== undefined && options.maxBase < nBase) {
    base = base.subarray(0, options.maxBase * dim);
    gt = undefined;
    gtK = 0;
  }
  if (options.maxQueries !== undefined && options.maxQueries < nq) {
    const keep = options.maxQueries;
    queries = queries.subarray(0, keep * dim);
    if (gt !== undefined) gt = gt.subarray(0, keep * gtK);
  }
  if (gt === undefined || gtK < options.k) {
    options.onProgress?.(`computing exact ground truth (k=${options.k}) for ${queries.length / dim} queries over ${base.length / dim} vectors`);
    gt = exactGroundTruth(base, queries, dim, ds.metric, options.k);
    gtK = options.k;
  }
  return { name: ds.name, metric: ds.metric, dim, base, queries, groundTruth: gt, groundTruthK: gtK };
}
